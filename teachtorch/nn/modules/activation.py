"""Activation layers: ReLU, Sigmoid, Tanh, Softmax, GELU ... as Modules.

Each is a thin Module around the function in nn.functional, so it can sit inside a
Sequential. Chapter 07 (logistic regression) and chapter 09 (MLP) open this file.
"""
from teachtorch import creation
from teachtorch.nn import functional as F
from teachtorch.nn.modules.module import Module
from teachtorch.nn.parameter import Parameter


class _Inplace(Module):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class ReLU(_Inplace):
    """max(0, x). Mirrors: torch.nn.ReLU"""

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)


class ReLU6(_Inplace):
    """min(max(0, x), 6). Mirrors: torch.nn.ReLU6"""

    def forward(self, input):
        return F.relu6(input, self.inplace)


class SiLU(_Inplace):
    """x * sigmoid(x). Mirrors: torch.nn.SiLU"""

    def forward(self, input):
        return F.silu(input, self.inplace)


class Mish(_Inplace):
    """x * tanh(softplus(x)). Mirrors: torch.nn.Mish"""

    def forward(self, input):
        return F.mish(input, self.inplace)


class SELU(_Inplace):
    """Scaled ELU. Mirrors: torch.nn.SELU"""

    def forward(self, input):
        return F.selu(input, self.inplace)


class Sigmoid(Module):
    """1 / (1 + e**-x). Mirrors: torch.nn.Sigmoid"""

    def forward(self, input):
        return input.sigmoid()


class Tanh(Module):
    """tanh(x). Mirrors: torch.nn.Tanh"""

    def forward(self, input):
        return input.tanh()


class LogSigmoid(Module):
    """log(sigmoid(x)). Mirrors: torch.nn.LogSigmoid"""

    def forward(self, input):
        return F.logsigmoid(input)


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x. Mirrors: torch.nn.LeakyReLU"""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        text = f"negative_slope={self.negative_slope}"
        return text + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """Leaky ReLU whose slope is learned (one per channel, or one shared).

    Mirrors: torch.nn.PReLU
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(creation.full((num_parameters,), init, dtype=dtype,
                                              device=device))

    def reset_parameters(self):
        self.weight._data[...] = self.init

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class ELU(Module):
    """x if x > 0 else alpha * (e**x - 1). Mirrors: torch.nn.ELU"""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class CELU(ELU):
    """Continuously differentiable ELU. Mirrors: torch.nn.CELU"""

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)


class GELU(Module):
    """x * Phi(x) (exact) or its tanh approximation. Mirrors: torch.nn.GELU"""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """log(1 + e**(beta x)) / beta. Mirrors: torch.nn.Softplus"""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """Clamp to [min_val, max_val]. Mirrors: torch.nn.Hardtanh"""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        text = f"min_val={self.min_val}, max_val={self.max_val}"
        return text + (", inplace=True" if self.inplace else "")


class Threshold(Module):
    """x if x > threshold else value. Mirrors: torch.nn.Threshold"""

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        text = f"threshold={self.threshold}, value={self.value}"
        return text + (", inplace=True" if self.inplace else "")


class _SoftmaxBase(Module):
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        self.__dict__.setdefault("dim", None)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    """exp(x) / sum(exp(x)) along dim. Mirrors: torch.nn.Softmax"""

    def forward(self, input):
        return F.softmax(input, self.dim)


class LogSoftmax(_SoftmaxBase):
    """log(softmax(x)) along dim, computed stably. Mirrors: torch.nn.LogSoftmax"""

    def forward(self, input):
        return F.log_softmax(input, self.dim)


class Softmin(_SoftmaxBase):
    """softmax(-x) along dim. Mirrors: torch.nn.Softmin"""

    def forward(self, input):
        return F.softmin(input, self.dim)


class Hardsigmoid(_Inplace):
    """relu6(x + 3) / 6. Mirrors: torch.nn.Hardsigmoid"""

    def forward(self, input):
        return F.hardsigmoid(input)


class Hardswish(_Inplace):
    """x * relu6(x + 3) / 6. Mirrors: torch.nn.Hardswish"""

    def forward(self, input):
        return F.hardswish(input)


class Softsign(Module):
    """x / (1 + |x|). Mirrors: torch.nn.Softsign"""

    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    """x - tanh(x). Mirrors: torch.nn.Tanhshrink"""

    def forward(self, input):
        return F.tanhshrink(input)


class Softshrink(Module):
    """Shrink towards 0 by lambd. Mirrors: torch.nn.Softshrink"""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.softshrink(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class Hardshrink(Softshrink):
    """Zero where |x| <= lambd. Mirrors: torch.nn.Hardshrink"""

    def forward(self, input):
        return F.hardshrink(input, self.lambd)


class GLU(Module):
    """First half * sigmoid(second half) along dim. Mirrors: torch.nn.GLU"""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channel dim of (N, C, H, W) or (C, H, W).

    Mirrors: torch.nn.Softmax2d
    """

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got "
                             f"{input.dim()}D instead")
        return F.softmax(input, -3)


# the readable references behind the fast kernels (teachtorch.reference.reference_of)
Softmax.__reference__ = F.softmax.__reference__
LogSoftmax.__reference__ = F.log_softmax.__reference__
GELU.__reference__ = F.gelu.__reference__
Mish.__reference__ = F.mish.__reference__
