"""Random numbers: one seeded generator behind rand, randn, dropout, shuffling ...

``manual_seed(0)`` makes every later random call repeat exactly. teachtorch draws from
NumPy's PCG64 generator, so the *stream* differs from PyTorch's: the same seed gives
different numbers in the two libraries, but the same numbers every time in one.
Chapter 01 (tensors) opens this file.
"""
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


default_generator = Generator()


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
    return (generator or default_generator).rng
