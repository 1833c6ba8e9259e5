"""add_graph: run one forward pass and turn teachtorch's autograd graph into a GraphDef.

PyTorch traces the model with TorchScript; teachtorch needs no tracer, because the
forward pass already records everything: starting at the output's ``grad_fn`` and
following ``next_functions`` reaches every operation, down to the ``AccumulateGrad``
nodes of the parameters and the input. Forward hooks on every submodule say which
module each operation happened in, so TensorBoard can fold the graph by module
(``Net/Linear[fc1]/Addmm_3``).

Chapter 17 (TensorBoard and visdom) opens this file.
"""
from teachtorch.autograd.function import AccumulateGrad
from teachtorch.autograd.graph import walk
from teachtorch.utils.tensorboard import _proto


def _scope_names(model):
    """'Net/Sequential[features]/Conv2d[0]' for each submodule (torch's naming)."""
    root = type(model).__name__
    scopes = {}
    for path, module in model.named_modules():
        parts = [root] + [f"{type(m).__name__}[{p}]" for p, m in _chain(model, path)]
        scopes[id(module)] = "/".join(parts)
    return scopes


def _chain(model, path):
    """(attribute name, module) for each step from model down to model.<path>."""
    out, module = [], model
    for part in path.split(".") if path else []:
        module = module._modules[part]
        out.append((part, module))
    return out


def _as_tuple(x):
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


def _tensors(x):
    from teachtorch.tensor import Tensor

    if isinstance(x, Tensor):
        return [x]
    if isinstance(x, (tuple, list)):
        return [t for item in x for t in _tensors(item)]
    if isinstance(x, dict):
        return [t for item in x.values() for t in _tensors(item)]
    return []


def _run(model, inputs):
    """Forward once with hooks; return (outputs, [(module, in_nodes, out_nodes)])."""
    from teachtorch.autograd.grad_mode import enable_grad

    calls, handles = [], []

    def hook(module, args, output):
        calls.append((module, {t.grad_fn or t._acc for t in _tensors(args)},
                      [t.grad_fn for t in _tensors(output) if t.grad_fn is not None]))

    for _, module in model.named_modules():
        handles.append(module.register_forward_hook(hook))
    try:
        with enable_grad():
            outputs = model(*inputs)
    finally:
        for h in handles:
            h.remove()
    return outputs, calls


def _inside(out_nodes, in_nodes):
    """Nodes between a module call's outputs and its inputs (inputs excluded)."""
    seen, stack = [], list(out_nodes)
    while stack:
        node = stack.pop()
        if node is None or node in in_nodes or node in seen:
            continue
        seen.append(node)
        stack.extend(nxt for nxt, _ in node.next_functions)
    return seen


def trace_graph(model, input_to_model=None, verbose=False):
    """The encoded GraphDef of model(*input_to_model).

    Mirrors: torch.utils.tensorboard._pytorch_graph.graph
    """
    inputs = [] if input_to_model is None else list(_as_tuple(input_to_model))
    traced = []
    for x in inputs:  # a float input that requires grad shows up in the graph
        if hasattr(x, "_data") and x.dtype.is_floating_point and not x.requires_grad:
            x = x.detach().requires_grad_()
        traced.append(x)
    outputs, calls = _run(model, traced)
    out_tensors = _tensors(outputs)

    scopes = _scope_names(model)
    root_scope = type(model).__name__
    names, nodes = {}, []   # Node -> its name in the GraphDef; encoded NodeDefs
    shapes = {}             # Node -> shape of the tensor it produced

    leaf_names = {}
    for i, x in enumerate(traced):
        if hasattr(x, "_data"):
            leaf_names[id(x)] = (f"input/input.{i}", "IO Node", tuple(x.shape))
    for path, module in model.named_modules():
        for pname, p in module._parameters.items():
            if p is not None and id(p) not in leaf_names:
                leaf_names[id(p)] = (f"{scopes[id(module)]}/{pname}", "Parameter",
                                     tuple(p.shape))

    # which module each operation belongs to: innermost module call claims it
    owner = {}
    for module, in_nodes, out_nodes in calls:
        for node in _inside(out_nodes, in_nodes):
            owner.setdefault(node, scopes.get(id(module), root_scope))

    order = []
    for t in out_tensors:
        if t.grad_fn is not None:
            order.extend(n for n in walk(t.grad_fn) if n not in order)
    for node in order:
        metas = getattr(node, "_input_meta", None) or ()
        for (nxt, _), meta in zip(node.next_functions, metas):
            if nxt is not None and meta is not None:
                shapes.setdefault(nxt, tuple(meta[0]))
    for t in out_tensors:
        if t.grad_fn is not None:
            shapes.setdefault(t.grad_fn, tuple(t.shape))

    counter = 0
    for node in sorted(order, key=lambda n: (isinstance(n, AccumulateGrad), n._seq)):
        if isinstance(node, AccumulateGrad):
            var = node.variable
            name, op, shape = leaf_names.get(
                id(var), (f"{root_scope}/constant.{counter}", "Const", tuple(var.shape)))
            counter += 1
            names[node] = name
            nodes.append(_proto.node_def(name, op, attrs={
                "_output_shapes": _proto.attr_shapes([shape]),
                "attr": _proto.attr_string(f"{{ requires_grad : {var.requires_grad} }}")}))
    for node in sorted((n for n in order if not isinstance(n, AccumulateGrad)),
                       key=lambda n: n._seq):
        op = node.name().replace("Backward0", "").replace("Backward1", "")
        names[node] = f"{owner.get(node, root_scope)}/{op}_{counter}"
        counter += 1
    for node in sorted((n for n in order if not isinstance(n, AccumulateGrad)),
                       key=lambda n: n._seq):
        inputs_of = [names[nxt] for nxt, _ in node.next_functions if nxt in names]
        attrs = {"attr": _proto.attr_string(f"{{ grad_fn : {node.name()} }}")}
        if node in shapes:
            attrs["_output_shapes"] = _proto.attr_shapes([shapes[node]])
        nodes.append(_proto.node_def(names[node], node.name().replace("Backward0", ""),
                                     inputs_of, attrs))
    for i, t in enumerate(out_tensors):
        src = [names[t.grad_fn]] if t.grad_fn in names else []
        nodes.append(_proto.node_def(f"output/output.{i}", "IO Node", src, {
            "_output_shapes": _proto.attr_shapes([tuple(t.shape)])}))
    if verbose:
        for node in order:
            print(names[node])
    return _proto.graph_def(nodes)
