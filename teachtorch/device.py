"""torch.device: where a tensor's memory lives ('cpu' or 'cuda:N').

Chapter 18 (GPU and DataParallel) opens this file.
"""
from teachtorch import _backend, _errors


class device:  # noqa: N801 - PyTorch's name
    """A device name such as cpu or cuda:0.

    Mirrors: torch.device
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - PyTorch's argument name
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int):
            type, index = "cuda", type
        elif ":" in type:
            type, idx = type.split(":", 1)
            if not idx.isdigit() or not idx.isascii():  # 'cuda:x', 'cuda:-1', 'cuda: 1'
                raise RuntimeError(_errors.hint(
                    f"Invalid device string: '{type}:{idx}'",
                    "write the device as 'cpu', 'cuda' or 'cuda:0'."))
            index = int(idx)
        if type not in ("cpu", "cuda", "mps", "meta"):
            raise RuntimeError(
                _errors.hint("Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, "
                "ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone "
                f"device type at start of device string: {type}", "teachtorch runs on 'cpu', or on 'cuda' when CuPy sees a GPU."))
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (
            other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))


_CPU = device("cpu")


def device_of_array(a):
    idx = _backend.array_device_index(a)
    if idx is None:
        return _CPU
    return device("cuda", idx)
