"""Linear layers: Identity, Linear (y = x W^T + b), Bilinear.

Chapter 06 (linear regression) and chapter 09 (the MNIST MLP) open this file.
"""
import math

from teachtorch import _checks, _errors, creation
from teachtorch.tensor import Tensor
from teachtorch.nn import functional as F
from teachtorch.nn import init
from teachtorch.nn.modules.module import Module
from teachtorch.nn.parameter import Parameter


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to remove a layer).

    Mirrors: torch.nn.Identity
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """A fully connected layer: y = x W^T + b.

    weight has shape (out_features, in_features); both weight and bias start as
    U(-1/sqrt(in_features), 1/sqrt(in_features)) (kaiming_uniform_ with a=sqrt(5)).

    Math: y = x @ W.T + b;  dL/dW = g.T @ x, dL/db = sum(g), dL/dx = g @ W
    Mirrors: torch.nn.Linear
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(creation.empty((out_features, in_features), dtype=dtype,
                                               device=device))
        if bias:
            self.bias = Parameter(creation.empty(out_features, dtype=dtype,
                                                 device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        if not isinstance(input, Tensor):
            _checks.linear_input(input, self.weight)
        if input.dim() >= 1 and input.shape[-1] != self.weight.shape[1]:
            lead = "x".join(str(s) for s in input.shape[:-1]) or "1"
            raise RuntimeError(
                _errors.hint(f"mat1 and mat2 shapes cannot be multiplied ({lead}x{input.shape[-1]} "
                f"and {self.in_features}x{self.out_features})", "this Linear "
                f"expects inputs (..., {self.in_features}) but got last dim "
                f"{input.shape[-1]}; flatten images first (x.view(x.size(0), -1)) or "
                f"change in_features to {input.shape[-1]}."))
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """y_k = x1^T W_k x2 + b_k.

    Mirrors: torch.nn.Bilinear
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True,
                 device=None, dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(creation.empty(
            (out_features, in1_features, in2_features), dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(creation.empty(out_features, dtype=dtype,
                                                 device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
