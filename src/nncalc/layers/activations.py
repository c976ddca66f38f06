"""Activation layers: elementwise functions, output shape = input shape.

Only ``PReLU`` has a weight: ``alpha``, one learned negative slope per input element
(``input_shape[1:]``), with size 1 on each of the ``shared_axes``.
"""

from __future__ import annotations

from ..core.args import activation_name
from ..core.explain import Text, identity_shape_steps, num
from ..core.layer import InputSpec, Layer


class _Elementwise(Layer):
    """A weightless elementwise activation that Keras builds at construction."""

    def compute_output_shape(self, input_shape):
        return input_shape

    def explain_shape(self, input_shape):
        return identity_shape_steps(input_shape)


class Activation(_Elementwise):
    """``y = activation(x)``, element by element."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation_name(activation)
        self.built = True


class ELU(_Elementwise):
    """``x`` for x >= 0, ``alpha · (exp(x) - 1)`` below."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.built = True


class LeakyReLU(_Elementwise):
    """``x`` for x >= 0, ``negative_slope · x`` below (``alpha`` is the deprecated name)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            import warnings

            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                f"Expected a float. Received: negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope
        self.built = True


class ReLU(_Elementwise):
    """``max(x, 0)`` capped at ``max_value``, with a ``negative_slope`` below ``threshold``."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                f"max_value of a ReLU layer cannot be a negative value. Received: max_value={max_value}"
            )
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(
                "negative_slope of a ReLU layer cannot be None or a negative value. "
                f"Received: negative_slope={negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ValueError(
                "threshold of a ReLU layer cannot be None or a negative value. "
                f"Received: threshold={threshold}"
            )
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.built = True


class Softmax(_Elementwise):
    """Normalizes ``exp(x)`` along ``axis`` (Keras does not check the axis until it runs)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.built = True


class PReLU(_Elementwise):
    """``x`` for x >= 0, ``alpha · x`` below, with ``alpha`` learned.

    alpha: ``input_shape[1:]`` with 1 on each shared axis (Keras writes
    ``param_shape[axis - 1] = 1``, so axis 0 means the last axis).
    params = product of alpha's shape.
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        if self.shared_axes is not None:
            for axis in self.shared_axes:
                param_shape[axis - 1] = 1
        self.alpha = self.add_weight(shape=param_shape, name="alpha")
        axes = {}
        if self.shared_axes:
            axes = {i: input_shape[i] for i in range(1, len(input_shape)) if i not in self.shared_axes}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    weight_names_zh = {"alpha": "负半轴斜率"}

    def param_formula(self):
        # The shared axes (size 1) are left out of the product: "1 × 1 × 16" would read as 16.
        return " × ".join(num(d) for d in self.alpha.shape if d != 1) or "1"

    def param_rule(self):
        if self.shared_axes:
            return Text(
                f"one learned slope per input element, shared (size 1) along axes {self.shared_axes}",
                f"每个输入元素一个可学习的斜率，在轴 {self.shared_axes} 上共享（该维为 1）")
        return Text("one learned slope per input element (all axes but the batch axis)",
                    "每个输入元素一个可学习的斜率（批维度以外的所有维度）")


EXPORTS = {
    "Activation": Activation, "ELU": ELU, "LeakyReLU": LeakyReLU, "PReLU": PReLU,
    "ReLU": ReLU, "Softmax": Softmax,
}
