"""Normalisation layers: BatchNorm1d/2d/3d, LayerNorm, GroupNorm.

BatchNorm keeps running statistics as *buffers* (saved in state_dict, not learned)
and behaves differently in train() and eval() mode: the classic reason to call
``model.eval()`` before testing.
Chapter 10 (CNN basics) and chapter 15 (train/eval, state_dict) open this file.
"""
from teachtorch import _errors, creation, dtypes
from teachtorch.nn import functional as F
from teachtorch.nn import init
from teachtorch.nn.modules.module import Module
from teachtorch.nn.parameter import Parameter


class _BatchNorm(Module):
    _expected_dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(creation.empty(num_features, **kw))
            if bias:
                self.bias = Parameter(creation.empty(num_features, **kw))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, **kw))
            self.register_buffer("running_var", creation.ones(num_features, **kw))
            self.register_buffer("num_batches_tracked",
                                 creation.tensor(0, dtype=dtypes.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        if input.dim() not in self._expected_dims:
            want = " or ".join(f"{d}D" for d in self._expected_dims)
            raise ValueError(
                _errors.hint(f"expected {want} input (got {input.dim()}D input)", f"{type(self).__name__} takes {self._shape_text}."))

    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and \
                self.num_batches_tracked is not None:
            self.num_batches_tracked._data += 1
            self.num_batches_tracked._vc[0] += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked._data)
        bn_training = self.training or (self.running_mean is None and
                                        self.running_var is None)
        use_stats = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if use_stats else None,
                            self.running_var if use_stats else None, self.weight,
                            self.bias, bn_training, factor, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) inputs. Mirrors: torch.nn.BatchNorm1d"""
    _expected_dims = (2, 3)
    _shape_text = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) images. Mirrors: torch.nn.BatchNorm2d"""
    _expected_dims = (4,)
    _shape_text = "(N, C, H, W) images; add a batch dim with x.unsqueeze(0)"


class BatchNorm3d(_BatchNorm):
    """Batch norm over (N, C, D, H, W) volumes. Mirrors: torch.nn.BatchNorm3d"""
    _expected_dims = (5,)
    _shape_text = "(N, C, D, H, W) volumes"


class LayerNorm(Module):
    """Normalise each sample over its last dims (normalized_shape).

    Mirrors: torch.nn.LayerNorm
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        kw = {"device": device, "dtype": dtype}
        if elementwise_affine:
            self.weight = Parameter(creation.ones(self.normalized_shape, **kw))
            if bias:
                self.bias = Parameter(creation.zeros(self.normalized_shape, **kw))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self):
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias,
                            self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine="
                f"{self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalise groups of channels per sample. Mirrors: torch.nn.GroupNorm"""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(_errors.hint(f"num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups})", "each group takes "
                             "num_channels / num_groups channels."))
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        kw = {"device": device, "dtype": dtype}
        if affine:
            self.weight = Parameter(creation.ones(num_channels, **kw))
            if bias:
                self.bias = Parameter(creation.zeros(num_channels, **kw))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class _InstanceNorm(_BatchNorm):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats,
                         device, dtype, bias=bias)

    def forward(self, input):
        unbatched = input.dim() == self._expected_dims[0] - 1
        if input.dim() not in self._expected_dims and not unbatched:
            want = " or ".join(f"{d - 1}D" for d in (self._expected_dims[0],)) + \
                f" (unbatched) or {self._expected_dims[0]}D (batched)"
            raise ValueError(f"expected {want} input (got {input.dim()}D input)")
        x = input.unsqueeze(0) if unbatched else input
        use_stats = self.training or not self.track_running_stats
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight,
                              self.bias, use_stats, self.momentum or 0.1, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Normalise each (sample, channel) of (N, C, L) over L.

    Mirrors: torch.nn.InstanceNorm1d
    """
    _expected_dims = (3,)


class InstanceNorm2d(_InstanceNorm):
    """Normalise each (sample, channel) of (N, C, H, W) over H, W.

    Mirrors: torch.nn.InstanceNorm2d
    """
    _expected_dims = (4,)


class RMSNorm(Module):
    """Root-mean-square normalisation over the last dims, times a learned scale.

    Mirrors: torch.nn.RMSNorm
    """

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(creation.ones(self.normalized_shape, dtype=dtype,
                                                  device=device))
        else:
            self.register_parameter("weight", None)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


# the readable references behind the fast kernels (teachtorch.reference.reference_of)
_BatchNorm.__reference__ = F.batch_norm.__reference__
_InstanceNorm.__reference__ = F.group_norm.__reference__
LayerNorm.__reference__ = F.layer_norm.__reference__
GroupNorm.__reference__ = F.group_norm.__reference__
