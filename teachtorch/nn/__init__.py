"""Neural-network building blocks: Module, Parameter, layers, losses.

``import teachtorch.nn as nn`` then ``nn.Linear``, ``nn.Module``, ``nn.functional``.
Chapter 14 (nn.Module internals) opens this file.
"""
from teachtorch.nn.parameter import Buffer, Parameter, UninitializedParameter  # noqa: F401
from teachtorch.nn.modules import *  # noqa: F401,F403
from teachtorch.nn.modules.module import Module  # noqa: F401
from teachtorch.nn import functional, init, utils  # noqa: F401
from teachtorch.nn.parallel import DataParallel  # noqa: F401


# a name PyTorch has and teachtorch lacks: PyTorch's AttributeError plus a hint
from teachtorch._api_gaps import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torch.nn")
