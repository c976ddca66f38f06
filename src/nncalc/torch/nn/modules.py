"""The torch.nn modules transformer code uses: each owns its parameters (torch's shapes and
registration order) and its forward (the ops of :mod:`.functional`)."""

from __future__ import annotations

from .. import _dtype
from .._tensor import Tensor
from . import functional as F
from .module import Module, Parameter


def _param(*shape, dtype=None):
    return Parameter(Tensor(shape, dtype))


class Identity(Module):
    def forward(self, x, *args, **kwargs):
        return x


class Linear(Module):
    """weight (out_features, in_features), bias (out_features,): (in + 1) × out parameters."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = _param(out_features, in_features, dtype=dtype)
        self.register_parameter("bias", _param(out_features, dtype=dtype) if bias else None)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Embedding(Module):
    """weight (num_embeddings, embedding_dim): a lookup table."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, device=None, dtype=None, **kwargs):
        super().__init__()
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        self.weight = _param(num_embeddings, embedding_dim, dtype=dtype)

    def forward(self, ids):
        return F.embedding(ids, self.weight, self.padding_idx)

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.embedding_dim}"


class LayerNorm(Module):
    """weight and bias (normalized_shape) when elementwise_affine (bias optional)."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        if elementwise_affine:
            self.weight = _param(*self.normalized_shape, dtype=dtype)
            self.register_parameter("bias", _param(*self.normalized_shape, dtype=dtype) if bias else None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class RMSNorm(Module):
    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        if elementwise_affine:
            self.weight = _param(*self.normalized_shape, dtype=dtype)
        else:
            self.register_parameter("weight", None)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)


class _ConvNd(Module):
    spatial = 0

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        n = self.spatial
        self.kernel_size = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * n
        self.in_channels, self.out_channels = in_channels, out_channels
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        if in_channels % groups or out_channels % groups:
            raise ValueError("in_channels and out_channels must be divisible by groups")
        self.weight = _param(out_channels, in_channels // groups, *self.kernel_size, dtype=dtype)
        self.register_parameter("bias", _param(out_channels, dtype=dtype) if bias else None)


class Conv1d(_ConvNd):
    spatial = 1

    def forward(self, x):
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    spatial = 2

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Dropout(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)


def _activation_module(name, function):
    def forward(self, x):
        return function(x)

    return type(name, (Module,), {"forward": forward, "__doc__": f"``{function.__name__}`` per element."})


ReLU = _activation_module("ReLU", F.relu)
GELU = _activation_module("GELU", F.gelu)
SiLU = _activation_module("SiLU", F.silu)
Sigmoid = _activation_module("Sigmoid", F.sigmoid)
Tanh = _activation_module("Tanh", F.tanh)
__all__ = ["Identity", "Linear", "Embedding", "LayerNorm", "RMSNorm", "Conv1d", "Conv2d", "Dropout",
           "ReLU", "GELU", "SiLU", "Sigmoid", "Tanh", "_dtype"]
