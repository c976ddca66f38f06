"""``keras.ops.nn``: activations (element-wise, shape and dtype kept), softmax, one_hot.

Costs: one FLOP per output element for an activation, three for softmax and
log-softmax (exp, sum, divide), as the activations of layers count.
"""

from __future__ import annotations

import math
import warnings

from ..core.explain import Text
from .base import Operation, Spec, apply, operand_shape
from .dtypes import FLOATX, standardize
from .numpy import UnaryOperation, _dtype
from .shapes import canonicalize_axis


class Activation(UnaryOperation):
    """An activation applied element by element: same shape, same dtype."""

    operation = Text("activation, element by element", "逐元素激活")


def _activation(name, *params):
    def __init__(self, *args, **kwargs):
        own = dict(zip(params, args))
        for key in params:
            if key in kwargs:
                own[key] = kwargs.pop(key)
        Activation.__init__(self, **kwargs)
        self.__dict__.update(own)

    return type(name, (Activation,), {"__init__": __init__, "__doc__": f"``keras.ops`` {name}."})


Relu, Relu6, Sigmoid, Softplus, Softsign, Silu, LogSigmoid, HardSigmoid, HardSilu, Selu = (
    _activation(n) for n in ("Relu", "Relu6", "Sigmoid", "Softplus", "Softsign", "Silu", "LogSigmoid",
                             "HardSigmoid", "HardSilu", "Selu"))
LeakyRelu = _activation("LeakyRelu", "negative_slope")
Elu = _activation("Elu", "alpha")
Celu = _activation("Celu", "alpha")
Gelu = _activation("Gelu", "approximate")
SoftShrink = _activation("SoftShrink", "threshold")
HardShrink = _activation("HardShrink", "threshold")
Threshold = _activation("Threshold", "threshold", "default_value")
Squareplus = _activation("Squareplus", "b")
SparsePlus, SparseSigmoid, TanhShrink, HardTanh = (
    _activation(n) for n in ("SparsePlus", "SparseSigmoid", "TanhShrink", "HardTanh"))


class ReLU(Activation):
    """``keras.activations.relu(x, negative_slope, max_value, threshold)`` on a symbolic tensor.

    Keras records its own operation (``keras.src.activations.activations.ReLU``, rows
    ``re_lu (ReLU)``), not ``ops.relu``: shape and dtype kept, one FLOP per element.
    """

    def __init__(self, negative_slope=0.0, max_value=None, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope, self.max_value, self.threshold = negative_slope, max_value, threshold


class Glu(Activation):
    """``glu(x, axis=-1)``: halves of ``axis`` gate each other, so that axis is halved (it must be even)."""

    operation = Text("gated linear unit (a half times the sigmoid of the other)",
                     "门控线性单元（一半乘以另一半的 sigmoid）")
    shape_rule = Text("the axis is halved", "该维度减半")

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_spec(self, x):
        shape = list(operand_shape(x))
        size = shape[self.axis]
        if size is not None:
            if size % 2 != 0:
                raise ValueError("axis size must be divisible by 2. "
                                 f"Received: x.shape={tuple(shape)} with axis={self.axis}")
            shape[self.axis] = size // 2
        return Spec(shape, _dtype(x))


# TF profiler (--flops-convention tf): what Keras' TF backend runs per element (Relu, Sigmoid, Elu,
# Softplus ... are not registered: 0; silu = x * sigmoid(x) with its beta: 2 Mul; hard_sigmoid =
# relu6(x + 3) / 6; log_sigmoid = -softplus(-x): 2 Neg).
for _op, _tf in ((Silu, {"Mul": 2}), (HardSigmoid, {"AddV2": 1, "RealDiv": 1}),
                 (HardSilu, {"AddV2": 1, "Mul": 1, "RealDiv": 1}), (LogSigmoid, {"Neg": 2}),
                 (Celu, {"AddV2": 1, "Maximum": 1, "Minimum": 1, "Mul": 1, "RealDiv": 1})):
    _op.tf_ops = _tf
for _op in (Relu, Relu6, Sigmoid, Softplus, Softsign, Selu, LeakyRelu, Elu):
    _op.tf_ops = {}


def _gelu_tf_flops(self, output_shape, *args, **kwargs):
    """TF profiler: tanh approximation 4 Mul, 2 AddV2, 1 Pow per element; exact (erf): 3 Mul, 1 Neg."""
    from ..core.tf_flops import batch_1_elements

    n = batch_1_elements(output_shape)
    if getattr(self, "approximate", True):
        return {"Mul": 4 * n, "AddV2": 2 * n, "Pow": n}
    return {"Mul": 3 * n, "Neg": n}


Gelu.tf_flops_for_call = _gelu_tf_flops


class Softmax(Activation):
    """``softmax(x, axis=-1)``: shape kept (the axis is checked); 3 FLOPs per element."""

    operation = Text("softmax (exp, sum, divide)", "softmax（指数、求和、相除）")
    flops_per_element = 3

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def tf_flops_for_call(self, output_shape, *args, **kwargs):
        """TF profiler: one Softmax op, 5 per element; on another single axis Keras transposes it last
        and back, + Sub 2 (two scalar rank computations); axis=None (over the flattened sample): Softmax 5 per
        element; a tuple of axes (Keras' TF backend fails on it): not modelled."""
        from ..core import tf_flops
        from ..core.tf_flops import batch_1_elements

        if self.axis is None or self.axis in (-1, len(output_shape) - 1):
            return {"Softmax": 5 * batch_1_elements(output_shape)}
        if isinstance(self.axis, int) and type(self).__name__ == "Softmax":
            return {"Softmax": 5 * batch_1_elements(output_shape), "Sub": 2}
        return tf_flops.not_modelled(f"{type(self).__name__} (axis={self.axis})")

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        if self.axis is not None:
            for a in ((self.axis,) if isinstance(self.axis, int) else self.axis):
                canonicalize_axis(a, len(shape))
        return Spec(shape, _dtype(x))


LogSoftmax = type("LogSoftmax", (Softmax,), {"__doc__": "``keras.ops.log_softmax``: as softmax.",
                                              "tf_ops": {}, "tf_flops_for_call": Operation.tf_flops_for_call})
# (TF profiler: LogSoftmax is not registered)


class OneHot(Operation):
    """``one_hot(x, num_classes, axis=-1)``: a new axis of size num_classes."""

    operation = Text("one-hot encoding", "独热编码")
    shape_rule = Text("a new axis of size num_classes at axis", "在 axis 处新增大小为 num_classes 的维度")
    flops_per_element = None
    tf_ops = {}  # TF profiler: OneHot is not registered (measured on keras_hub's MoE routers)

    def __init__(self, num_classes, axis=-1, dtype=None, sparse=False, **kwargs):
        super().__init__(**kwargs)
        self.num_classes, self.axis, self.out_dtype, self.sparse = num_classes, axis, dtype, sparse

    def compute_output_spec(self, x):
        shape = list(operand_shape(x))
        if self.axis == -1:
            shape.append(self.num_classes)
        elif 0 <= self.axis < len(shape):
            shape.insert(self.axis, self.num_classes)
        else:
            raise ValueError(f"axis must be -1 or between [0, {len(shape)}), but received {self.axis}.")
        return Spec(shape, self.out_dtype or FLOATX)


def _function(cls, *params):
    def function(x, *args, **kwargs):
        return apply(cls, (x,), **dict(zip(params, args)), **kwargs)

    from ..core.naming import to_snake_case

    function.__name__ = function.__qualname__ = to_snake_case(cls.__name__)
    function.__doc__ = f"``keras.ops.{function.__name__}(x)``: {cls.operation.en}."
    return function


relu, relu6, sigmoid, softplus, softsign, silu, log_sigmoid, hard_sigmoid, hard_silu, selu = (
    _function(c) for c in (Relu, Relu6, Sigmoid, Softplus, Softsign, Silu, LogSigmoid, HardSigmoid,
                           HardSilu, Selu))
swish, hard_swish = silu, hard_silu
leaky_relu = _function(LeakyRelu, "negative_slope")
elu = _function(Elu, "alpha")
celu = _function(Celu, "alpha")
gelu = _function(Gelu, "approximate")
soft_shrink = _function(SoftShrink, "threshold")
hard_shrink = _function(HardShrink, "threshold")
threshold = _function(Threshold, "threshold", "default_value")
squareplus = _function(Squareplus, "b")
sparse_plus, sparse_sigmoid, tanh_shrink, hard_tanh = (
    _function(c) for c in (SparsePlus, SparseSigmoid, TanhShrink, HardTanh))
glu = _function(Glu, "axis")


def _softmax(cls):
    def function(x, axis=-1):
        shape = tuple(getattr(x, "shape", ()))
        if isinstance(axis, int) and -len(shape) <= axis < len(shape) and shape[axis] == 1:
            warnings.warn(
                f"You are using a softmax over axis {axis} of a tensor of shape {shape}. This axis has "
                "size 1. The softmax operation will always return the value 1, which is likely not what "
                "you intended. Did you mean to use a sigmoid instead?")
        return apply(cls, (x,), axis=axis)

    return function


softmax, log_softmax = _softmax(Softmax), _softmax(LogSoftmax)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    return apply(OneHot, (x,), num_classes=num_classes, axis=axis, dtype=standardize(dtype), sparse=sparse)


# ------------------------------------------------------------------ convolutions
def _check_channels(inputs, kernel, data_format):
    channels = inputs[-1] if data_format == "channels_last" else inputs[1]
    kernel_channels = kernel[-2]
    if isinstance(channels, int) and isinstance(kernel_channels, int) and channels != kernel_channels:
        raise ValueError(
            "The number of input channels must match the kernel's input channels. Received: input "
            f"channels={channels}, kernel input channels={kernel_channels}, data_format='{data_format}'.")


class Conv(Operation):
    """``nn.conv(inputs, kernel)``: Keras' conv output shape with ``kernel.shape[-1]`` filters.

    MACs = output elements × kernel size × input channels (``prod(kernel.shape[:-1])``).
    """

    operation = Text("convolution", "卷积")
    shape_rule = Text("each spatial axis: floor((I - D·(K - 1) - 1) / S) + 1 ('valid') or ceil(I / S) ('same')",
                      "每个空间维度：floor((I - D·(K - 1) - 1) / S) + 1（valid）或 ceil(I / S)（same）")

    def __init__(self, strides=1, padding="valid", data_format=None, dilation_rate=1, **kwargs):
        super().__init__(**kwargs)
        self.strides, self.padding = strides, padding.lower()
        self.data_format, self.dilation_rate = (data_format or "channels_last"), dilation_rate

    def filters(self, kernel):
        return kernel[-1]

    def compute_output_spec(self, inputs, kernel):
        from .shapes import conv_shape

        shape, kshape = operand_shape(inputs), operand_shape(kernel)
        _check_channels(shape, kshape, self.data_format)
        out = conv_shape(shape, self.filters(kshape), kshape[:-2], self.strides, self.padding,
                         self.data_format, self.dilation_rate)
        return Spec(out, _dtype(inputs))

    def cost_for_call(self, output_shape, *args, **kwargs):
        """MACs = output elements × prod(kernel.shape[:-1]) (depthwise: × kernel size only)."""
        from ..core import cost

        kernel = self._in_shapes[1] if self._in_shapes and len(self._in_shapes) > 1 else None
        if kernel is None:
            return cost.not_modelled(type(self).__name__)
        per = kernel[:-2] if isinstance(self, DepthwiseConv) else kernel[:-1]
        return cost.Cost([cost.macs(self.operation, cost.elements(output_shape),
                                    cost.factor(tuple(per), Text("per output element", "每个输出元素")))])


    def _tf_unsupported(self, inputs, kernel):
        """Why the TF profiler count is not modelled (None when it is): channels_first, grouped kernels,
        dilated 3-D or strided + dilated depthwise convolutions lower to other ops."""
        dilated = max(_tuple(self.dilation_rate, len(kernel) - 2)) > 1
        if self.data_format != "channels_last":
            return "channels_first"
        if not isinstance(self, DepthwiseConv) and kernel[-2] != inputs[-1]:
            return "groups > 1"
        if len(kernel) == 5 and dilated:
            return "dilation > 1 in 3-D"
        if isinstance(self, DepthwiseConv) and dilated and max(_tuple(self.strides, len(kernel) - 2)) > 1:
            return "strides and dilation > 1"
        return None

    def tf_flops_for_call(self, output_shape, inputs, kernel, *args, **kwargs):
        """TF profiler (channels_last, N = output elements at batch 1): conv = Conv2D (1-D runs as 2-D)
        or Conv3D 2 × N × prod(kernel.shape[:-1]); depthwise_conv = DepthwiseConv2dNative
        2 × N × prod(kernel.shape[:-2]) — the layers' rules without bias."""
        from ..core import tf_flops

        inputs, kernel = tuple(_shape_of(inputs)), tuple(_shape_of(kernel))
        tf_flops.dims((inputs[-1],) + kernel, "the input channels or a kernel dimension")
        why = self._tf_unsupported(inputs, kernel)
        if why:
            return tf_flops.not_modelled(f"{type(self).__name__} ({why})")
        n = tf_flops.batch_1_elements(output_shape)
        if isinstance(self, DepthwiseConv):
            return {"DepthwiseConv2dNative": 2 * n * tf_flops.dims(kernel[:-2], "a kernel dimension")}
        op = "Conv3D" if len(kernel) == 5 else "Conv2D"
        return {op: 2 * n * tf_flops.dims(kernel[:-1], "a kernel dimension")}


def _tuple(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


def _shape_of(value) -> tuple:
    """An operand of a recorded call: a shape tuple (tensors) or a Constant."""
    return value if isinstance(value, tuple) else tuple(value.shape) if hasattr(value, "shape") else ()


class DepthwiseConv(Conv):
    """``nn.depthwise_conv``: channels × depth multiplier filters."""

    def filters(self, kernel):
        return None if kernel[-1] is None or kernel[-2] is None else kernel[-1] * kernel[-2]


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    return apply(Conv, (inputs, kernel), strides=strides, padding=padding, data_format=data_format,
                 dilation_rate=dilation_rate)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    return apply(DepthwiseConv, (inputs, kernel), strides=strides, padding=padding, data_format=data_format,
                 dilation_rate=dilation_rate)


def _format(data_format):
    fmt = (data_format or "channels_last").lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format}")
    return fmt


def _broadcast(fn, *operands):
    """``fn`` element by element over ints and sequences, with numpy's broadcasting (as Keras'
    ``compute_pooling_output_shape`` computes): lengths must match or be 1."""
    seqs = [list(o) if isinstance(o, (list, tuple)) else None for o in operands]
    lengths = {len(q) for q in seqs if q is not None and len(q) != 1}
    if len(lengths) > 1:
        raise ValueError("operands could not be broadcast together with shapes "
                         + " ".join(f"({len(q)},)" for q in seqs if q is not None))
    n = lengths.pop() if lengths else max([len(q) for q in seqs if q is not None] or [1])
    columns = [q * n if q is not None and len(q) == 1 else q if q is not None else [o] * n
               for q, o in zip(seqs, operands)]
    return [fn(*values) for values in zip(*columns)]


class SeparableConv(Conv):
    """``nn.separable_conv(inputs, depthwise_kernel, pointwise_kernel)``: the depthwise conv's
    output shape, its channel axis set to ``pointwise_kernel.shape[-1]``.

    MACs = output positions × (kernel size × C_in × depth multiplier) [depthwise step]
    + output positions × (C_in × depth multiplier) × filters [pointwise step].
    """

    operation = Text("separable convolution (depthwise, then pointwise)", "可分离卷积（先逐通道，再逐点）")

    def compute_output_spec(self, inputs, depthwise_kernel, pointwise_kernel):
        from .shapes import conv_shape

        shape, kshape = operand_shape(inputs), operand_shape(depthwise_kernel)
        _check_channels(shape, kshape, self.data_format)
        filters = None if kshape[-1] is None or kshape[-2] is None else kshape[-1] * kshape[-2]
        out = list(conv_shape(shape, filters, kshape[:-2], self.strides, self.padding, self.data_format,
                              self.dilation_rate))
        out[-1 if self.data_format == "channels_last" else 1] = operand_shape(pointwise_kernel)[-1]
        return Spec(out, _dtype(inputs))

    def cost_for_call(self, output_shape, *args, **kwargs):
        """MACs = positions × prod(depthwise_kernel.shape) + positions × prod(pointwise_kernel.shape[-2:])."""
        from ..core import cost

        if not self._in_shapes or len(self._in_shapes) < 3:
            return cost.not_modelled("SeparableConv")
        depthwise, pointwise = self._in_shapes[1], self._in_shapes[2]
        spatial = output_shape[1:-1] if self.data_format == "channels_last" else output_shape[2:]
        positions = cost.factor(tuple(spatial), Text("output positions", "个输出位置"))
        return cost.Cost([
            cost.macs(Text("depthwise kernel products", "逐通道卷积乘法"), positions,
                      cost.factor(tuple(depthwise), Text("depthwise kernel", "逐通道卷积核"))),
            cost.macs(Text("pointwise (1×1) products", "逐点（1×1）卷积乘法"), positions,
                      cost.factor(tuple(pointwise[-2:]), Text("pointwise kernel", "逐点卷积核")))])


    def tf_flops_for_call(self, output_shape, inputs, depthwise_kernel, pointwise_kernel, *args, **kwargs):
        """TF profiler (channels_last, 1-D/2-D): DepthwiseConv2dNative 2 × positions × prod(depthwise_kernel.shape)
        + Conv2D (1×1) 2 × N × C_in × depth multiplier (N = output elements) — SeparableConv's rule without bias."""
        from ..core import tf_flops

        inputs, dw = tuple(_shape_of(inputs)), tuple(_shape_of(depthwise_kernel))
        if self.data_format != "channels_last" or len(dw) > 4 or (
                max(_tuple(self.dilation_rate, len(dw) - 2)) > 1 and max(_tuple(self.strides, len(dw) - 2)) > 1):
            return tf_flops.not_modelled("SeparableConv (channels_first, 3-D, or strides and dilation > 1)")
        n = tf_flops.batch_1_elements(output_shape)
        positions = tf_flops.dims(tf_flops.leading_batch_1(tuple(output_shape))[:-1], "an output dimension")
        return {"DepthwiseConv2dNative": 2 * positions * tf_flops.dims(dw, "a kernel dimension"),
                "Conv2D": 2 * n * tf_flops.dims(dw[-2:], "a kernel dimension")}


class ConvTranspose(Operation):
    """``nn.conv_transpose(inputs, kernel)``: kernel ``(*spatial, filters, in_channels)``; each spatial
    axis as Keras' ``compute_conv_transpose_output_shape`` (see ``nncalc.layers.window``).

    MACs = input elements × prod(kernel.shape[:-1]) (every input value scattered through the kernel).
    """

    operation = Text("transposed convolution", "转置卷积")
    shape_rule = Text("each spatial axis: (I - 1)·S + max(K', S) ('valid') or I·S ('same'), "
                      "K' = D·(K - 1) + 1; with output_padding P: (I - 1)·S + K' + P or (I - 1)·S + K' mod 2 + P",
                      "每个空间维度：(I - 1)·S + max(K', S)（valid）或 I·S（same），K' = D·(K - 1) + 1；"
                      "有 output_padding P 时：(I - 1)·S + K' + P 或 (I - 1)·S + K' mod 2 + P")

    def __init__(self, strides=1, padding="valid", output_padding=None, data_format=None, dilation_rate=1,
                 **kwargs):
        super().__init__(**kwargs)
        self.strides, self.padding, self.output_padding = strides, padding.lower(), output_padding
        self.data_format, self.dilation_rate = _format(data_format), dilation_rate

    def compute_output_spec(self, inputs, kernel):
        from ..layers.window import transpose_output

        shape, kshape = operand_shape(inputs), operand_shape(kernel)
        channels = shape[-1] if self.data_format == "channels_last" else shape[1]
        if isinstance(channels, int) and isinstance(kshape[-1], int) and channels != kshape[-1]:
            raise ValueError(
                "The number of input channels must match the kernel's input channels. Received: input "
                f"channels={channels}, kernel input channels={kshape[-1]}, data_format='{self.data_format}'.")
        n = len(shape) - 2
        sizes = kshape[:-2]
        strides = (self.strides,) * n if isinstance(self.strides, int) else tuple(self.strides)
        dilations = (self.dilation_rate,) * n if isinstance(self.dilation_rate, int) else tuple(self.dilation_rate)
        paddings = self.output_padding
        if isinstance(paddings, int):
            paddings = (paddings,) * len(sizes)
        spatial = shape[1:-1] if self.data_format == "channels_last" else shape[2:]
        out = [transpose_output(spatial[i], sizes[i], strides[i], self.padding,
                                None if paddings is None else paddings[i], dilations[i]).value
               for i in range(n)]
        filters = kshape[-2]
        out = [shape[0], *out, filters] if self.data_format == "channels_last" else [shape[0], filters, *out]
        return Spec(out, _dtype(inputs))

    def cost_for_call(self, output_shape, *args, **kwargs):
        """MACs = input elements × prod(kernel.shape[:-1])."""
        from ..core import cost

        if not self._in_shapes or len(self._in_shapes) < 2:
            return cost.not_modelled("ConvTranspose")
        inputs, kernel = self._in_shapes[0], self._in_shapes[1]
        return cost.Cost([cost.macs(Text("kernel products (each input value scattered through the kernel)",
                                         "卷积乘法（每个输入值乘以整个卷积核）"),
                                    cost.elements(inputs),
                                    cost.factor(tuple(kernel[:-2]) + (kernel[-2],),
                                                Text("per input element", "每个输入元素")))])


class MaxPool(Operation):
    """``nn.max_pool(inputs, pool_size, strides=None)``: Keras' ``compute_pooling_output_shape``:
    each spatial axis floor((I - P) / S) + 1 ('valid') or floor((I - 1) / S) + 1 ('same'); S defaults to P.

    FLOPs = output elements × pool size (one compare per value; average: one add, plus a divide).
    """

    operation = Text("max pooling (one compare per window value)", "最大池化（窗口内每个值比较一次）")
    shape_rule = Text("each spatial axis: floor((I - P) / S) + 1 ('valid') or ceil(I / S) ('same')",
                      "每个空间维度：floor((I - P) / S) + 1（valid）或 ceil(I / S)（same）")
    extra_per_element = 0

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size, self.strides, self.padding = pool_size, strides, padding.lower()
        self.data_format = _format(data_format)

    def compute_output_spec(self, inputs):
        shape = operand_shape(inputs)
        spatial = shape[1:-1] if self.data_format == "channels_last" else shape[2:]
        strides = self.pool_size if self.strides is None else self.strides
        known = [-1 if size is None else size for size in spatial]  # Keras computes with -1 for None
        if self.padding == "valid":
            out = _broadcast(lambda i, p, s: math.floor((i - p) / s) + 1, known, self.pool_size, strides)
            for i, value in enumerate(out):
                if not (i < len(spatial) and spatial[i] is None) and value <= 0:
                    raise ValueError(
                        f"Computed output size would be zero or negative. Received: `inputs.shape={shape}`, "
                        f"`pool_size={self.pool_size}`, `strides={strides}`, `padding={self.padding}`.")
        elif self.padding == "same":
            out = _broadcast(lambda i, s: math.floor((i - 1) / s) + 1, known, strides)
        else:
            raise ValueError(f"Argument `padding` must be either 'valid' or 'same'. Received: padding={self.padding}")
        out = [None if i < len(spatial) and spatial[i] is None else v for i, v in enumerate(out)]
        out = [shape[0], *out, shape[-1]] if self.data_format == "channels_last" else [shape[0], shape[1], *out]
        pool = self.pool_size
        self._pool = (pool,) * len(spatial) if isinstance(pool, int) else tuple(pool)
        return Spec(out, _dtype(inputs))

    def cost_for_call(self, output_shape, *args, **kwargs):
        """FLOPs = output elements × pool size (+ one divide per output element when averaging)."""
        from ..core import cost

        terms = [cost.flops(self.operation, cost.elements(output_shape),
                            cost.factor(tuple(self._pool), Text("per window", "每个窗口")))]
        if self.extra_per_element:
            terms.append(cost.flops(Text("divide by the window size", "除以窗口大小"), cost.elements(output_shape)))
        return cost.Cost(terms)


class AveragePool(MaxPool):
    """``nn.average_pool``: the same shape rule as max_pool; FLOPs add one divide per output element."""

    operation = Text("average pooling (one add per window value)", "平均池化（窗口内每个值相加一次）")
    extra_per_element = 1


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    return apply(SeparableConv, (inputs, depthwise_kernel, pointwise_kernel), strides=strides, padding=padding,
                 data_format=data_format, dilation_rate=dilation_rate)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    return apply(ConvTranspose, (inputs, kernel), strides=strides, padding=padding, output_padding=output_padding,
                 data_format=data_format, dilation_rate=dilation_rate)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return apply(MaxPool, (inputs,), pool_size=pool_size, strides=strides, padding=padding, data_format=data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return apply(AveragePool, (inputs,), pool_size=pool_size, strides=strides, padding=padding,
                 data_format=data_format)
