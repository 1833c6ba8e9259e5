"""Tensor: an n-dimensional array that remembers how it was computed.

A Tensor holds an ndarray (``_data``: NumPy on the CPU, CuPy on a GPU), and for
autograd ``requires_grad``, ``grad`` and ``grad_fn``. Views share memory with their
base exactly as PyTorch's do, and share its version counter, which is how autograd
notices an in-place change to a tensor it saved.

The methods a learner calls (``x.add``, ``x.view``, ``x.sum`` ...) are written out one
line each in ``tensor_math.py`` and ``tensor_shape.py``; this file holds the core.
Chapter 01 (tensors) opens this file.
"""
import numpy as np

from teachtorch import _arg_types, _backend, _checks, _errors, dtypes
from teachtorch.autograd import engine as _engine
from teachtorch.autograd import function as _function
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import AccumulateGrad, RemovableHandle
from teachtorch.device import device_of_array
from teachtorch.storage import TypedStorage, UntypedStorage, array_ptr
from teachtorch.tensor_legacy import TensorAbsentMixin, TensorLegacyMixin
from teachtorch.tensor_math import TensorMathMixin
from teachtorch.tensor_math_special import TensorSpecialMathMixin
from teachtorch.tensor_shape import TensorShapeMixin

_ndarray = np.ndarray
_new = object.__new__


class Tensor(TensorMathMixin, TensorSpecialMathMixin, TensorShapeMixin,
             TensorLegacyMixin, TensorAbsentMixin):
    """A multi-dimensional array of one dtype, with autograd.

    ``Tensor(2, 3)`` makes an uninitialised 2x3 float tensor (teachtorch fills it
    with zeros so results are reproducible); ``Tensor([[1, 2]])`` copies data as
    float32. Prefer ``teachtorch.tensor(data)``, which keeps the data's type.

    Mirrors: torch.Tensor
    """

    __slots__ = ("_data", "_requires_grad", "_grad", "grad_fn", "_vc", "__dict__",
                 "__weakref__")
    # set on few tensors: class-level defaults keep Tensor._make cheap
    _root = None         # the array owning the storage (None: _data itself)
    _base = None         # the tensor this one is a view of
    _output_nr = 0       # which output of grad_fn this tensor is
    _acc = None          # the AccumulateGrad node of a leaf
    _retains_grad = False
    __array_priority__ = 1000  # ndarray + tensor calls Tensor.__radd__

    def __new__(cls, *args, **kwargs):
        from teachtorch import creation

        return creation.legacy_new(cls, dtypes.get_default_dtype(), args, kwargs)

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def _make(data, requires_grad=False):
        """Wrap an array without copying (the one way every op makes a Tensor)."""
        if type(data) is not _ndarray and not _backend.is_cupy_array(data):
            data = np.asarray(data)
        t = _new(Tensor)
        t._data = data
        t._requires_grad = requires_grad
        t._grad = None
        t.grad_fn = None
        t._vc = [0]
        return t

    def _init_from(self, data, requires_grad=False):
        """Fill a freshly allocated instance of a subclass (Parameter, ...)."""
        self._data = data
        self._requires_grad = requires_grad
        self._grad = None
        self.grad_fn = None
        self._vc = [0]

    def _as_view_of(self, base):
        """Mark self as a view of base: same storage, same version counter."""
        self._root = base._root if base._root is not None else base._data
        self._vc = base._vc
        self._base = base._base if base._base is not None else base
        return self

    # ----- what it is ----------------------------------------------------------------
    @property
    def dtype(self):
        return dtypes._FROM_NP[self._data.dtype]

    @property
    def shape(self):
        from teachtorch.size import Size

        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape (a torch.Size), or one dimension's length."""
        if dim is None:
            return self.shape
        return self._data.shape[self._wrap_dim(dim)]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    @property
    def device(self):
        return device_of_array(self._data)

    @property
    def is_cuda(self):
        return _backend.is_cupy_array(self._data)

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return False

    def type(self, dtype=None):
        """With no argument the type name ('torch.FloatTensor'); else a cast."""
        if dtype is None:
            return "torch." + self.dtype.legacy_name
        if isinstance(getattr(dtype, "_dtype", None), dtypes.dtype):
            dtype = dtype._dtype  # a legacy class: x.type(torch.LongTensor)
        if isinstance(dtype, str):
            name = dtype.replace("torch.", "").replace("cuda.", "")
            found = next((d for d in dtypes.ALL if d.legacy_name == name), None)
            if found is None:
                raise ValueError(_errors.hint(f"invalid type: '{dtype}'", "use a name like "
                                 "'torch.FloatTensor' or a dtype like torch.float32."))
            if "cuda." in dtype:  # 'torch.cuda.LongTensor' also moves to the GPU
                return self.to(found).cuda()
            dtype = found
        if not isinstance(dtype, dtypes.dtype):
            raise ValueError(_errors.hint(  # noqa: TRY004 - PyTorch raises ValueError
                f"invalid type: '{getattr(dtype, '__name__', dtype)}'",
                "use a name like 'torch.FloatTensor' or a dtype like torch.float32."))
        return self.to(dtype)

    def _wrap_dim(self, dim):
        n = self._data.ndim
        lo, hi = (-1, 0) if n == 0 else (-n, n - 1)
        if not lo <= dim <= hi:
            raise IndexError(_errors.dim_out_of_range(dim, n))
        return dim + n if dim < 0 else dim

    # ----- memory: storage, strides, views ---------------------------------------------
    def stride(self, dim=None):
        """Elements to step in storage for +1 along each dimension."""
        item = self._data.itemsize
        s = tuple(int(b) // item for b in self._data.strides)
        return s if dim is None else s[self._wrap_dim(dim)]

    def storage_offset(self):
        root = self._root if self._root is not None else self._data
        return (array_ptr(self._data) - array_ptr(root)) // self._data.itemsize

    def is_contiguous(self, memory_format=None):
        return bool(self._data.flags.c_contiguous)

    def data_ptr(self):
        return array_ptr(self._data)

    def untyped_storage(self):
        root = self._root if self._root is not None else self._data
        return UntypedStorage(root, self.dtype)

    def storage(self):
        root = self._root if self._root is not None else self._data
        return TypedStorage(root, self.dtype)

    @property
    def _is_view_flag(self):
        return self._base is not None

    def _is_view(self):
        return self._base is not None

    # ----- autograd ----------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if self.grad_fn is not None and not value:
            raise RuntimeError(
                _errors.hint("you can only change requires_grad flags of leaf variables. If you want "
                "to use a computed variable in a subgraph that doesn't require "
                "differentiation use var_no_grad = var.detach().", "call .detach() to get a copy of this tensor outside the graph."))
        if value and not self.dtype.is_floating_point:
            raise RuntimeError(_errors.requires_grad_non_float(self.dtype))
        self._requires_grad = bool(value)

    @property
    def grad(self):
        """The gradient backward() accumulated here (None until then)."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None and (type(value) is not Tensor or value._data.shape !=
                                  self._data.shape or value._data.dtype !=
                                  self._data.dtype):
            _checks.assigned_grad(self, value)
        self._grad = value

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    def _grad_accumulator(self):
        if self._acc is None:
            self._acc = AccumulateGrad(self)
        return self._acc

    @property
    def data(self):
        """The same memory without autograd history (changes to it go unrecorded)."""
        t = Tensor._make(self._data.view())  # a new array object: see detach()
        t._root = self._root if self._root is not None else self._data
        return t

    @data.setter
    def data(self, new):
        if self._requires_grad and new._data.dtype.kind not in "fc":
            raise RuntimeError(_errors.hint(
                "data set to a tensor that requires gradients must be floating point "
                "or complex dtype", "a tensor that requires grad stays floating point; "
                "convert a copy instead: y = x.detach().long()."))
        self._data = new._data
        self._root = new._root

    def detach(self):
        """A tensor sharing memory (and version counter) but outside the graph."""
        # a new array object over the same memory, so an op given both x and
        # x.detach() can tell them apart when it maps saved arrays back to tensors
        t = Tensor._make(self._data.view())
        t._root = self._root if self._root is not None else self._data
        t._vc = self._vc
        return t

    def detach_(self):
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self):
        """Keep .grad on a non-leaf tensor after backward."""
        if self.grad_fn is None:
            return
        if self._retains_grad:
            return
        import weakref

        ref = weakref.ref(self)

        def keep(grad):
            t = ref()
            if t is not None:
                g = grad.detach().clone() if not grad.requires_grad else grad
                t.grad = g if t.grad is None else t.grad + g
        keep._is_retain_grad = True
        self.grad_fn._add_tensor_hook(self._output_nr, keep)
        self._retains_grad = True

    @property
    def retains_grad(self):
        return self._retains_grad

    def register_hook(self, hook):
        """hook(grad) runs when this tensor's gradient is computed; may return a new one."""
        if not self._requires_grad:
            raise RuntimeError(
                _errors.hint("cannot register a hook on a tensor that doesn't require gradient", "hooks watch gradients; set requires_grad=True first."))
        node = self.grad_fn if self.grad_fn is not None else self._grad_accumulator()
        return node._add_tensor_hook(self._output_nr, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute d(self)/d(leaf) for every leaf and add it into leaf.grad.

        Mirrors: torch.Tensor.backward
        """
        _engine.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ----- conversion ----------------------------------------------------------------
    def numpy(self, force=False):
        """A NumPy array sharing this tensor's memory (CPU tensors only)."""
        if self._requires_grad and not force:
            raise RuntimeError(_errors.numpy_requires_grad())
        if self.is_cuda:
            if force:
                return _backend.to_numpy(self._data)
            raise TypeError(
                _errors.hint("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to "
                "copy the tensor to host memory first.", "x.cpu().numpy()"))
        return self._data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                _errors.hint(f"a Tensor with {self._data.size} elements cannot be converted to Scalar", "item() is for one-element tensors (a loss, an accuracy). Use "
                ".tolist() for many values, or reduce first (x.sum().item())."))
        return self._data.reshape(()).item()

    def tolist(self):
        return _backend.to_numpy(self._data).tolist()

    def __array__(self, dtype=None, copy=None):
        # inside a Function's forward NumPy may read inputs that require grad
        a = self._data if grad_mode._state["in_forward"] else self.numpy()
        return a if dtype is None else a.astype(dtype)

    def __float__(self):
        if self._data.size != 1:
            raise ValueError(_errors.one_element(self))
        return float(self.item())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError(_errors.one_element(self))
        return int(self.item())

    def __index__(self):
        if self.dtype.category == 2 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted "
                            "to an index")
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(
                _errors.hint("Boolean value of Tensor with "
                f"{'no values' if self._data.size == 0 else 'more than one value'} is "
                "ambiguous", "say which you mean: (x > 0).any() or (x > 0).all()."))
        return bool(self.item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        from teachtorch._tensor_str import tensor_repr

        return tensor_repr(self)

    def __format__(self, spec):
        # PyTorch formats a plain 0-dim tensor as its number ('{}'.format(loss))
        if self._data.ndim == 0 and (spec or type(self) is Tensor):
            return self.item().__format__(spec)
        return object.__format__(self, spec) if spec else repr(self)

    def __reduce_ex__(self, protocol):
        from teachtorch.serialization import reduce_tensor

        return reduce_tensor(self)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = self.detach().clone()
        new._requires_grad = self._requires_grad
        if self.grad is not None:
            new.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def __setstate__(self, state):
        pass

    def _check_inplace(self):
        """Shared checks before any in-place change: leaves and expanded memory."""
        if self._requires_grad and self.grad_fn is None and grad_mode._state["enabled"]:
            raise RuntimeError(_errors.leaf_inplace())
        if self.is_cuda:  # CuPy arrays have no read-only flag: look at the strides
            if any(st == 0 and n > 1 for st, n in zip(self._data.strides, self.shape)):
                raise RuntimeError(_errors.expanded_write())
        elif not self._data.flags.writeable:
            if 0 in self._data.strides and self._data.size > 1:
                raise RuntimeError(_errors.expanded_write())
            raise RuntimeError(_errors.hint("the tensor's memory is read-only (it came from a read-only "
                               "NumPy array)", ".clone() it first."))

    def _bump(self):
        self._vc[0] += 1
        return self

    @property
    def _version(self):
        """How many in-place changes this memory has seen (shared with views)."""
        return self._vc[0]

    @property
    def T(self):
        return self.permute(*reversed(range(self._data.ndim)))

    @property
    def mT(self):
        return self.transpose(-2, -1)

    @property
    def H(self):
        return self.T

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return self._data.nbytes


def _handle_remover(hooks, key):
    return RemovableHandle(hooks)


_function.Tensor = Tensor  # Function.apply tells Tensors from other arguments with it
_arg_types.name_methods_like_torch(Tensor, TensorMathMixin, TensorShapeMixin)
