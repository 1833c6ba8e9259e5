"""Every tensor operation, one family per file; each op is a Function subclass.

``teachtorch.ops.add`` is the same function as ``teachtorch.add`` and ``x.add``.
"""
from teachtorch import dtypes  # noqa: F401  (tensor_shape uses ops.dtypes)
from teachtorch.ops.arith import add, div, mul, neg, negative, rsub, sub, true_divide  # noqa: F401
from teachtorch.ops.pow_remainder_lerp import pow  # noqa: F401,A004
from teachtorch.ops.copy import clone, contiguous, to_dtype  # noqa: F401
from teachtorch.ops.device_ops import to  # noqa: F401
from teachtorch.ops.index import getitem  # noqa: F401
from teachtorch.ops.setitem import setitem  # noqa: F401
from teachtorch.ops.inplace import apply_inplace, copy_, fill_, zero_  # noqa: F401
from teachtorch.ops.linalg import addmm, matmul, mm  # noqa: F401
from teachtorch.ops.pointwise import abs, exp, log, sqrt  # noqa: F401,A004
from teachtorch.ops.reduce import mean, sum  # noqa: F401
from teachtorch.ops.views import (expand, permute, reshape, squeeze, t, transpose,  # noqa: F401
                                  unsqueeze, view)
from teachtorch.ops.compare import (bitwise_and, bitwise_not, bitwise_or, bitwise_xor,  # noqa: F401
                                    eq, equal, ge, gt, le, logical_and, logical_not,
                                    logical_or, logical_xor, lt, ne)
from teachtorch.ops.views import (broadcast_to, diagonal, flatten, moveaxis,  # noqa: F401,E402
                                  movedim, swapaxes, swapdims, unflatten)
from teachtorch.ops.join import (broadcast_tensors, cat, chunk, concat,  # noqa: F401,E402
                                 concatenate, hstack, meshgrid, narrow, row_stack, split,
                                 stack, unbind, vstack)
from teachtorch.ops.gather import (gather, index_add, index_fill,  # noqa: F401,E402
                                   index_select, scatter, scatter_add, take_along_dim)
from teachtorch.ops.masking import masked_fill, masked_select  # noqa: F401,E402
from teachtorch.ops.sort import (argsort, argwhere, kthvalue, msort, nonzero,  # noqa: F401,E402
                                 one_hot, sort, topk, unique)
from teachtorch.ops.copy import (diag, flip, fliplr, flipud,  # noqa: F401,E402
                                 roll, tile, trace, tril, triu)
from teachtorch.ops.join import repeat_interleave  # noqa: F401,E402
from teachtorch.ops.copy import resize_  # noqa: F401,E402
# ----- arithmetic, element-wise math, reductions, softmax, matmul family ---------------
from teachtorch.ops.arith import (divide, floor_divide, multiply, reciprocal,  # noqa: F401,E402
                                  subtract)
from teachtorch.ops.pow_remainder_lerp import (addcdiv, addcmul,  # noqa: F401,E402
                                               float_power, fmod, lerp,
                                               remainder, square)
from teachtorch.ops.pointwise import (absolute, cos, erf, exp2, expm1, log1p, log2,  # noqa: F401,E402
                                      log10, rsqrt, sin, tan)
from teachtorch.ops.activations.sigmoid_tanh_relu import (hardtanh, relu,  # noqa: F401,E402
                                                      relu6, sigmoid, tanh)
from teachtorch.ops.rounding import (ceil, fix, floor, frac, isfinite, isinf, isnan,  # noqa: F401,E402
                                     isneginf, isposinf, nan_to_num, round, sign, trunc)
from teachtorch.ops.select import (clamp, clamp_max, clamp_min, clip, maximum,  # noqa: F401,E402
                                   minimum, where)
from teachtorch.ops.reduce import (all, any, count_nonzero, prod, std, var)  # noqa: F401,E402,A004
from teachtorch.ops.minmax import (amax, amin, argmax, argmin, max, median, min,  # noqa: F401,E402,A004
                                   return_types)
from teachtorch.ops.scan import cumprod, cumsum  # noqa: F401,E402
from teachtorch.ops.norm import norm, vector_norm  # noqa: F401,E402
from teachtorch.ops.softmax import log_softmax, logsumexp, softmax, softmax_naive  # noqa: F401,E402
from teachtorch.ops.linalg import bmm, dot, ger, inner, mv, outer, vdot  # noqa: F401,E402
from teachtorch.ops.compare import (allclose, greater, greater_equal, isclose, less,  # noqa: F401,E402
                                    less_equal, not_equal)
from teachtorch.ops.einsum import einsum  # noqa: F401,E402
# conv, pooling and recurrent layers
from teachtorch.ops.conv import conv1d, conv2d, conv_transpose2d  # noqa: F401,E402
from teachtorch.ops.pool import (adaptive_avg_pool1d, avg_pool1d, max_pool1d,  # noqa: F401,E402
                                 max_pool2d)
from teachtorch.ops.join import tensor_split, unsafe_chunk  # noqa: F401,E402
from teachtorch.ops.gather import take  # noqa: F401,E402
from teachtorch.ops.setitem import index_put  # noqa: F401,E402
from teachtorch.storage import as_strided  # noqa: F401,E402
from teachtorch.ops.views import ravel  # noqa: F401,E402
from teachtorch.ops.join import select  # noqa: F401,E402
# ----- the rest of the math and tensor functions (see tools/api_audit.py) -----------
from teachtorch.ops.trig import (acos, acosh, arccos, arccosh, arcsin, arcsinh,  # noqa: F401,E402
                                 arctan, arctan2, arctanh, asin, asinh, atan, atan2,
                                 atanh, cosh, deg2rad, hypot, rad2deg, sinc, sinh)
from teachtorch.ops.special import (digamma, erfc, erfinv, lgamma, logaddexp,  # noqa: F401,E402
                                    logaddexp2, logit, xlogy)
from teachtorch.ops.signs import (copysign, fmax, fmin, gcd, heaviside, lcm,  # noqa: F401,E402
                                  sgn, signbit)
from teachtorch.ops.matrix_build import (block_diag, cartesian_prod, cross,  # noqa: F401,E402
                                         diag_embed, diagflat, kron, tensordot,
                                         tril_indices, triu_indices)
from teachtorch.ops.rearrange import (atleast_1d, atleast_2d, atleast_3d,  # noqa: F401,E402
                                       column_stack, diff, dsplit, dstack, hsplit,
                                       rot90, vsplit)
from teachtorch.ops.counting import (bincount, bucketize, histc, isin,  # noqa: F401,E402
                                     searchsorted, unique_consecutive)
from teachtorch.ops.stats import (aminmax, corrcoef, cov, cummax, cummin,  # noqa: F401,E402
                                  logcumsumexp, mode, nanmean, nanmedian, nanquantile,
                                  nansum, quantile, std_mean, var_mean)
from teachtorch.ops.inplace_funcs import *  # noqa: F401,F403,E402
from teachtorch.ops.matrix_functions import (addbmm, addmv, addr, baddbmm,  # noqa: F401,E402
                                        cdist, chain_matmul, combinations,
                                        cumulative_trapezoid, det, dist, inverse,
                                        logdet, matrix_power, pdist, slogdet,
                                        trapezoid, trapz, vander)
from teachtorch.ops.function_forms import (binomial, bitwise_left_shift,  # noqa: F401,E402
                                           bitwise_right_shift, broadcast_shapes,
                                           detach, detach_, fill, get_device,
                                           is_nonzero, is_same_size, is_signed,
                                           is_storage, poisson, positive, range,
                                           scalar_tensor, split_with_sizes,
                                           unravel_index)
from teachtorch.ops.index_write import (fill_diagonal_, index_copy,  # noqa: F401,E402
                                        index_put_, masked_scatter, put)
from teachtorch.ops.rearrange import gradient, renorm, sum_to_size  # noqa: F401,E402
from teachtorch.ops.counting import histogram  # noqa: F401,E402
from teachtorch.ops.function_forms import (alpha_dropout, alpha_dropout_,  # noqa: F401,E402
                                           dropout_, feature_alpha_dropout,
                                           feature_alpha_dropout_, feature_dropout,
                                           feature_dropout_, is_inference, resize_as_)
from teachtorch.ops.function_forms import (adaptive_max_pool1d, channel_shuffle,  # noqa: F401,E402
                                           conv_transpose1d, max_pool1d_with_indices,
                                           rrelu, rrelu_)
from teachtorch.ops.index_write import scatter_reduce  # noqa: F401,E402
