"""``keras.ops.nn``: activations (element-wise, shape and dtype kept), softmax, one_hot.

Costs: one FLOP per output element for an activation, three for softmax and
log-softmax (exp, sum, divide), as the activations of layers count.
"""

from __future__ import annotations

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


class Softmax(Activation):
    """``softmax(x, axis=-1)``: shape kept (the axis is checked); 3 FLOPs per element."""

    operation = Text("softmax (exp, sum, divide)", "softmax（指数、求和、相除）")
    flops_per_element = 3

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        if self.axis is not None:
            for a in ((self.axis,) if isinstance(self.axis, int) else self.axis):
                canonicalize_axis(a, len(shape))
        return Spec(shape, _dtype(x))


LogSoftmax = type("LogSoftmax", (Softmax,), {"__doc__": "``keras.ops.log_softmax``: as softmax."})


class OneHot(Operation):
    """``one_hot(x, num_classes, axis=-1)``: a new axis of size num_classes."""

    operation = Text("one-hot encoding", "独热编码")
    shape_rule = Text("a new axis of size num_classes at axis", "在 axis 处新增大小为 num_classes 的维度")
    flops_per_element = None

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

    function.__doc__ = f"``keras.ops.{cls.__name__.lower()}(x)``: {cls.operation.en}."
    return function


relu, relu6, sigmoid, softplus, softsign, silu, log_sigmoid, hard_sigmoid, hard_silu, selu = (
    _function(c) for c in (Relu, Relu6, Sigmoid, Softplus, Softsign, Silu, LogSigmoid, HardSigmoid,
                           HardSilu, Selu))
swish, hard_swish = silu, hard_silu
leaky_relu = _function(LeakyRelu, "negative_slope")
elu = _function(Elu, "alpha")
celu = _function(Celu, "alpha")
gelu = _function(Gelu, "approximate")


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
