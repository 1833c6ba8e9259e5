"""DataParallel: split a batch across devices, run the module on each part, gather.

On a machine with no GPU (or one) it simply calls the module. What it always does
is wrap: the model becomes ``.module``, so every state_dict key gains a "module."
prefix, the classic pitfall when loading a checkpoint into an unwrapped model.
Chapter 16 (GPU) opens this file.
"""
from teachtorch import _backend
from teachtorch.nn.modules.module import Module


class DataParallel(Module):
    """Run module on chunks of the batch (dim), one chunk per device, and concatenate.

    Mirrors: torch.nn.DataParallel
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        if device_ids is None:
            device_ids = list(range(_backend.device_count())) if \
                _backend.is_cuda_available() else []
        self.device_ids = [d.index if hasattr(d, "index") else d for d in device_ids]
        self.output_device = output_device if output_device is not None else (
            self.device_ids[0] if self.device_ids else None)
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        if len(self.device_ids) <= 1:
            return self.module(*inputs, **kwargs)
        from teachtorch.ops import join

        n = len(self.device_ids)
        chunks = [x.chunk(n, self.dim) if hasattr(x, "chunk") else [x] * n
                  for x in inputs]
        k = min(len(c) for c in chunks)
        outputs = [self.module(*[c[i] for c in chunks], **kwargs) for i in range(k)]
        return join.cat(outputs, self.dim)
