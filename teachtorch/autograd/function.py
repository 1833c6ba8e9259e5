"""Function and its ctx: one forward, one backward, side by side.

``Function.apply`` runs ``forward`` and, when a gradient is needed, records a node of
the backward graph. That node is ``ctx`` inside forward/backward and ``grad_fn`` on
the output: ``MulBackward0``, ``MyReLUBackward`` ... with ``next_functions`` pointing
at the nodes of the inputs (``AccumulateGrad`` for leaves).

Every Function follows one protocol (``Function.apply``): forward may return Tensors
or arrays, ``save_for_backward`` takes either (an input's or output's array comes back
as that Tensor, so ``create_graph=True`` still differentiates through it), backward
gets and returns Tensors. The one switch: built-in ops (``teachtorch/ops``) set
``_raw = True``, so their forward receives the inputs' arrays, which keeps each op
cheap; your Function's forward receives the Tensors, as in PyTorch.

Chapter 05 (backprop by hand, custom autograd.Function) opens this file.
"""
import itertools

import numpy as np

from teachtorch import _backend, _errors
from teachtorch.autograd import anomaly_mode, grad_mode

_seq = itertools.count()
_FREED = object()


class RemovableHandle:
    """Returned by every register_*hook; ``handle.remove()`` takes the hook out."""

    _ids = itertools.count()

    def __init__(self, hooks_dict):
        self.hooks_dict = hooks_dict
        self.id = next(RemovableHandle._ids)

    def remove(self):
        self.hooks_dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class Node:
    """A node of the backward graph (what ``tensor.grad_fn`` points at)."""

    __slots__ = ("next_functions", "needs_input_grad", "_saved", "_input_meta",
                 "_seq", "__dict__", "__weakref__")

    # rarely-set attributes live on the class until an instance sets its own
    _pre_hooks = None
    _tensor_pre_hooks = None
    _hooks = None
    _n_outputs = 1
    _arg_pos = None
    _to_save = None
    _materialize = True
    _non_diff = None
    _dirty = None

    def __init__(self):
        self.next_functions = ()
        self._saved = None
        self._seq = next(_seq)

    def name(self):
        """The node's name, e.g. 'MulBackward0'."""
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def metadata(self):
        return self.__dict__.setdefault("_metadata", {})

    # ----- what forward may call on ctx -------------------------------------------
    def save_for_backward(self, *tensors):
        """Keep tensors for backward; read them back with ``ctx.saved_tensors``."""
        self._to_save = tensors

    @property
    def saved_tensors(self):
        """The tensors given to save_for_backward, checked for in-place changes."""
        saved = self._saved
        if saved is _FREED:
            raise RuntimeError(_errors.backward_twice())
        if saved is None:
            return ()
        out = []
        for t, version in saved:
            if t is not None and t._vc[0] != version:
                raise RuntimeError(_errors.modified_saved_tensor(t, version, self))
            out.append(t)
        return tuple(out)

    def mark_dirty(self, *tensors):
        """Declare that forward changed these inputs in place."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_diff = tensors

    def set_materialize_grads(self, value):
        """With False, backward may receive None instead of a zero gradient."""
        self._materialize = value

    # ----- hooks --------------------------------------------------------------------
    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node's backward."""
        if self._hooks is None:
            self._hooks = {}
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = fn
        return handle

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node's backward; may return new grads."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        handle = RemovableHandle(self._pre_hooks)
        self._pre_hooks[handle.id] = fn
        return handle

    def _add_tensor_hook(self, output_nr, fn):
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        handle = RemovableHandle(self._tensor_pre_hooks)
        self._tensor_pre_hooks[handle.id] = (output_nr, fn)
        return handle

    # ----- called by the engine -----------------------------------------------------
    def _run_backward(self, grads):
        return self._forward_cls.backward(self, *grads)


class AccumulateGrad(Node):
    """The node for a leaf tensor: it adds the incoming gradient into ``.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        Node.__init__(self)
        self.variable = variable
        self._seq = float("inf")  # run as soon as it is ready, as PyTorch does


class FunctionMeta(type):
    """Gives every Function subclass its own node class, named like PyTorch's."""

    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        node_name = attrs.get("node_name") or name + "Backward"
        body = {"__slots__": (), "_forward_cls": cls}
        if not getattr(cls, "_raw", False):  # grad_fn.apply(grad), see below
            body["apply"] = _custom_node_apply
        cls._backward_cls = type(node_name, (Node,), body)


def _custom_node_apply(self, *grad_outputs):
    """grad_fn.apply(grad) on a custom Function's node runs its backward (the node
    is the ctx), as PyTorch's BackwardCFunction.apply does; built-in ops' nodes have
    no apply, as in PyTorch."""
    return self._forward_cls.backward(self, *grad_outputs)


class Function(metaclass=FunctionMeta):
    """Base class for operations with a hand-written backward.

    Subclass it, write ``forward(ctx, *inputs)`` and ``backward(ctx, *grad_outputs)``
    as static methods, and call ``MyFunction.apply(...)``.

    Mirrors: torch.autograd.Function
    """

    _raw = False        # True: forward gets each Tensor's array (built-in ops, speed)
    n_tensor_slots = 0  # the first n args get an edge even if they are numbers
    is_view = False     # the output shares the first input's memory

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method "
                                  "for your custom autograd.Function to use it with "
                                  "backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward; if an input needs a gradient, record ctx as the outputs' grad_fn.

        One protocol for every Function, built-in or yours: forward gets the Tensors
        (their arrays instead where the class sets ``_raw = True``, as the built-in
        ops do for speed) and returns Tensors or arrays; ``ctx.save_for_backward``
        takes either; backward gets Tensors and returns one gradient per input.
        """
        record = False  # does some input need a gradient?
        if _grad_state["enabled"]:
            for a in args:
                if isinstance(a, Tensor) and a._requires_grad:
                    record = True
                    break
        ctx = cls._backward_cls() if record else _new_node(cls._backward_cls)
        if not cls._raw:
            out = _forward_on_tensors(cls, ctx, args, kwargs)
        elif _backend._cupy is None:  # built-in op on the CPU: forward on the arrays
            out = cls.forward(ctx, *[a._data if isinstance(a, Tensor) else a
                                     for a in args], **kwargs)
        else:
            out = _forward_on_arrays(cls, ctx, args, kwargs)
        single = not isinstance(out, tuple)
        if single and type(out) is _ndarray:  # the common case: one NumPy array
            outs = (Tensor._make(out),)
        elif single and isinstance(out, _np_scalar):  # NumPy's sum of a whole array
            outs = (Tensor._make(np.asarray(out)),)
        else:  # Tensors, arrays, NumPy scalars, None
            outs = _as_tensors((out,) if single else out, args, ctx)
        if record:  # grad_fn, next_functions, saved tensors
            _connect(cls, ctx, args, outs, (out,) if single else out)
        elif ctx._dirty:
            _bump_versions(ctx._dirty)
        if cls.is_view:
            outs[0]._as_view_of(args[0])
        return outs[0] if single else outs


Tensor = None  # teachtorch.tensor.Tensor, set by tensor.py (it imports this module)
_ndarray = np.ndarray
_np_scalar = np.generic  # what NumPy's reductions of a whole array return
_grad_state = grad_mode._state
_anomaly_state = anomaly_mode._state
_new_node = object.__new__  # a ctx nobody reads later: skip Node.__init__


def _forward_on_arrays(cls, ctx, args, kwargs):
    """``_raw`` Functions with a GPU about: forward on the Tensors' arrays, with
    their GPU current (two devices in one op are an error)."""
    arrays = [a._data if isinstance(a, Tensor) else a for a in args]
    with _on_inputs_device(args):
        return cls.forward(ctx, *arrays, **kwargs)


def _forward_on_tensors(cls, ctx, args, kwargs):
    """Forward on the Tensors, recording nothing (PyTorch runs it under no_grad).

    NumPy may read the inputs there (``np.exp(x)``), though they require grad.
    """
    was_enabled = _grad_state["enabled"]
    _grad_state["enabled"] = False  # (no_grad, written out: every Function runs this)
    _grad_state["in_forward"] += 1
    try:
        if _backend._cupy is None:  # the CPU only: no GPU to make current
            return cls.forward(ctx, *args, **kwargs)
        with _on_inputs_device(args):
            return cls.forward(ctx, *args, **kwargs)
    finally:
        _grad_state["in_forward"] -= 1
        _grad_state["enabled"] = was_enabled


def _on_inputs_device(args):
    """A context that makes the tensor arguments' GPU current (CuPy runs kernels on
    the current GPU; PyTorch on the inputs' device), after checking they share one."""
    return _backend.device_guard(_backend.common_device(
        [a._data for a in args if isinstance(a, Tensor)]))


def _make(data):
    return Tensor._make(data)


def _as_tensors(outs, args, ctx):
    """forward's results as Tensors: arrays (and NumPy scalars) wrapped; an input
    returned unchanged becomes a new alias of it (PyTorch's rule), unless dirty."""
    result = []
    dirty = ctx._dirty or ()
    for o in outs:
        if o is None:
            pass
        elif not isinstance(o, Tensor):
            o = Tensor._make(o)
        elif any(o is a for a in args) and not any(o is d for d in dirty):
            o = Tensor._make(o._data)
        result.append(o)
    return tuple(result)


def _bump_versions(tensors):
    """Tensors forward changed in place (ctx.mark_dirty) get a new version."""
    for t in tensors:
        t._vc[0] += 1


def _connect(cls, ctx, args, outs, returned):
    """Record ctx as the grad_fn of the outputs and link it to the inputs.

    ``returned`` is what forward returned, before apply wrapped it in Tensors."""
    edges = []
    needs = []
    meta = []
    n_slots = cls.n_tensor_slots
    skipped = False  # did some argument (a number) get no edge?
    for i, a in enumerate(args):
        if not isinstance(a, Tensor):
            if i >= n_slots:
                skipped = True
                continue
            edges.append((None, 0))
            needs.append(False)
            meta.append(None)
        elif a._requires_grad:
            edges.append((a.grad_fn or a._grad_accumulator(), a._output_nr))
            needs.append(True)
            meta.append((a._data.shape, a._data.dtype))
        else:
            edges.append((None, 0))
            needs.append(False)
            meta.append(None)
    ctx.next_functions = tuple(edges)
    ctx.needs_input_grad = tuple(needs)
    ctx._input_meta = meta
    if skipped and not cls._raw:  # which forward argument each edge belongs to
        ctx._arg_pos = [i for i, a in enumerate(args)
                        if i < n_slots or isinstance(a, Tensor)]
    ctx._n_outputs = len(outs)
    if len(outs) > 1:
        ctx._out_meta = [(o._data.shape, o._data.dtype) if o is not None else ((), None)
                         for o in outs]
    non_diff = ctx._non_diff or ()
    for nr, o in enumerate(outs):
        if o is None or any(o is n for n in non_diff):
            continue
        if o._data.dtype.kind != "f":
            continue
        o._requires_grad = True
        o.grad_fn = ctx
        o._output_nr = nr
    if ctx._dirty:
        _bump_versions(ctx._dirty)
    if _anomaly_state["enabled"]:
        anomaly_mode.record_forward_stack(ctx)
    to_save = ctx._to_save
    if to_save is not None:
        ctx._to_save = None
        saved = []
        for item in to_save:
            t = _as_saved_tensor(item, args, outs, returned)
            saved.append((t, t._vc[0] if t is not None else 0))
        ctx._saved = saved


def _as_saved_tensor(item, args, outs, returned):
    """What save_for_backward was given, as a Tensor: an array (or NumPy scalar)
    that forward returned, or that is an input's data, becomes that Tensor (so
    create_graph differentiates through it); any other array, a constant Tensor."""
    if item is None or isinstance(item, Tensor):
        return item
    for o in outs:
        if o is not None and o._data is item:
            return o
    for a in args:
        if isinstance(a, Tensor) and a._data is item:
            return a
    for o, r in zip(outs, returned):  # a NumPy scalar that apply made an array
        if r is item:
            return o
    return Tensor._make(item)


class BackwardCFunction(Node):
    """Kept for code that checks ``isinstance(grad_fn, BackwardCFunction)``."""

    __slots__ = ()


class once_differentiable:  # noqa: N801 - PyTorch's name
    """Decorator accepted for compatibility: backward runs without recording."""

    def __new__(cls, fn):
        def wrapper(ctx, *grads):
            with grad_mode.no_grad():
                return fn(ctx, *grads)
        wrapper.__name__ = fn.__name__
        wrapper.__doc__ = fn.__doc__
        return wrapper
