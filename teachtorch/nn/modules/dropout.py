"""Dropout layers: zero random elements (or whole channels) while training.

Dropout is the identity in eval() mode; in train() mode the kept values are scaled
by 1/(1-p) so the expected output stays the same. Seeded by teachtorch.manual_seed.
Chapter 15 (train/eval) opens this file.
"""
from teachtorch import _errors
from teachtorch.nn import functional as F
from teachtorch.nn.modules.module import Module


class _DropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(_errors.hint("dropout probability has to be between 0 and 1, but got "
                             f"{p}", "p is the fraction zeroed, e.g. 0.5."))
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability p (training only). Mirrors: torch.nn.Dropout
    """

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) inputs. Mirrors: torch.nn.Dropout1d"""

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole feature maps of (N, C, H, W) inputs. Mirrors: torch.nn.Dropout2d"""

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) inputs. Mirrors: torch.nn.Dropout3d"""

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)
