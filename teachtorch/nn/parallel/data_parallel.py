"""DataParallel: split a batch across GPUs, run a copy of the module on each, gather.

One step on n GPUs: the batch is cut into n chunks along ``dim`` (scatter); the
module is copied to every GPU (replicate: each copy's parameters are ``.to(gpu)``
copies of the originals, so their gradients flow back and add up in the originals);
each copy runs on its chunk; the outputs are moved to ``output_device`` and joined
(gather). With one GPU or none it just calls the module. What it always does is wrap:
the model becomes ``.module``, so every state_dict key gains a "module." prefix, the
classic pitfall when loading a checkpoint into an unwrapped model.
Chapter 18 (GPU and DataParallel) opens this file.
"""
import copy

from teachtorch import _backend, _errors
from teachtorch.nn.modules.module import Module


class DataParallel(Module):
    """Run module on chunks of the batch (dim), one chunk per GPU, and concatenate.

    Mirrors: torch.nn.DataParallel
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        if device_ids is None:
            device_ids = list(range(_backend.device_count())) if \
                _backend.is_cuda_available() else []
        self.device_ids = [_index(d) for d in device_ids]
        self.output_device = _index(output_device) if output_device is not None else (
            self.device_ids[0] if self.device_ids else None)
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        _check_on_first_device(self.module, self.device_ids[0])
        names = list(kwargs)
        chunks = scatter(inputs + tuple(kwargs.values()), self.device_ids, self.dim)
        chunks = [(c[:len(inputs)], dict(zip(names, c[len(inputs):]))) for c in chunks]
        if len(chunks) == 1:
            return self.module(*chunks[0][0], **chunks[0][1])
        replicas = replicate(self.module, self.device_ids[:len(chunks)])
        outputs = []
        for replica, (args, kw), index in zip(replicas, chunks, self.device_ids):
            with _backend.device_guard(index):  # run the copy on its own GPU
                outputs.append(replica(*args, **kw))
        return gather(outputs, self.output_device, self.dim)


def scatter(inputs, device_ids, dim=0):
    """Cut each tensor input into chunks along dim, chunk i moved to device_ids[i].

    Returns one tuple of inputs per chunk; non-tensor inputs go to every chunk
    (keyword arguments are scattered the same way by forward).
    """
    n = len(device_ids)
    parts = [x.chunk(n, dim) if hasattr(x, "chunk") else None for x in inputs]
    k = min((len(p) for p in parts if p is not None), default=1)
    return [tuple(p[i].to(f"cuda:{device_ids[i]}") if p is not None else x
                  for p, x in zip(parts, inputs)) for i in range(k)]


def replicate(module, device_ids):
    """The module itself for device_ids[0], then one copy per further GPU.

    A copy shares no tensors with the original: its parameters are ``p.to(gpu)``
    (so backward adds each copy's gradient into ``p.grad``), its buffers plain copies.
    """
    return [module] + [_copy_to(module, f"cuda:{i}") for i in device_ids[1:]]


def _copy_to(module, device):
    replica = copy.copy(module)
    replica.__dict__["_parameters"] = {
        name: None if p is None else p.to(device)
        for name, p in module._parameters.items()}
    replica.__dict__["_buffers"] = {
        name: None if b is None else b.detach().to(device)
        for name, b in module._buffers.items()}
    replica.__dict__["_modules"] = {
        name: None if m is None else _copy_to(m, device)
        for name, m in module._modules.items()}
    return replica


def gather(outputs, output_device, dim=0):
    """Move every output to output_device and concatenate them along dim."""
    from teachtorch.ops import join

    target = f"cuda:{output_device}" if output_device != -1 else "cpu"
    if isinstance(outputs[0], (tuple, list)):
        return type(outputs[0])(gather(list(group), output_device, dim)
                                for group in zip(*outputs))
    return join.cat([o.to(target) for o in outputs], dim)


def _check_on_first_device(module, index):
    want = f"cuda:{index}"
    for t in list(module.parameters()) + list(module.buffers()):
        if str(t.device) != want:
            raise RuntimeError(_errors.hint(
                f"module must have its parameters and buffers on device {want} "
                f"(device_ids[0]) but found one of them on device: {t.device}",
                "move the model first: model.to('cuda') (or .cuda()), then wrap it."))


def _index(d):
    if hasattr(d, "index"):
        return d.index or 0
    if isinstance(d, str):
        return int(d.split(":")[1]) if ":" in d else 0
    return int(d)
