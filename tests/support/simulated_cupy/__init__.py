"""A SIMULATED CuPy made of NumPy: the GPU code paths, run on a machine with no GPU.

Nothing here touches a GPU. With ``TEACHTORCH_FAKE_CUDA=2`` in the environment,
``_backend`` uses this module in place of ``cupy``, and teachtorch behaves as if two
GPUs were present: ``.cuda()``, ``.to("cuda:1")``, DataParallel... all run, on NumPy.

Why: the CuPy code paths must be exercised by tests on ordinary machines. So this
array is as STRICT as real CuPy where CuPy is strict, and porting bugs show up here:

- ``np.asarray(gpu_array)`` raises TypeError (CuPy never converts implicitly; call
  ``.get()`` or ``cupy.asnumpy``);
- mixing a GPU array with a NumPy array (not 0-d) in one operation raises TypeError;
- every operation runs on the *current* device (``cuda.Device(i)`` as a context
  manager sets it); an input living on another device raises ValueError, as CuPy
  does when the GPUs have no peer access;
- ``a.flags`` has only c_contiguous, f_contiguous, owndata (no ``writeable``).

Only names real CuPy has are exposed. NumPy functions called on these arrays
(``np.exp(a)``) dispatch here, as with CuPy, and give arrays on the device.

``a[...] = numpy_array`` raises ValueError, as CuPy does for a basic index (it
fills with the value as a scalar); here every index refuses it. Move the values with
``cupy.asarray`` first. Not simulated: speed, asynchrony (``synchronize`` has nothing
to wait for), memory limits, and CuPy's wrap-around of out-of-range integer indices
(here they raise, as in NumPy).
The devices live in cuda.py beside it (``cupy.cuda``). It is test support, not part
of the package: the root conftest.py puts tests/support on the path, and
``_backend`` imports it by name (``TEACHTORCH_FAKE_CUPY``, default ``simulated_cupy``).
"""
import numpy as np

from simulated_cupy import cuda

__version__ = "simulated"
SIMULATED = True  # _backend.SIMULATED and `teachtorch doctor` read it

# Top-level routines of real CuPy (checked against its API reference) that
# teachtorch may call. Each runs NumPy's function of the same name on the device.
_ROUTINES = frozenset("""
    abs absolute add all allclose amax amin any append arange arccos arccosh arcsin
    arcsinh arctan arctan2 arctanh argmax argmin argsort argwhere around array_equal
    array_split ascontiguousarray atleast_1d atleast_2d bincount bitwise_and
    bitwise_not bitwise_or bitwise_xor broadcast_arrays broadcast_to cbrt ceil
    choose clip column_stack concatenate copy copysign copyto cos cosh count_nonzero
    cumprod cumsum deg2rad diag diagonal diff divide divmod dot einsum empty
    empty_like equal exp exp2 expand_dims expm1 eye fix flatnonzero flip fliplr
    flipud float_power floor floor_divide fmax fmin fmod full full_like greater
    greater_equal histogram hstack hypot identity inner invert isclose isfinite isin
    isinf isnan isneginf isposinf kron ldexp less less_equal linspace log log10
    log1p log2 logaddexp logaddexp2 logical_and logical_not logical_or logical_xor
    logspace matmul max maximum may_share_memory mean meshgrid min minimum mod
    moveaxis multiply nan_to_num nanmax nanmean nanmin nansum negative nextafter
    nonzero not_equal ones ones_like outer pad partition positive power prod ptp
    put_along_axis ravel reciprocal remainder repeat reshape result_type rint roll
    rot90 round searchsorted shares_memory sign signbit sin sinh sort split sqrt
    square squeeze stack std subtract sum swapaxes take take_along_axis tan tanh
    tensordot tile trace transpose tril tril_indices triu triu_indices true_divide
    trunc unique unravel_index var vstack where zeros zeros_like
""".split())  # noqa: SIM905 - a word list reads best
# cupy.linalg: the part of numpy.linalg that CuPy has too
_LINALG = ("cholesky", "det", "eigh", "inv", "lstsq", "matrix_power", "norm", "pinv",
           "qr", "slogdet", "solve", "svd")
# Ufunc methods exist in CuPy only for selected ufuncs (see cupy.ufunc's reference).
_UFUNC_METHODS = {"add": {"at", "reduce", "accumulate", "reduceat", "outer"},
                  "subtract": {"at"}, "maximum": {"at", "reduce"},
                  "minimum": {"at", "reduce"}, "multiply": {"reduce", "accumulate"}}
_VIEW_METHODS = ("reshape", "view", "transpose", "swapaxes", "squeeze", "ravel",
                 "diagonal")
_METHODS = _VIEW_METHODS + (
    "astype", "copy", "sum", "mean", "var", "std", "prod", "max", "min", "argmax",
    "argmin", "all", "any", "cumsum", "cumprod", "clip", "dot", "nonzero", "round",
    "flatten", "repeat", "take", "argsort", "conj", "fill", "sort", "__copy__")


# --------------------------------------------------------- arrays in and out -------
def _mixing_error(value):
    return TypeError(f"Unsupported type {type(value)}\nhint: (simulated CuPy) a NumPy "
                     "array met a GPU array; create it with xp = get_array_module(x), "
                     "or move it with cupy.asarray first.")


def _device_error(where, current):
    return ValueError(
        f"The device where the array resides ({where}) is different from the current "
        f"device ({current}). Peer access is unavailable between these devices.")


def _unwrap(value, devices, host_ok=False):
    """NumPy values for an operation; records the devices of the GPU arrays met."""
    if isinstance(value, ndarray):
        devices.add(value._device)
        return value._array
    if isinstance(value, np.ndarray):
        if value.ndim and not host_ok:
            raise _mixing_error(value)
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v, devices, host_ok) for v in value)
    if isinstance(value, slice):
        return slice(_unwrap(value.start, devices), _unwrap(value.stop, devices),
                     _unwrap(value.step, devices))
    return value


def _wrap(value, device):
    if isinstance(value, np.ndarray):
        return ndarray._of(value, device)
    if isinstance(value, np.generic):
        return ndarray._of(np.asarray(value), device)  # CuPy gives 0-d arrays
    if isinstance(value, tuple):
        return tuple(_wrap(v, device) for v in value)
    if isinstance(value, list):
        return [_wrap(v, device) for v in value]
    return value


def _run(fn, args, kwargs, view_of=None):
    """Run a NumPy function the way a CuPy kernel runs: on the current device.

    view_of: for reshape-like methods, the array whose memory the result may share;
    a view needs no kernel, so it stays on that array's device from any device.
    """
    devices = set()
    np_args = _unwrap(args, devices)
    np_kwargs = {k: _unwrap(v, devices) for k, v in kwargs.items()}
    done = False
    if view_of is not None and devices == {view_of._device}:
        out, done = fn(*np_args, **np_kwargs), True
        if isinstance(out, np.ndarray) and np.may_share_memory(out, view_of._array):
            return ndarray._of(out, view_of._device)
    current = cuda._current.id
    for d in sorted(devices):
        if d != current:
            raise _device_error(d, current)
    if not done:
        out = fn(*np_args, **np_kwargs)
    if "out" in kwargs:  # the caller's own array(s), as NumPy and CuPy return them
        return kwargs["out"][0] if isinstance(kwargs["out"], tuple) else kwargs["out"]
    return _wrap(out, current)


class _Flags:
    """a.flags: CuPy has only these three (no ``writeable``: GPU memory always is)."""

    def __init__(self, a):
        self.c_contiguous = a.flags.c_contiguous
        self.f_contiguous = a.flags.f_contiguous
        self.owndata = a.flags.owndata

    def __getitem__(self, key):
        return {"C_CONTIGUOUS": self.c_contiguous, "F_CONTIGUOUS": self.f_contiguous,
                "OWNDATA": self.owndata}[key]


class ndarray:
    """cupy.ndarray, simulated: a NumPy array plus the device it 'lives' on."""
    __slots__ = ("__weakref__", "_array", "_device")
    __array_priority__ = 100

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        self._array = np.empty(shape, dtype, order=order)
        self._device = cuda._current.id

    @classmethod
    def _of(cls, array, device):
        a = object.__new__(cls)
        a._array, a._device = array, device
        return a

    # what real CuPy refuses
    def __array__(self, *args, **kwargs):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please "
                        "use `.get()` to construct a NumPy array explicitly.")

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self)))

    # NumPy functions on device arrays dispatch here, as they do for CuPy
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        methods = {"__call__", *_UFUNC_METHODS.get(ufunc.__name__, ())}
        if ufunc.__name__ not in _ROUTINES or method not in methods:
            return NotImplemented
        fn = ufunc if method == "__call__" else getattr(ufunc, method)
        return _run(fn, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func.__module__ == "numpy.linalg" and func.__name__ in _LINALG:
            return getattr(linalg, func.__name__)(*args, **kwargs)
        if func.__name__ not in _ROUTINES:
            return NotImplemented
        return globals()[func.__name__](*args, **kwargs)

    # the device and the host
    @property
    def device(self):
        return cuda.Device(self._device)

    @property
    def data(self):
        address = self._array.__array_interface__["data"][0]
        return cuda.MemoryPointer(address, self._device)

    def get(self, stream=None, order="C", out=None):
        """A NumPy copy (device to host)."""
        host = np.array(self._array, order=order, copy=True)
        if out is not None:
            out[...] = host
            return out
        return host

    def set(self, arr, stream=None):
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"Only numpy.ndarray can be set to cupy.ndarray, "
                            f"got {type(arr)}")
        self._array[...] = arr

    # attributes
    shape = property(lambda self: self._array.shape)
    dtype = property(lambda self: self._array.dtype)
    ndim = property(lambda self: self._array.ndim)
    size = property(lambda self: self._array.size)
    strides = property(lambda self: self._array.strides)
    itemsize = property(lambda self: self._array.itemsize)
    nbytes = property(lambda self: self._array.nbytes)
    flags = property(lambda self: _Flags(self._array))
    T = property(lambda self: self.transpose())

    @property
    def base(self):
        b = self._array.base
        return ndarray._of(b, self._device) if isinstance(b, np.ndarray) else None

    def __len__(self):
        return len(self._array)

    def __repr__(self):
        return repr(self._array)

    def __str__(self):
        return str(self._array)

    # Python numbers from a single element (CuPy copies it to the host)
    def item(self):
        return self._array.item()

    def tolist(self):
        return self._array.tolist()

    def __bool__(self):
        return bool(self._array)

    def __float__(self):
        return float(self._array)

    def __int__(self):
        return int(self._array)

    def __complex__(self):
        return complex(self._array)

    def __index__(self):
        return self._array.__index__()

    def __reduce__(self):
        return (_rebuild, (self.get(), self._device))

    def __deepcopy__(self, memo):
        with cuda.Device(self._device):  # CuPy: a deep copy stays on the array's GPU
            return self.copy()

    # indexing: basic indexing gives a view on the same device
    def __getitem__(self, key):  # NumPy arrays as indices are copied over, as in CuPy
        devices = set()
        key = _unwrap(key, devices, host_ok=True)
        for d in sorted(devices - {self._device}):
            raise _device_error(d, self._device)
        return _run(lambda a, k: a[k], (self, _rewrap(key, self._device)), {},
                    view_of=self)

    def __setitem__(self, key, value):
        if isinstance(value, np.ndarray) and value.ndim:  # CuPy fills with a scalar
            raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        devices = {self._device}
        key, value = _unwrap(key, devices, host_ok=True), _unwrap(value, devices)
        for d in sorted(devices):
            if d != cuda._current.id:
                raise _device_error(d, cuda._current.id)
        self._array[key] = value


def _rewrap(key, device):
    """An index with its arrays on the device (so _run sees where they live)."""
    if isinstance(key, np.ndarray) and key.ndim:
        return ndarray._of(key, device)
    if isinstance(key, tuple):
        return tuple(_rewrap(k, device) for k in key)
    return key


def _rebuild(host, device):
    with cuda.Device(device):
        return asarray(host)


def _method(name):
    def method(self, *args, **kwargs):
        if name == "copy":  # CuPy copies onto the current device from any device
            return ndarray._of(self._array.copy(*args, **kwargs), cuda._current.id)
        view_of = self if name in _VIEW_METHODS else None
        return _run(getattr(np.ndarray, name), (self,) + args, kwargs, view_of=view_of)

    method.__name__ = name
    return method


def _operator(ufunc, reflected=False):
    def op(self, other):
        if isinstance(other, np.ndarray) and other.ndim:
            raise _mixing_error(other)
        args = (other, self) if reflected else (self, other)
        return _run(ufunc, args, {})
    return op


def _inplace(ufunc):
    def op(self, other):
        _run(ufunc, (self, other), {"out": (self,)})
        return self
    return op


for _name in _METHODS:
    setattr(ndarray, _name, _method(_name))
for _name, _uf in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                   ("truediv", np.true_divide), ("floordiv", np.floor_divide),
                   ("mod", np.remainder), ("pow", np.power), ("matmul", np.matmul),
                   ("and", np.bitwise_and), ("or", np.bitwise_or),
                   ("xor", np.bitwise_xor)]:
    setattr(ndarray, f"__{_name}__", _operator(_uf))
    setattr(ndarray, f"__r{_name}__", _operator(_uf, reflected=True))
    setattr(ndarray, f"__i{_name}__", _inplace(_uf))
ndarray.__divmod__ = _operator(np.divmod)
ndarray.__rdivmod__ = _operator(np.divmod, reflected=True)
for _name, _uf in [("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
                   ("ge", np.greater_equal), ("eq", np.equal), ("ne", np.not_equal)]:
    setattr(ndarray, f"__{_name}__", _operator(_uf))
for _name, _uf in [("neg", np.negative), ("pos", np.positive), ("abs", np.absolute),
                   ("invert", np.invert)]:
    setattr(ndarray, f"__{_name}__", lambda self, _uf=_uf: _run(_uf, (self,), {}))
ndarray.__hash__ = None


# ------------------------------------------------------------- the module ----------
class ufunc:
    """cupy.add, cupy.exp...: NumPy's ufunc on the current device."""

    def __init__(self, np_ufunc):
        self._np, self.__name__ = np_ufunc, np_ufunc.__name__

    def __call__(self, *args, **kwargs):
        return _run(self._np, args, kwargs)

    def __getattr__(self, method):
        if method in _UFUNC_METHODS.get(self.__name__, ()):
            return lambda *args, **kwargs: _run(getattr(self._np, method), args, kwargs)
        raise AttributeError(f"'cupy.ufunc' object has no attribute '{method}' "
                             f"(not supported for cupy.{self.__name__})")


def _routine(name, namespace=np):
    np_fn = getattr(namespace, name)
    if isinstance(np_fn, np.ufunc):
        return ufunc(np_fn)

    def routine(*args, **kwargs):
        return _run(np_fn, args, kwargs)

    routine.__name__ = name
    return routine


def asarray(a, dtype=None, order=None):
    """An array on the current device (``a`` itself when it already is a GPU array)."""
    if isinstance(a, ndarray) and (dtype is None or np.dtype(dtype) == a.dtype):
        return a  # as in CuPy: no copy, even when ``a`` is on another device
    return array(a, dtype, copy=False, order=order or "K")


def array(obj, dtype=None, copy=True, order="K", ndmin=0):
    """A copy of obj (host data, or a GPU array on any device) on the current device."""
    host = obj._array if isinstance(obj, ndarray) else obj
    out = np.array(host, dtype=dtype, copy=copy or isinstance(obj, ndarray) or None,
                   order=order, ndmin=ndmin)
    return ndarray._of(out, cuda._current.id)


def asnumpy(a, stream=None, order="C", out=None):
    """A NumPy array from a GPU array (a copy) or from anything else."""
    if isinstance(a, ndarray):
        return a.get(stream=stream, order=order, out=out)
    return np.asarray(a, order=order)


def get_array_module(*args):
    for a in args:
        if isinstance(a, ndarray):
            return _this
    return np


class _RIndexer:
    """cupy.r_: ``r_[a, b]`` joins along the first axis."""

    def __getitem__(self, key):
        return _run(lambda k: np.r_[k], (key,), {})


r_ = _RIndexer()


def is_available():
    return cuda.COUNT > 0


class linalg:
    """cupy.linalg: NumPy's linear algebra on the device."""


for _name in _LINALG:
    setattr(linalg, _name, staticmethod(_routine(_name, np.linalg)))


class lib:
    class stride_tricks:
        @staticmethod
        def as_strided(x, shape=None, strides=None):
            out = np.lib.stride_tricks.as_strided(x._array, shape, strides)
            return ndarray._of(out, x._device)


# NumPy's dtypes and constants, which CuPy re-exports under the same names
bool_, int8, int16, int32, int64, uint8 = (np.bool_, np.int8, np.int16, np.int32,
                                           np.int64, np.uint8)
float16, float32, float64 = np.float16, np.float32, np.float64
e, pi, inf, nan, newaxis = np.e, np.pi, np.inf, np.nan, np.newaxis
dtype, finfo, iinfo, can_cast, promote_types = (np.dtype, np.finfo, np.iinfo,
                                                np.can_cast, np.promote_types)
for _name in _ROUTINES:
    if _name not in globals():
        globals()[_name] = _routine(_name)
_this = __import__(__name__, fromlist=["_"])
