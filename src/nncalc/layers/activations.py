"""Activation layers: elementwise functions, output shape = input shape.

Only ``PReLU`` has a weight: ``alpha``, one learned negative slope per input element
(``input_shape[1:]``), with size 1 on each of the ``shared_axes``.
"""

from __future__ import annotations

from ..core import cost
from ..core import tf_flops
from ..core.args import activation_name
from ..core.cost import Factor, factor
from ..core.explain import Text, identity_shape_steps, num
from ..core.layer import InputSpec, Layer

PER_ELEMENT = Text("per element", "每个元素")


def _per_element(label: Text, shape, per: int) -> cost.Cost:
    """``elements × per`` FLOPs under ``label`` (no term when ``per`` is 0)."""
    if not per:
        return cost.free(Text("no operation", "无运算"))
    factors = [cost.elements(shape)] + ([Factor(per, str(per), PER_ELEMENT)] if per != 1 else [])
    return cost.Cost([cost.flops(label, *factors)])


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

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = elements × the activation's FLOPs per element (1; softmax and log_softmax 3; linear 0)."""
        terms = cost.activation_term(self.activation, output_shape)
        return cost.Cost(terms) if terms else cost.free(Text("linear: no operation", "linear：无运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: relu, sigmoid, tanh, elu, selu, softplus, ... 0; softmax: Softmax 5 per element;
        gelu: Mul 3 + Neg 1, swish/silu: Mul 2, hard_sigmoid: AddV2 + RealDiv, hard_swish: + Mul, mish: Mul 1
        per element."""
        return tf_flops.activation_ops(self.activation, tf_flops.size(output_shape, "the output"))


class ELU(_Elementwise):
    """``x`` for x >= 0, ``alpha · (exp(x) - 1)`` below."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.built = True

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 1 per element (elu); with alpha != 1, 3 (Keras: where(x > 0, elu(x), alpha · elu(x)))."""
        if self.alpha == 1:
            return _per_element(Text("elu", "elu"), output_shape, 1)
        return _per_element(Text("elu, compare x > 0, multiply by alpha", "elu、比较 x > 0、乘以 alpha"),
                            output_shape, 3)

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: alpha = 1: 0 (Elu); else Greater + Mul, 1 each per element."""
        n = tf_flops.size(output_shape, "the output")
        return {} if self.alpha == 1 else tf_flops.ops(("Greater", n), ("Mul", n))


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

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 1 per element (leaky_relu)."""
        return _per_element(Text("leaky_relu", "leaky_relu"), output_shape, 1)

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (LeakyRelu has no registered FLOPs)."""
        return {}


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

    def _ops(self) -> list:
        """The elementwise ops of Keras' ``activations.relu`` for these arguments, as (en, zh, count)."""
        slope, cap, threshold = self.negative_slope, self.max_value, self.threshold
        if slope != 0 and cap is None and threshold == 0:
            return [("leaky_relu", "leaky_relu", 1)]
        if threshold != 0:
            ops = [("x > threshold", "x > threshold", 1)]
        elif cap == 6:
            ops = [("relu6", "relu6", 1)]
        else:
            ops = [("relu", "relu", 1)]
        if cap is not None and not (threshold == 0 and cap == 6):
            ops.append(("clip to [0, max_value]", "裁剪到 [0, max_value]", 2))
        if slope != 0:
            if threshold != 0:
                ops.append(("relu(-x + threshold)", "relu(-x + threshold)", 3))
            else:
                ops.append(("relu(-x)", "relu(-x)", 2))
            ops.append(("subtract negative_slope × it", "减去 negative_slope × 负部", 2))
        return ops

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 1 per element for the plain relu, relu6 or leaky relu; Keras' general form adds
        2 for the clip to max_value and 4 (5 with a threshold) for the negative slope."""
        ops = self._ops()
        return _per_element(Text(", ".join(o[0] for o in ops), "、".join(o[1] for o in ops)),
                            output_shape, sum(o[2] for o in ops))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler (per element): relu, relu6, leaky relu 0; threshold != 0: Greater; a max_value other
        than relu6's: Minimum + Maximum; a negative slope with a max_value or threshold: Neg + Mul + Sub
        (+ AddV2 with a threshold)."""
        n = tf_flops.size(output_shape, "the output")
        slope, cap, threshold = self.negative_slope, self.max_value, self.threshold
        if slope != 0 and cap is None and threshold == 0:
            return {}
        pairs = []
        if slope != 0:
            pairs += [("Neg", n), ("AddV2", n if threshold != 0 else 0), ("Mul", n), ("Sub", n)]
        if threshold != 0:
            pairs.append(("Greater", n))
        if cap is not None and not (threshold == 0 and cap == 6):
            pairs += [("Minimum", n), ("Maximum", n)]
        return tf_flops.ops(*pairs)


class Softmax(_Elementwise):
    """Normalizes ``exp(x)`` along ``axis`` (Keras does not check the axis until it runs)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.built = True

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 3 per element (exp, sum, divide) over one axis; over several axes Keras computes
        exp(x - logsumexp(x)): 6 per element + 3 per normalized vector."""
        axes = self.axis if isinstance(self.axis, (list, tuple)) else [self.axis]
        if len(axes) <= 1:
            return _per_element(Text("softmax (exp, sum, divide)", "softmax（指数、求和、除法）"), output_shape, 3)
        rank = len(input_shape)
        kept = tuple(d for i, d in enumerate(input_shape) if i > 0 and i not in {a % rank for a in axes})
        return cost.Cost([
            cost.flops(Text("logsumexp (max, subtract, exp, sum), subtract, exp",
                            "logsumexp（最大值、相减、指数、求和）、相减、指数"),
                       cost.elements(output_shape), Factor(6, "6", PER_ELEMENT)),
            cost.flops(Text("logsumexp: finite check, log, add the max", "logsumexp：有限性检查、对数、加回最大值"),
                       factor(kept, Text("vectors", "个向量")), Factor(3, "3", Text("per vector", "每个向量"))),
        ])

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: one axis: Softmax 5 per element (+ Sub 2, scalar rank arithmetic, when it is not the
        last axis); several axes (log-sum-exp): Sub 2 per element + Sum (elements - S) + Log S + AddV2 S,
        S = elements left after the reduction."""
        n = tf_flops.size(output_shape, "the output")
        rank = len(input_shape)
        axes = list(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
        if len(axes) == 1:
            return tf_flops.ops(("Softmax", 5 * n), ("Sub", 0 if axes[0] % rank == rank - 1 else 2))
        reduced = {a % rank for a in axes}
        s = tf_flops.dims([d for i, d in enumerate(input_shape) if i > 0 and i not in reduced])
        return tf_flops.ops(("Sub", 2 * n), ("Sum", n - s), ("Log", s), ("AddV2", s))


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

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 5 per element (relu(x), -x, relu(-x), × -alpha, add) + 1 per alpha entry (-alpha)."""
        return cost.Cost([
            cost.flops(Text("relu(x) + (-alpha) × relu(-x)", "relu(x) + (-alpha) × relu(-x)"),
                       cost.elements(output_shape), Factor(5, "5", PER_ELEMENT)),
            cost.flops(Text("negate alpha", "alpha 取负"), factor(tuple(self.alpha.shape), Text("alpha entries", "个 alpha 值"))),
        ])

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: Neg per alpha entry (-alpha) + Neg, Mul and AddV2 per element
        (relu(x) + (-alpha) · relu(-x))."""
        n = tf_flops.size(output_shape, "the output")
        return tf_flops.ops(("Neg", tf_flops.dims(self.alpha.shape)), ("Neg", n), ("Mul", n), ("AddV2", n))

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
