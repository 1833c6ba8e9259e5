"""teachtorch: PyTorch's API in readable NumPy, for learning how PyTorch works inside.

``import teachtorch as torch`` and the code in the course notes runs unchanged.
Chapter 00 (start here) opens this file.
"""
from teachtorch import dtypes as _dtypes
from teachtorch._tensor_str import set_printoptions  # noqa: F401
from teachtorch.device import device  # noqa: F401
from teachtorch.dtypes import (bool_ as bool, dtype, float16, float32, float64,  # noqa: F401
                               get_default_dtype, int8, int16, int32, int64,
                               promote_types, result_type as _result_type,
                               set_default_dtype, uint8)
from teachtorch.dtypes import bfloat16  # noqa: F401  (a name only: NumPy has none)
from teachtorch.threads import (get_num_threads, set_default_tensor_type,  # noqa: F401
                                set_num_threads)
from teachtorch.size import Size  # noqa: F401
from teachtorch.tensor import Tensor  # noqa: F401
from teachtorch.storage import TypedStorage, UntypedStorage  # noqa: F401
from teachtorch.creation import BFloat16Tensor  # noqa: F401
from teachtorch.creation import (BoolTensor, ByteTensor, CharTensor, DoubleTensor,  # noqa: F401
                                 FloatTensor, HalfTensor, IntTensor, LongTensor,
                                 ShortTensor, arange, as_tensor, asarray, empty,
                                 empty_like, eye, from_numpy, full, full_like,
                                 linspace, logspace, ones, ones_like, tensor, zeros,
                                 zeros_like)
from teachtorch.random_tensors import (bernoulli, multinomial, normal,  # noqa: F401
                                       rand, rand_like, randint, randint_like, randn,
                                       randn_like, randperm)
from teachtorch.random import (Generator, default_generator, get_rng_state,  # noqa: F401
                               initial_seed, manual_seed, seed, set_rng_state)
from teachtorch.autograd.grad_mode import (enable_grad, inference_mode,  # noqa: F401
                                           is_grad_enabled, no_grad, set_grad_enabled)
from teachtorch import autograd  # noqa: F401
from teachtorch.autograd.anomaly_mode import (is_anomaly_check_nan_enabled,  # noqa: F401
                                              is_anomaly_enabled, set_anomaly_enabled)
from teachtorch.reference import (is_reference_mode, reference_mode,  # noqa: F401
                                  set_reference_mode)
from teachtorch import cuda  # noqa: F401
from teachtorch.ops import *  # noqa: F401,F403
from teachtorch.ops import abs, pow, sum  # noqa: F401,A004

float = float32  # noqa: A001 - PyTorch's aliases
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


def result_type(tensor1, tensor2):
    return _result_type(tensor1, tensor2)


def is_floating_point(input):
    return input.dtype.is_floating_point


def typename(obj):
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


del _dtypes

from teachtorch import nn  # noqa: E402,F401
from teachtorch import optim  # noqa: E402,F401
from teachtorch import utils  # noqa: E402,F401
from teachtorch.serialization import load, save  # noqa: E402,F401
from teachtorch.type_info import (can_cast, e, finfo, iinfo, inf, nan,  # noqa: E402,F401
                                  newaxis, pi)
from teachtorch.settings import (  # noqa: E402,F401
    are_deterministic_algorithms_enabled, get_default_device,
    get_deterministic_debug_mode, is_deterministic_algorithms_warn_only_enabled,
    is_inference_mode_enabled, is_warn_always_enabled, set_default_device,
    set_deterministic_debug_mode, set_warn_always, use_deterministic_algorithms)
# torch.X forms of nn.functional ops whose arguments are the same (torch.dropout ...)
from teachtorch.nn.functional import (bilinear, celu, celu_, cosine_similarity,  # noqa: E402,F401
                                      dropout, group_norm, hardshrink, layer_norm,
                                      pairwise_distance, pixel_shuffle,
                                      pixel_unshuffle, prelu, relu_, rms_norm, selu,
                                      selu_, threshold, threshold_)


def __getattr__(name):
    """``teachtorch.vision`` is imported on first use (it pulls in Pillow)."""
    if name == "vision":
        import importlib

        return importlib.import_module("teachtorch.vision")
    from teachtorch._api_gaps import module_attribute_error

    raise module_attribute_error("teachtorch", "torch", name, globals())
