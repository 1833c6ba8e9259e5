"""The pickle inside a PyTorch checkpoint: writing it without torch, reading it safely.

A ``.pt`` file is a zip archive (see ``serialization.py``). Its ``data.pkl`` record is
a pickle whose tensors look like this (``pickletools.dis`` shows it)::

    GLOBAL 'torch._utils _rebuild_tensor_v2'
    (  persistent_id ('storage', GLOBAL 'torch FloatStorage', '0', 'cpu', 6),
       0, (2, 3), (3, 1), False, OrderedDict()  )  REDUCE

The bytes of storage '0' live in the zip record ``data/0``, not in the pickle.

Writing: teachtorch must emit ``GLOBAL torch._utils _rebuild_tensor_v2`` without
importing torch. Python's pickler refuses to name a global it cannot import, so
:class:`TorchPickler` writes those GLOBAL opcodes itself for small stand-in objects
(:class:`TorchName`).

Reading: :class:`SafeUnpickler` maps each GLOBAL name in the file through an
allow-list (tensor rebuild functions, storage types, dtypes, OrderedDict, set ...) to
teachtorch's own objects and refuses every other name, so nothing named in the file
runs (``weights_only=True``, the default since PyTorch 2.6).

Chapter 15 (optimizers, train/eval, state_dict) opens this file.
"""
import _compat_pickle
import collections
import pickle

from teachtorch import _errors, dtypes

# ----- names torch uses in its files -----------------------------------------------

STORAGE_NAMES = {
    "bool": "BoolStorage", "uint8": "ByteStorage", "int8": "CharStorage",
    "int16": "ShortStorage", "int32": "IntStorage", "int64": "LongStorage",
    "float16": "HalfStorage", "float32": "FloatStorage", "float64": "DoubleStorage",
}
DTYPE_OF_STORAGE = {v: dtypes._NAMES[k] for k, v in STORAGE_NAMES.items()}


_TORCH_NAMES = {}


class TorchName:
    """Stands for a global named in torch's module tree, e.g. torch.FloatStorage.

    Pickling one writes ``GLOBAL module name`` (see :class:`TorchPickler`); it is never
    called in teachtorch.
    """

    def __new__(cls, module, name):
        key = (module, name)
        if key not in _TORCH_NAMES:  # one object per name, so pickle's memo reuses it
            self = object.__new__(cls)
            self.module, self.name = module, name
            _TORCH_NAMES[key] = self
        return _TORCH_NAMES[key]

    def __call__(self, *args):  # pickle's save_reduce insists the function is callable
        raise TypeError(f"{self.module}.{self.name} is a name for torch files only")

    def __repr__(self):
        return f"<torch name {self.module}.{self.name}>"


REBUILD_TENSOR = TorchName("torch._utils", "_rebuild_tensor_v2")
REBUILD_PARAMETER = TorchName("torch._utils", "_rebuild_parameter")
TORCH_DEVICE = TorchName("torch", "device")
TORCH_SIZE = TorchName("torch", "Size")


class StorageRef:
    """One storage to be written as a zip record: its key, its array and where it lives."""

    def __init__(self, key, array, location):
        self.key, self.array, self.location = key, array, location


class TorchPickler(pickle._Pickler):
    """A pickler that writes teachtorch tensors the way torch.save writes torch tensors.

    ``storage_of(tensor)`` (given by ``serialization.save``) returns
    ``(StorageRef, offset, shape, strides)``; this class turns the tensor into a call
    of torch's rebuild function and each StorageRef into a persistent id.
    The pure-Python pickler is used so that GLOBAL opcodes can be written for names
    that do not exist here; only small metadata goes through it (tensor bytes are zip
    records), so its speed does not matter.
    """

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, storage_of, protocol=2):
        super().__init__(file, protocol)
        self.storage_of = storage_of

    def save_torch_name(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[TorchName] = save_torch_name

    def save_dtype(self, obj):
        self.save(TorchName("torch", obj.name))

    dispatch[dtypes.dtype] = save_dtype

    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            dtype = dtypes._FROM_NP[obj.array.dtype]
            storage_type = TorchName("torch", STORAGE_NAMES[dtype.name])
            return ("storage", storage_type, obj.key, obj.location, int(obj.array.size))
        return None

    def reducer_override(self, obj):
        from teachtorch.device import device
        from teachtorch.size import Size
        from teachtorch.tensor import Tensor

        if isinstance(obj, Tensor):
            if type(obj).__name__ == "Parameter":  # torch: Parameter(plain tensor)
                plain = Tensor._make(obj._data)
                plain._root = obj._root
                return (REBUILD_PARAMETER, (plain, bool(obj.requires_grad),
                                            collections.OrderedDict()))
            storage, offset, shape, strides = self.storage_of(obj)
            return (REBUILD_TENSOR, (storage, offset, tuple(shape), tuple(strides),
                                     bool(obj.requires_grad), collections.OrderedDict()))
        if isinstance(obj, device):
            return (TORCH_DEVICE, (str(obj),))
        if isinstance(obj, Size):
            return (TORCH_SIZE, (tuple(obj),))
        return NotImplemented


# ----- reading ---------------------------------------------------------------------

class StorageType:
    """What GLOBAL torch.FloatStorage (etc.) loads as: it only names a dtype."""

    def __init__(self, name):
        self.name = name
        self.dtype = DTYPE_OF_STORAGE[name]

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` "
    "set to `False` will likely succeed, but it can result in arbitrary code execution. "
    "Do it only if you got the file from a trusted source.")
DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by "
    "default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")
BLOCKED_MODULES = ("sys", "os", "posix", "nt")


def weights_only_error(module, name):
    """torch's message for a GLOBAL that weights_only loading refuses, plus a hint."""
    full = f"{module}.{name}"
    if module in BLOCKED_MODULES:
        text = (f"Weights only load failed. {UNSAFE_MESSAGE}\n\n\nTrying to load "
                f"unsupported GLOBAL {full} whose module {module} is blocked.")
        why = (f"the file asks to call {full}, which could run any command on this "
               "machine. Do not load it with weights_only=False unless you made it.")
    else:
        text = (
            "Weights only load failed. This file can still be loaded, to do so you have "
            "two options, \033[1mdo those steps only if you trust the source of the "
            f"checkpoint\033[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load "
            "with `weights_only=True` please check the recommended steps in the "
            "following error message.\n\tWeightsUnpickler error: Unsupported global: "
            f"GLOBAL {full} was not an allowed global by default. Please use "
            f"`torch.serialization.add_safe_globals([{full}])` or the "
            f"`torch.serialization.safe_globals([{full}])` context manager to allowlist "
            "this global if you trust this class/function.")
        why = (f"the file contains a {full} object, not only tensors and plain "
               "containers. Save model.state_dict() instead of the model, or load "
               "with weights_only=False if you trust the file (the class must be "
               "importable).")
    return pickle.UnpicklingError(text + DOCS_MESSAGE + _errors.hint_line("") + why)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    """A tensor looking into a loaded storage.

    Mirrors: torch._utils._rebuild_tensor_v2
    """
    from teachtorch.serialization import tensor_from_storage

    t = tensor_from_storage(storage, storage_offset, size, stride)
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad, backward_hooks=None, state=None):
    """An nn.Parameter sharing the loaded tensor's memory.

    Mirrors: torch._utils._rebuild_parameter
    """
    from teachtorch.nn.parameter import Parameter

    p = Parameter(data, requires_grad)
    if state:
        p.__dict__.update(state if isinstance(state, dict) else state[0] or {})
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    t = func(*args)
    if new_type is not None and type(t) is not new_type:
        from teachtorch.nn.parameter import Parameter

        if new_type is Parameter:
            t = Parameter(t, t.requires_grad)
    if state:
        t.__dict__.update(state if isinstance(state, dict) else state[0] or {})
    return t


def _allowed_globals():
    """torch's name -> teachtorch's object, for every global a weights file may name."""
    import _codecs

    from teachtorch.device import device
    from teachtorch.nn.parameter import Parameter
    from teachtorch.size import Size
    from teachtorch.tensor import Tensor

    allowed = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.Tensor": Tensor,
        "torch.Size": Size,
        "torch.device": device,
        "_codecs.encode": _codecs.encode,
        "builtins.bytearray": bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
    }
    for d in dtypes.ALL:
        allowed["torch." + d.name] = d
    for name in STORAGE_NAMES.values():
        allowed["torch." + name] = StorageType(name)
    return allowed


USER_SAFE_GLOBALS = []  # classes/functions the user trusts (add_safe_globals)


class SafeUnpickler(pickle.Unpickler):
    """Unpickles data.pkl; every global goes through :meth:`find_class`.

    With ``weights_only=True`` only the allow-list above can be named, so a file that
    asks for ``os.system`` (or any class) is refused before anything is called. With
    ``weights_only=False`` other names are imported normally (whole pickled models);
    torch names outside the list are looked up under teachtorch instead.
    """

    def __init__(self, file, load_storage, weights_only=True):
        super().__init__(file, encoding="utf-8")
        self.load_storage = load_storage
        self.weights_only = weights_only
        self.allowed = _allowed_globals()
        for obj in USER_SAFE_GLOBALS:
            self.allowed.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)

    def find_class(self, module, name):
        if (module, name) in _compat_pickle.NAME_MAPPING:  # protocol 2 writes Python 2
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]  # names
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full = f"{module}.{name}"
        if full in self.allowed and (module not in BLOCKED_MODULES):
            return self.allowed[full]
        if self.weights_only:
            raise weights_only_error(module, name)
        if module == "torch" or module.startswith("torch."):
            return super().find_class("teachtorch" + module[5:], name)
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(
                _errors.hint(f"Unsupported persistent id {pid!r}", "teachtorch reads tensors "
                "saved by torch.save / teachtorch.save (typed storages) only."))
        _, storage_type, key, location, numel = pid
        if not isinstance(storage_type, StorageType):
            raise pickle.UnpicklingError(
                _errors.hint(f"Unknown storage type {storage_type!r}", "this file holds a dtype "
                "teachtorch does not have (e.g. bfloat16 or complex); convert it in "
                "PyTorch first (tensor.float())."))
        return self.load_storage(str(key), storage_type.dtype, str(location), int(numel))
