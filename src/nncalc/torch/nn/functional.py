"""``torch.nn.functional`` on symbolic tensors: shapes by torch's rules, ops recorded."""

from __future__ import annotations

from ...flops.trace import emit
from .. import _dtype
from .._shapes import ShapeError, numel
from .._tensor import Tensor


def linear(x, weight, bias=None):
    """``x @ weightᵀ (+ bias)``: one ``mm`` (``addmm`` with a bias) over every leading row."""
    out_features, in_features = weight.shape if weight.ndim == 2 else (weight.shape[0], 1)
    if x.shape[-1] != in_features:
        raise ShapeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({numel(x.shape[:-1])}x{x.shape[-1]} and {in_features}x{out_features})")
    rows = numel(x.shape[:-1])
    emit("addmm" if bias is not None else "mm", (rows, in_features, out_features), "linear")
    return Tensor(x.shape[:-1] + (out_features,), x.dtype)


def embedding(ids, weight, padding_idx=None, **kwargs):
    """A lookup: ``ids.shape + (dim,)``, no arithmetic."""
    out = Tensor(tuple(ids.shape) + (weight.shape[1],), weight.dtype)
    emit("gather", (out.numel(),), "embedding")
    return out


def _activation(name):
    def apply(x, *args, **kwargs):
        emit("elementwise", (x.numel(),), name)
        return Tensor(x.shape, x.dtype)

    apply.__name__ = name
    apply.__doc__ = f"``{name}``: one result per element."
    return apply


relu = _activation("relu")
gelu = _activation("gelu")
silu = _activation("silu")
sigmoid = _activation("sigmoid")
tanh = _activation("tanh")
mish = _activation("mish")
elu = _activation("elu")
leaky_relu = _activation("leaky_relu")


def softmax(x, dim=None, dtype=None, **kwargs):
    return x.softmax(dim, dtype=dtype)


def dropout(x, p=0.5, training=False, inplace=False):
    """Inference: the input unchanged, nothing computed."""
    if training and p > 0:
        emit("elementwise", (x.numel(),), "dropout")
    return x


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Fused layer norm: torch runs it as one kernel, recorded as one ``norm`` per element."""
    emit("norm", (x.numel(), numel(normalized_shape), weight is not None, bias is not None), "layer_norm")
    return Tensor(x.shape, x.dtype)


def rms_norm(x, normalized_shape, weight=None, eps=None):
    emit("norm", (x.numel(), numel(normalized_shape), weight is not None, False), "rms_norm")
    return Tensor(x.shape, x.dtype)


def _conv(x, weight, bias, stride, padding, dilation, groups, spatial):
    n_spatial = spatial
    def tup(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n_spatial
    stride, dilation = tup(stride), tup(dilation)
    kernel = weight.shape[2:]
    sizes = x.shape[-n_spatial:]
    if padding == "same":
        out_sizes = sizes
    else:
        if padding == "valid":
            padding = 0
        pad = tup(padding)
        out_sizes = tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                          for s, p, d, k, st in zip(sizes, pad, dilation, kernel, stride))
    if x.shape[-n_spatial - 1] != weight.shape[1] * groups:
        raise ShapeError(f"expected input to have {weight.shape[1] * groups} channels, "
                           f"but got {x.shape[-n_spatial - 1]} channels instead")
    batch = numel(x.shape[:-n_spatial - 1])
    emit("conv", (batch, numel(out_sizes), numel(weight.shape[1:]), weight.shape[0], bias is not None), "conv")
    return Tensor(x.shape[:-n_spatial - 1] + (weight.shape[0],) + out_sizes, x.dtype)


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(x, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(x, weight, bias, stride, padding, dilation, groups, 2)


def scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """Fused attention: one ``sdpa`` op (b, heads, q, k, d, dv)."""
    b = numel(q.shape[:-3]) if q.ndim > 3 else 1
    emit("sdpa", (b, q.shape[-3], q.shape[-2], k.shape[-2], q.shape[-1], v.shape[-1]), "sdpa")
    return Tensor(q.shape[:-1] + (v.shape[-1],), q.dtype)


def one_hot(x, num_classes=-1):
    return Tensor(tuple(x.shape) + (num_classes,), _dtype.int64)


def pad(x, pad, mode="constant", value=0):
    shape = list(x.shape)
    for i in range(len(pad) // 2):
        shape[-1 - i] += pad[2 * i] + pad[2 * i + 1]
    return Tensor(shape, x.dtype)


def normalize(x, p=2.0, dim=1, eps=1e-12):
    emit("reduction", (x.numel(),), "norm")
    emit("elementwise", (x.numel(),), "div")
    return Tensor(x.shape, x.dtype)
