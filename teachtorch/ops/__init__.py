"""Every tensor operation, one family per file; each op is a Function subclass.

``teachtorch.ops.add`` is the same function as ``teachtorch.add`` and ``x.add``.
"""
from teachtorch import dtypes  # noqa: F401  (tensor_shape uses ops.dtypes)
from teachtorch.ops.arith import add, div, mul, neg, negative, pow, rsub, sub, true_divide  # noqa: F401
from teachtorch.ops.copy import clone, contiguous, to_dtype  # noqa: F401
from teachtorch.ops.device_ops import to  # noqa: F401
from teachtorch.ops.index import getitem, setitem  # noqa: F401
from teachtorch.ops.inplace import apply_inplace, copy_, fill_, zero_  # noqa: F401
from teachtorch.ops.linalg import addmm, matmul, mm  # noqa: F401
from teachtorch.ops.pointwise import (abs, clamp, clip, exp, floor_divide, log, relu,  # noqa: F401
                                      sigmoid, sign, sqrt, tanh, trunc)
from teachtorch.ops.reduce import mean, sum  # noqa: F401
from teachtorch.ops.views import (expand, permute, reshape, squeeze, t, transpose,  # noqa: F401
                                  unsqueeze, view)
from teachtorch.ops.compare import (bitwise_and, bitwise_not, bitwise_or, bitwise_xor,  # noqa: F401
                                    eq, equal, ge, gt, le, logical_and, logical_not,
                                    logical_or, logical_xor, lt, ne)
