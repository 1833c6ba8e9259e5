"""Random numbers: one seeded generator behind rand, randn, dropout, shuffling ...

``manual_seed(0)`` makes every later random call repeat exactly. teachtorch draws from
NumPy's PCG64 generator, so the *stream* differs from PyTorch's: the same seed gives
different numbers in the two libraries, but the same numbers every time in one.
Chapter 01 (tensors) opens this file.
"""
from teachtorch import _errors
import numpy as np


class Generator:
    """A random-number stream that can be seeded and saved.

    Mirrors: torch.Generator
    """

    def __init__(self, device="cpu"):
        self.device = device
        self._seed = 67280421310721  # PyTorch's default seed value
        self.rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        seed = int(seed)
        self._seed = seed
        self.rng = np.random.Generator(np.random.PCG64(seed & ((1 << 64) - 1)))
        return self

    def seed(self):
        import secrets

        s = secrets.randbits(63)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from teachtorch.creation import tensor

        state = self.rng.bit_generator.state
        packed = np.frombuffer(repr(state).encode(), dtype=np.uint8).copy()
        return tensor(packed)

    def set_state(self, new_state):
        import ast

        text = bytes(new_state.numpy().tolist()).decode()
        self.rng.bit_generator.state = ast.literal_eval(text)
        return self


# As in PyTorch, a program that never calls manual_seed gets a fresh seed per process,
# so an unseeded script prints different numbers on each run; initial_seed() says
# which seed was drawn. A Generator() you make yourself starts at PyTorch's fixed
# default seed instead.
default_generator = Generator()
default_generator.seed()


def manual_seed(seed):
    """Seed the default generator (and NumPy's global one, for transforms and samplers).

    Mirrors: torch.manual_seed
    """
    default_generator.manual_seed(seed)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def rng(generator=None):
    """The NumPy Generator to draw from."""
    if generator is None:
        return default_generator.rng
    if not isinstance(generator, Generator):
        raise TypeError(_errors.hint("expected a torch.Generator for generator=, got "
                        f"{type(generator).__name__}", "g = torch.Generator(); "
                        "g.manual_seed(0); torch.rand(3, generator=g)."))
    return generator.rng


def fill_(array, kind, a, b, generator=None):
    """Overwrite array with random numbers (what x.uniform_(), x.normal_() ... call).

    kind: 'uniform' on [a, b), 'normal' with mean a and std b, 'random' integers in
    [a, b) (b=None: [0, a) or, with a=0, the dtype's exactly representable range),
    'bernoulli' 1 with probability a, 'exponential' with rate a, 'cauchy' (median a,
    scale b), 'log_normal' (mean a, std b of the log), 'geometric' (success chance a).
    """
    from teachtorch import _backend

    g = rng(generator)
    shape = array.shape
    if kind == "uniform":
        vals = g.random(shape) * (b - a) + a
    elif kind == "normal":
        vals = g.normal(a, b, shape)
    elif kind == "random":
        if b is None:
            a, b = (0, a) if a else (0, _random_top(array.dtype))
        vals = g.integers(a, b, size=shape)
    elif kind == "bernoulli":
        p = _backend.to_numpy(a._data) if hasattr(a, "_data") else a
        vals = g.random(shape) < p
    elif kind == "exponential":
        vals = g.exponential(1.0 / a, shape)
    elif kind == "cauchy":  # median a, scale b
        vals = a + b * g.standard_cauchy(shape)
    elif kind == "log_normal":  # exp of a normal with mean a and std b
        vals = g.lognormal(a, b, shape)
    elif kind == "geometric":  # trials until the first success of probability a
        vals = g.geometric(a, shape)
    else:
        raise ValueError(f"unknown random fill {kind!r}")
    array[...] = _backend.to_cupy(vals) if _backend.is_cupy_array(array) else vals


def _random_top(np_dtype):
    """random_() with no range: [0, 2**mantissa] for floats, the max for ints."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind == "f":
        return 2 ** (np.finfo(np_dtype).nmant + 1) + 1
    if np_dtype.kind == "b":
        return 2
    return int(np.iinfo(np_dtype).max) + 1 if np_dtype.itemsize < 8 else 2 ** 63 - 1
