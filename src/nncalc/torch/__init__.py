"""A symbolic stand-in for the part of PyTorch that model code needs.

Tensors have a shape and a dtype on the "meta" device and no data; modules register
parameters, buffers and children as torch does; operations follow torch's shape rules and
record their primitive operations (:mod:`nncalc.flops.trace`) while a forward is recorded.
Nothing here imports torch.
"""

from . import nn
from ._dtype import (bfloat16, bool, double, dtype, float, float8_e4m3fn, float8_e5m2, float16, float32,
                     float64, half, int, int8, int16, int32, int64, long, uint8)
from ._shapes import Size
from ._tensor import Tensor


def empty(*size, dtype=None, device=None, requires_grad=False):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return Tensor(size, dtype, requires_grad)


zeros = ones = randn = rand = empty


def arange(start, end=None, step=1, dtype=None, device=None):
    if end is None:
        start, end = 0, start
    return Tensor((len(range(start, end, step)),), dtype or int64)


def matmul(a, b):
    return a.matmul(b)


bmm = matmul


def cat(tensors, dim=0):
    tensors = list(tensors)
    first = tensors[0]
    from ._shapes import wrap_dim

    d = wrap_dim(dim, first.ndim)
    size = sum(t.shape[d] for t in tensors)
    return Tensor(first.shape[:d] + (size,) + first.shape[d + 1:], first.dtype)


concat = cat


def stack(tensors, dim=0):
    tensors = list(tensors)
    return cat([t.unsqueeze(dim) for t in tensors], dim)


def softmax(x, dim, dtype=None):
    return x.softmax(dim, dtype=dtype)


def rsqrt(x):
    return x.rsqrt()


def tanh(x):
    return x.tanh()


def zeros_like(x, dtype=None):
    return Tensor(x.shape, dtype or x.dtype)


empty_like = ones_like = zeros_like


def topk(x, k, dim=-1, largest=True, sorted=True):
    return x.topk(k, dim, largest, sorted)


class device:
    def __init__(self, kind="meta"):
        self.type = kind

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class no_grad:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        return fn


__all__ = ["nn", "Tensor", "Size", "dtype", "empty", "zeros", "ones", "randn", "rand", "arange", "matmul",
           "bmm", "cat", "concat", "stack", "softmax", "rsqrt", "tanh", "zeros_like", "empty_like",
           "ones_like", "topk", "device", "no_grad", "bfloat16", "bool", "double", "float", "float8_e4m3fn",
           "float8_e5m2", "float16", "float32", "float64", "half", "int", "int8", "int16", "int32", "int64",
           "long", "uint8"]
