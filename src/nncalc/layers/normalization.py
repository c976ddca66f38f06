"""Normalization layers: the output shape is the input shape; the weights are per feature.

* ``BatchNormalization``: gamma and beta (trainable, by ``scale`` / ``center``) and the
  moving mean and variance (not trainable), one value per feature of ``axis``;
  ``renorm=True`` adds three more non-trainable vectors.
* ``LayerNormalization``: gamma / beta over the normalized axes (a list gives a tensor).
* ``GroupNormalization``: gamma / beta per channel; ``groups`` must divide the channels.
* ``RMSNormalization``: one ``scale`` over the normalized axes.
* ``UnitNormalization``: no weights.
* ``SpectralNormalization``: wraps a layer with a kernel (or embeddings) and adds
  ``vector_u`` of shape (1, last kernel axis), not trainable.
"""

from __future__ import annotations

import warnings

from ..core import cost
from ..core import tf_flops
from ..core.cost import Factor, factor
from ..core.explain import OUTPUT_SHAPE, SAME_SHAPE, Step, Text, num, shape_text
from ..core.layer import InputSpec, Layer, _user_stacklevel
from .core import Wrapper
from ..errors import Unsupported


_NAMES_ZH = {
    "gamma": "缩放系数 γ",
    "beta": "偏移 β",
    "moving_mean": "移动均值",
    "moving_variance": "移动方差",
    "moving_stddev": "移动标准差",
    "renorm_mean": "重归一化均值",
    "renorm_stddev": "重归一化标准差",
    "scale": "缩放系数",
    "vector_u": "幂迭代向量",
}

_WEIGHT_EN = {
    "gamma": "gamma", "beta": "beta", "moving_mean": "moving mean",
    "moving_variance": "moving variance", "moving_stddev": "moving stddev",
    "renorm_mean": "renorm mean", "renorm_stddev": "renorm stddev", "scale": "scale",
}


def _check_axes_in_range(axes, input_shape, shown_axis):
    """Keras' bound check of ``compute_output_shape`` (every axis within the input's rank)."""
    for axis in [axes] if isinstance(axes, int) else axes:
        if axis >= len(input_shape) or axis < -len(input_shape):
            raise ValueError(
                f"Axis {axis} is out of bounds for input shape {input_shape}. Received: axis={shown_axis}"
            )


def _axes_list(axis):
    return [axis] if isinstance(axis, int) else list(axis)


def _axis_sizes(input_shape, axes):
    """Sizes of ``input_shape`` on ``axes`` (as Keras reads them: plain indexing)."""
    return tuple(input_shape[a] for a in axes)


_PER_ELEMENT = Text("per element", "每个元素")
_VECTORS = Text("normalized vectors", "个归一化向量")


def _per(n: int, word: Text) -> Factor:
    return Factor(n, str(n), word)


def _ops(parts) -> Text:
    """The names of the ops counted, joined in both languages (parts: (en, zh) pairs)."""
    return Text("; ".join(en for en, _ in parts), "；".join(zh for _, zh in parts))


def _kept_dims(input_shape, axes):
    """The per-sample sizes of the axes not normalized: one statistic per position of these."""
    rank = len(input_shape)
    normalized = {a % rank for a in axes}
    return tuple(d for i, d in enumerate(input_shape) if i > 0 and i not in normalized)


def _over_batch(input_shape, axes) -> bool:
    return 0 in {a % len(input_shape) for a in axes}


_BATCH_AXIS = Text("normalizing over the batch axis has no per-sample cost", "在批维度上归一化，无法按单个样本计算")

# Ops of tf.nn.moments (mean: sum + divide; variance: mean of (x - mean)²).
_MOMENTS_E = [("mean and variance: sum, subtract, square, sum", "均值与方差：求和、相减、平方、求和")]
_MOMENTS_M = [("2 divides (the means)", "2 次除法（求均值）"), ("+ epsilon", "+ epsilon"), ("rsqrt", "rsqrt"),
              ("−mean", "−均值")]


class _SameShapeNorm(Layer):
    """Output shape = input shape; parameters = (number of vectors) × (size of the normalized axes)."""

    weight_names_zh = _NAMES_ZH

    def _norm_axes(self):
        return _axes_list(self.axis)

    def compute_output_shape(self, input_shape):
        _check_axes_in_range(self.axis, input_shape, self.axis)
        return input_shape

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        steps = [Step("shape", OUTPUT_SHAPE, shape_text(input_shape), tuple(out), SAME_SHAPE)]
        axes = self._norm_axes()
        sizes = _axis_sizes(input_shape, axes)
        if len(axes) == 1:
            steps.append(Step("shape", Text(f"normalized axis {axes[0]}", f"归一化的轴 {axes[0]}"),
                              num(sizes[0]), sizes[0],
                              Text("its size sets the size of each weight vector",
                                   "其大小决定每个权重向量的长度")))
        else:
            steps.append(Step("shape", Text(f"normalized axes {tuple(axes)}", f"归一化的轴 {tuple(axes)}"),
                              shape_text(sizes), sizes,
                              Text("their sizes set the shape of each weight",
                                   "这些轴的大小决定每个权重的形状")))
        return steps

    def param_formula(self):
        weights = self.weights
        if not weights:
            return None
        shape = weights[0].shape
        per = " × ".join(num(d) for d in shape) or "1"
        if len(weights) == 1:
            return per
        return f"{len(weights)} × {per}" if len(shape) <= 1 else f"{len(weights)} × ({per})"

    def param_rule(self):
        weights = self.weights
        if not weights:
            return None
        names_en = ", ".join(_WEIGHT_EN.get(w.name, w.name) for w in weights)
        names_zh = "、".join(_NAMES_ZH.get(w.name, w.name) for w in weights)
        frozen = [w for w in weights if not w.trainable]
        en = f"{names_en}: one value each per normalized feature"
        zh = f"{names_zh}：每个归一化的特征各一个"
        if frozen and len(frozen) < len(weights):
            en += f" ({', '.join(_WEIGHT_EN.get(w.name, w.name) for w in frozen)} not trainable)"
            zh += f"（{'、'.join(_NAMES_ZH.get(w.name, w.name) for w in frozen)}不可训练）"
        return Text(en, zh)


# ---------------------------------------------------------------------- BatchNormalization
class BatchNormalization(_SameShapeNorm):
    """Normalizes each feature of ``axis`` with batch statistics (training) or moving ones.

    Weights (each of shape (C,), C = input size on ``axis``): gamma if ``scale``, beta if
    ``center`` (trainable), moving_mean and moving_variance (not trainable), and with
    ``renorm`` moving_stddev, renorm_mean and renorm_stddev (not trainable).
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)  # Keras converts: 1.0 and "1" are accepted, a list is a TypeError
        if synchronized:
            from ..keras.backend import backend

            if backend() != "tensorflow":
                raise ValueError(
                    "Argument synchronized=True is only supported with the TensorFlow backend."
                )
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.renorm = renorm
        if renorm:
            clipping = renorm_clipping or {}
            allowed = ["rmax", "rmin", "dmax"]
            if set(clipping) - set(allowed):
                raise ValueError(
                    f"Received invalid keys for `renorm_clipping` argument: {clipping}. "
                    f"Supported values: {allowed}."
                )
            rmax, rmin, dmax = clipping.get("rmax"), clipping.get("rmin"), clipping.get("dmax")
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    "rmax should be greater than rmin in the `renorm_clipping` argument. "
                    f"Received: rmax={rmax}, rmin={rmin}."
                )
            if dmax is not None and dmax < 0:
                raise ValueError(
                    f"dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}."
                )
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        shape = (input_shape[self.axis],)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", trainable=True)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", trainable=True)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean", trainable=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance", trainable=False)
        if self.renorm:
            for name in ("moving_stddev", "renorm_mean", "renorm_stddev"):
                setattr(self, name, self.add_weight(shape=shape, name=name, trainable=False))
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: input_shape[self.axis]})
        self.built = True

    def param_rule(self):
        rule = super().param_rule()
        return Text(
            rule.en + "; the moving statistics are updated during training, not learned by gradients",
            rule.zh + "；移动统计量在训练中更新，但不通过梯度学习",
        )

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 2 per element (x · inv + res) + per channel 4, 5 with ``scale`` (rsqrt(var + ε) [· γ],
        mean · inv, β − it); inference uses the moving mean and variance."""
        axis = self.axis % len(input_shape)
        channels = input_shape[axis]
        per_channel = [("add epsilon", "加 epsilon"), ("rsqrt", "rsqrt")]
        if self.scale:
            per_channel.append(("multiply by gamma", "乘以 gamma"))
        per_channel += [("mean × inv", "均值 × inv"), ("beta − it" if self.center else "negate it",
                                                      "beta 减去它" if self.center else "取负")]
        return cost.Cost([
            cost.flops(Text("x × inv + (beta − mean × inv)", "x × inv + (beta − 均值 × inv)"),
                       cost.elements(input_shape), _per(2, _PER_ELEMENT)),
            cost.flops(Text(", ".join(en for en, _ in per_channel), "、".join(zh for _, zh in per_channel)), factor(channels, Text("channels", "个通道")),
                       _per(len(per_channel), Text("per channel", "每个通道"))),
        ], note=Text("inference uses the moving mean and variance", "推理时使用移动均值与方差"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler (inference, C = size of the normalized axis, N elements): AddV2 C (var + ε) +
        Rsqrt 2C + [scale: Mul C] + Mul N + Mul C + [center: Sub C, else Neg C] + AddV2 N
        (nothing is constant-folded)."""
        n = tf_flops.size(input_shape, "the input")
        c = tf_flops.dims((input_shape[self.axis % len(input_shape)],), "the normalized axis")
        return tf_flops.ops(("AddV2", c), ("Rsqrt", 2 * c), ("Mul", c if self.scale else 0), ("Mul", n),
                            ("Mul", c), ("Sub" if self.center else "Neg", c), ("AddV2", n))


# ---------------------------------------------------------------------- LayerNormalization
class LayerNormalization(_SameShapeNorm):
    """Normalizes each sample over ``axis`` (an int or a list of axes).

    gamma (if ``scale`` or ``rms_scaling``) and beta (if ``center`` and not ``rms_scaling``),
    each shaped like the input on the normalized axes (sorted), trainable.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly "
                "scales the input by the variance, not the root mean square. To correctly use RMS "
                "Normalization, please use `keras.layers.RMSNormalization` instead.",
                stacklevel=_user_stacklevel(),
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis', but received: "
                f"{axis!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling

    def build(self, input_shape):
        if isinstance(self.axis, list):
            self.axis = sorted(self.axis)
        else:
            self.axis = [self.axis]
        shape = _axis_sizes(input_shape, self.axis)
        self.gamma = self.beta = None
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape, trainable=True)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape, trainable=True)
        self.built = True

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = E × (6 + 2 with gamma + 1 with beta) + M × (5 + 1 without gamma), E elements and
        M normalized vectors per sample (rms_scaling: E × (5 + 1 with gamma) + M × 4).

        Per element: tf.nn.moments (sum, subtract, square, sum), x · inv + res, and with gamma
        inv · γ and −mean · inv (broadcast to every element), with beta + β. Per vector: the two
        means' divides, + ε, rsqrt, −mean (and −mean · inv without gamma).
        """
        axes = _axes_list(self.axis)
        if _over_batch(input_shape, axes):
            return cost.Cost(unknown=_BATCH_AXIS)
        vectors = factor(_kept_dims(input_shape, axes), _VECTORS)
        if self.rms_scaling:
            per_e = [("variance: mean, subtract, square, mean", "方差：均值、相减、平方、均值"), ("x × inv", "x × inv")]
            per_e += [("× gamma", "× gamma")] if self.gamma is not None else []
            per_m = [("2 divides (the means)", "2 次除法（求均值）"), ("+ epsilon", "+ epsilon"), ("rsqrt", "rsqrt")]
            counts = (4 + len(per_e) - 1, 4)
        else:
            per_e = _MOMENTS_E + [("x × inv, + res", "x × inv、+ res")]
            per_m = list(_MOMENTS_M)
            e = 6
            if self.gamma is not None:
                per_e.append(("inv × gamma, −mean × inv", "inv × gamma、−均值 × inv"))
                e += 2
            else:
                per_m.append(("−mean × inv", "−均值 × inv"))
            if self.beta is not None:
                per_e.append(("+ beta", "+ beta"))
                e += 1
            counts = (e, len(per_m) + 1)
        return cost.Cost([
            cost.flops(_ops(per_e), cost.elements(input_shape), _per(counts[0], _PER_ELEMENT)),
            cost.flops(_ops(per_m), vectors, _per(counts[1], Text("per vector", "每个向量"))),
        ])

    def tf_flops(self, input_shape, output_shape):
        """TF profiler (N elements, R statistics): Mean 2N + SquaredDifference 2N + AddV2 R + Rsqrt 2R + Neg R
        + Mul N + [gamma: Mul 2N, else Mul R] + [beta: AddV2 N] + AddV2 N; rms_scaling: Mean 2N + Sub N +
        Square N + AddV2 R + Rsqrt 2R + Mul 2N."""
        axes = _axes_list(self.axis)
        if _over_batch(input_shape, axes):
            return tf_flops.not_modelled("LayerNormalization over the batch axis")
        n = tf_flops.size(input_shape, "the input")
        r = tf_flops.dims(_kept_dims(input_shape, axes), "a kept dimension")
        if self.rms_scaling:
            return tf_flops.ops(("Mean", 2 * n), ("Sub", n), ("Square", n), ("AddV2", r), ("Rsqrt", 2 * r),
                                ("Mul", 2 * n))
        scale = self.gamma is not None
        return tf_flops.ops(("Mean", 2 * n), ("SquaredDifference", 2 * n), ("AddV2", r), ("Rsqrt", 2 * r),
                            ("Neg", r), ("Mul", n), ("Mul", 2 * n if scale else r),
                            ("AddV2", n if self.beta is not None else 0), ("AddV2", n))


# ---------------------------------------------------------------------- GroupNormalization
class GroupNormalization(_SameShapeNorm):
    """Splits the channels of ``axis`` into ``groups`` and normalizes each group.

    gamma (if ``scale``) and beta (if ``center``), each (C,); ``groups`` must divide C
    (``groups=-1``: one group per channel, i.e. instance normalization).
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a positive integer (or "
                f"`-1` for instance normalization). Received: groups={groups}"
            )
        super().__init__(**kwargs)
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale

    def build(self, input_shape):
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the layer "
                f"received an input with shape {input_shape}."
            )
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups:
            raise ValueError(
                f"Number of groups ({self.groups}) cannot be more than the number of channels ({channels})."
            )
        if channels % self.groups != 0:
            raise ValueError(
                f"Number of groups ({self.groups}) must be a multiple of the number of channels ({channels})."
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})
        self.gamma = self.add_weight(shape=(channels,), name="gamma") if self.scale else None
        self.beta = self.add_weight(shape=(channels,), name="beta") if self.center else None
        self.built = True

    def explain_shape(self, input_shape):
        steps = super().explain_shape(input_shape)
        channels = input_shape[self.axis]
        if self.built and channels:
            steps.append(Step("shape", Text("channels per group", "每组通道数"),
                              f"{num(channels)} / {num(self.groups)}", channels // self.groups,
                              Text("the channels are split into equal groups", "通道被平均分成若干组")))
        return steps

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = E × 6 + G × (5 + 1 without gamma) + C × (2 with gamma + 1 with beta), E elements,
        G groups, C channels per sample.

        Per element: tf.nn.moments (sum, subtract, square, sum) and x · inv + res; per group: the two
        means' divides, + ε, rsqrt, −mean (and −mean · inv without gamma); per channel: inv · γ and
        −mean · inv with gamma, + β with beta.
        """
        channels = input_shape[self.axis]
        per_g = list(_MOMENTS_M)
        per_c = []
        if self.gamma is not None:
            per_c += [("inv × gamma", "inv × gamma"), ("−mean × inv", "−均值 × inv")]
        else:
            per_g.append(("−mean × inv", "−均值 × inv"))
        if self.beta is not None:
            per_c.append(("+ beta", "+ beta"))
        terms = [
            cost.flops(_ops(_MOMENTS_E + [("x × inv, + res", "x × inv、+ res")]), cost.elements(input_shape),
                       _per(6, _PER_ELEMENT)),
            cost.flops(_ops(per_g), factor(self.groups, Text("groups", "个组")),
                       _per(len(per_g) + 1, Text("per group", "每组"))),
        ]
        if per_c:
            terms.append(cost.flops(_ops(per_c), factor(channels, Text("channels", "个通道")),
                                    _per(len(per_c), Text("per channel", "每个通道"))))
        return cost.Cost(terms)

    def tf_flops(self, input_shape, output_shape):
        """TF profiler (N elements, G groups, C channels): Mean 2N + SquaredDifference 2N + AddV2 G + Rsqrt 2G
        + Neg G + Mul N + [scale: Mul 2C, else Mul G] + [center: AddV2 C] + AddV2 N."""
        n = tf_flops.size(input_shape, "the input")
        c = tf_flops.dims((input_shape[self.axis],), "the channel axis")
        g = c if self.groups == -1 else self.groups
        return tf_flops.ops(("Mean", 2 * n), ("SquaredDifference", 2 * n), ("AddV2", g), ("Rsqrt", 2 * g),
                            ("Neg", g), ("Mul", n), ("Mul", 2 * c if self.scale else g),
                            ("AddV2", c if self.center else 0), ("AddV2", n))


# ---------------------------------------------------------------------- RMSNormalization
class RMSNormalization(_SameShapeNorm):
    """Divides by the root mean square over ``axis`` and multiplies by ``scale``.

    One trainable weight ``scale`` shaped like the input on the normalized axes.
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape):
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
        else:
            self.axis = [self.axis]
        self.scale = self.add_weight(name="scale", shape=_axis_sizes(input_shape, self.axis))
        self.built = True

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 4 per element (square, sum, × rrms, × scale) + 3 per normalized vector (divide, + ε, rsqrt)."""
        axes = _axes_list(self.axis)
        if _over_batch(input_shape, axes):
            return cost.Cost(unknown=_BATCH_AXIS)
        return cost.Cost([
            cost.flops(Text("square, sum, × rrms, × scale", "平方、求和、× rrms、× scale"),
                       cost.elements(input_shape), _per(4, _PER_ELEMENT)),
            cost.flops(Text("mean's divide, add epsilon, rsqrt", "均值的除法、加 epsilon、rsqrt"),
                       factor(_kept_dims(input_shape, axes), _VECTORS), _per(3, Text("per vector", "每个向量"))),
        ])

    def tf_flops(self, input_shape, output_shape):
        """TF profiler (N elements, R statistics): Square N + Mean N + AddV2 R + Rsqrt 2R + Mul 2N."""
        n = tf_flops.size(input_shape, "the input")
        r = tf_flops.dims(_kept_dims(input_shape, _axes_list(self.axis)), "a kept dimension")
        return tf_flops.ops(("Square", n), ("Mean", n), ("AddV2", r), ("Rsqrt", 2 * r), ("Mul", 2 * n))


# ---------------------------------------------------------------------- UnitNormalization
class UnitNormalization(_SameShapeNorm):
    """Scales each sample to unit L2 norm over ``axis``; no weights, built at construction."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis}"
            )
        self.built = True

    def compute_output_shape(self, input_shape):
        for axis in _axes_list(self.axis):
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(f"Axis {self.axis} is out of bounds for input shape {input_shape}.")
        return input_shape

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return [Step("shape", OUTPUT_SHAPE, shape_text(input_shape), tuple(out), SAME_SHAPE)]

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 3 per element (square, sum, × inverse norm) + 2 per normalized vector (rsqrt, min with 1/ε)."""
        axes = _axes_list(self.axis)
        if _over_batch(input_shape, axes):
            return cost.Cost(unknown=_BATCH_AXIS)
        return cost.Cost([
            cost.flops(Text("square, sum, × inverse norm", "平方、求和、× 范数倒数"),
                       cost.elements(input_shape), _per(3, _PER_ELEMENT)),
            cost.flops(Text("rsqrt, min with 1/ε", "rsqrt、与 1/ε 取最小"),
                       factor(_kept_dims(input_shape, axes), _VECTORS), _per(2, Text("per vector", "每个向量"))),
        ])

    def tf_flops(self, input_shape, output_shape):
        """TF profiler (N elements, R norms): Square N + Sum (N - R) + Minimum R + Rsqrt 2R + Mul N."""
        n = tf_flops.size(input_shape, "the input")
        r = tf_flops.dims(_kept_dims(input_shape, _axes_list(self.axis)), "a kept dimension")
        return tf_flops.ops(("Square", n), ("Sum", n - r), ("Minimum", r), ("Rsqrt", 2 * r), ("Mul", n))


# ---------------------------------------------------------------------- SpectralNormalization
class SpectralNormalization(Wrapper):
    """Wraps a layer that has a ``kernel`` (or ``embeddings``) and divides it by its spectral norm.

    Weights, in Keras' order: the wrapped layer's kernel, ``vector_u`` (1, last kernel axis),
    not trainable, then the wrapped layer's other weights. Output shape: the wrapped layer's.
    """

    weight_names_zh = {**_NAMES_ZH, "kernel": "权重", "bias": "偏置", "embeddings": "嵌入矩阵"}

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)  # Wrapper: checks and keeps the wrapped layer
        if power_iterations <= 0:
            raise ValueError(
                "`power_iterations` should be greater than zero. Received: "
                f"`power_iterations={power_iterations}`"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        if getattr(self.layer, "lora_enabled", False):
            raise Unsupported(
                f"SpectralNormalization around a LoRA-enabled layer ('{self.layer.name}') is not modelled"
            )
        if not self.layer.built:
            known = {id(w) for w in self.layer.weights}
            self.layer.build(input_shape)
            self.layer.built = True
            # Built inside the wrapper, the wrapped layer's weights live under its name scope.
            for w in self.layer.weights:
                if id(w) not in known:
                    w.path = f"{self.name}/{w.path}"
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(
                f"{type(self.layer).__name__} object has no attribute 'kernel' nor 'embeddings'"
            )
        self.kernel = kernel
        # Keras tracks the wrapped kernel as the wrapper's own variable: it comes first.
        (self._trainable_variables if kernel.trainable else self._non_trainable_variables).append(kernel)
        self.vector_u = self.add_weight(shape=(1, kernel.shape[-1]), trainable=False,
                                        name="vector_u", dtype=kernel.dtype)
        self.built = True

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def param_rule(self):
        return Text(
            f"the wrapped layer's weights ({self.layer.name}) plus vector_u: 1 × "
            f"{num(self.kernel.shape[-1])} (last kernel axis), not trainable",
            f"被包装层（{self.layer.name}）的参数，加上 vector_u：1 × {num(self.kernel.shape[-1])}"
            "（卷积核/权重的最后一维），不可训练",
        )

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                      Text(f"the output shape of the wrapped layer {self.layer.name}",
                           f"与被包装层 {self.layer.name} 的输出形状相同"))]
        inner = self.layer.explain_shape(input_shape)
        return steps + inner[1:]

    def cost_for_call(self, output_shape, input_shape, *args, **kwargs):
        """The wrapped layer's cost: in inference Keras uses the stored (already normalized) kernel;
        the power iteration runs only in training."""
        inner = self.layer.cost_for_call(output_shape, input_shape, *args, **kwargs)
        return cost.Cost(inner.terms, inner.unknown, Text(
            f"the wrapped layer {self.layer.name}; the power iteration runs only in training",
            f"被包装层 {self.layer.name}；幂迭代只在训练时运行"))


EXPORTS = {
    "BatchNormalization": BatchNormalization,
    "GroupNormalization": GroupNormalization,
    "LayerNormalization": LayerNormalization,
    "RMSNormalization": RMSNormalization,
    "SpectralNormalization": SpectralNormalization,
    "UnitNormalization": UnitNormalization,
}
