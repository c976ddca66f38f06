"""Attention layers (as in ``keras/src/layers/attention``).

* ``MultiHeadAttention(num_heads, key_dim, value_dim=None, ...)`` called as
  ``mha(query, value, key=None)``: four projections (sublayers named ``query``,
  ``key``, ``value``, ``attention_output``; ``gate`` too with ``use_gate``), each
  an einsum whose kernel has the input's last axis and the heads:

  - query: kernel (d_query, heads, key_dim), bias (heads, key_dim);
  - key: kernel (d_key, heads, key_dim), bias (heads, key_dim);
  - value: kernel (d_value, heads, value_dim), bias (heads, value_dim);
  - attention_output: kernel (heads, value_dim, *out), bias (*out), where ``out``
    is ``output_shape`` or the query's last axis.

  Building also makes a ``Softmax`` and a ``Dropout`` sublayer, which take the
  automatic names ``softmax`` and ``dropout`` (Keras' counters move on).
  Output: the query's shape with its last axis replaced by ``out``; attention
  scores (``return_attention_scores=True``): ``(batch, heads, T, T)`` with T the
  query's axis 1 (Keras' symbolic shape uses the query's length twice).
* ``GroupQueryAttention`` (class ``GroupedQueryAttention``): query kernel
  (d, num_query_heads, head_dim), key/value kernels (d, num_key_value_heads,
  head_dim), output kernel (num_query_heads, head_dim, d).
* ``Attention`` (dot product / concat) on ``[query, value(, key)]``: weights only
  ``scale`` () with ``use_scale`` and ``concat_score_weight`` () with
  ``score_mode="concat"``. ``AdditiveAttention``: ``scale`` (d_query,).
"""

from __future__ import annotations

import math

from ..core import cost
from ..core import tf_flops
from ..core.cost import POSITIONS, Factor, factor
from ..core.explain import NO_PARAMS, OUTPUT_SHAPE, PARAMS, Step, Text, num, shape_text
from ..core.layer import Layer
from .core import einsum_shapes
from ..core.naming import auto_name


# ---------------------------------------------------------------------- einsum projections
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _projection_equation(free_dims: int, bound_dims: int, output_dims: int):
    """The einsum of an attention projection: ``(equation, bias axes, output rank)``.

    Input axes: ``free_dims`` kept axes then ``bound_dims`` contracted ones; the kernel
    has the contracted axes then ``output_dims`` new ones, which the output appends.
    """
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims:free_dims + bound_dims]
    new = _LETTERS[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{new}->{free}{new}", new, free_dims + output_dims


def _partial_output(output_rank: int, known_last_dims) -> list:
    """The projection's declared output shape (batch excluded): unknown axes then the known ones."""
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)


def _einsum_shapes(equation: str, bias_axes, input_shape, partial_output):
    """Kernel shape, bias shape (None without bias) and output shape of a projection: the
    shapes Keras' ``EinsumDense`` derives (one rule, :func:`nncalc.layers.core.einsum_shapes`)."""
    kernel, bias, output = einsum_shapes(equation, bias_axes, tuple(input_shape), partial_output)
    return tuple(kernel), (None if bias is None else tuple(bias)), tuple(output)


class _Projection(Layer):
    """An ``EinsumDense`` sublayer reduced to what nncalc needs: its weights and output shape."""

    def __init__(self, equation, partial_output, bias_axes, name, dtype):
        super().__init__(name=name, dtype=dtype)
        self.equation = equation
        self.partial_output = list(partial_output)
        self.bias_axes = bias_axes

    def build(self, input_shape):
        kernel, bias, _ = _einsum_shapes(self.equation, self.bias_axes, input_shape, self.partial_output)
        self.kernel = self.add_weight(name="kernel", shape=kernel)
        self.bias = self.add_weight(name="bias", shape=bias) if bias is not None else None
        self.built = True

    def compute_output_shape(self, input_shape):
        return _einsum_shapes(self.equation, self.bias_axes, input_shape, self.partial_output)[2]

    def compute_cost(self, input_shape, output_shape=None):
        """MACs = kept positions × contracted inputs × kernel outputs (one product per einsum letter,
        batch excluded); FLOPs = 2 × MACs + a bias add per output element."""
        inputs, rest = self.equation.split(",")
        kernel_letters, out_letters = rest.split("->")
        sizes = dict(zip(inputs, input_shape))
        sizes.update(zip(kernel_letters, self.kernel.shape))
        kept = [sizes[c] for c in inputs[1:] if c in out_letters]
        bound = [sizes[c] for c in inputs if c not in out_letters]
        new = [sizes[c] for c in kernel_letters if c not in inputs]
        factors = ([factor(tuple(kept), POSITIONS)] if kept else []) + [
            factor(tuple(bound), Text("inputs", "个输入")), factor(tuple(new), Text("outputs", "个输出"))]
        terms = [cost.macs(Text(f"{self.name} projection", f"{self.name} 投影"), *factors)]
        if self.bias is not None:
            out = [sizes[c] for c in out_letters[1:]]
            terms.append(cost.flops(Text(f"{self.name} bias add", f"{self.name} 加偏置"),
                                    factor(tuple(out), cost.ELEMENTS)))
        return cost.Cost(terms)

    def tf_flops(self, input_shape, output_shape=None):
        """TF profiler: as EinsumDense: MatMul / BatchMatMulV2 = 2 × product of the einsum's dims when Keras
        rewrites the equation to tf.matmul (else 0), + the bias add (BiasAdd or AddV2) per output element."""
        out = tf_flops.einsum_output_shape(self.equation, input_shape, self.kernel.shape)
        result = tf_flops.einsum_ops(self.equation, input_shape, self.kernel.shape)
        if self.bias is not None:
            result = tf_flops.add_ops(result, {tf_flops.keras_add_op(out, self.bias.shape): tf_flops.dims(out)})
        return result


class _Softmax(Layer):
    """The softmax sublayer attention builds (no weights; it takes the name ``softmax``)."""

    def __init__(self, dtype):
        super().__init__(name=auto_name("Softmax"), dtype=dtype)
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape


class _Dropout(Layer):
    """The dropout sublayer attention builds (name ``dropout``); checks the rate as Keras' Dropout."""

    def __init__(self, rate, dtype):
        super().__init__(name=auto_name("Dropout"), dtype=dtype)
        if not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value between 0 "
                f"and 1. Received: rate={rate}"
            )
        self.rate = rate
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape


# ---------------------------------------------------------------------- shared explanation
def _factors(shape) -> str:
    return " × ".join(num(d) for d in shape) or "1"


class _CallExplained(Layer):
    """A layer whose shape explanation needs every argument of its call (not just the first)."""

    def explain_for_call(self, *args, **kwargs) -> list[Step]:
        return self.explain_shape(*args, **kwargs)


def _output_and_scores_steps(out, scores, out_step: Step, score_step: Step) -> list[Step]:
    """First step: both outputs; then how each comes about."""
    both = [out, scores]
    first = Step("shape", OUTPUT_SHAPE, f"[{shape_text(out)}, {shape_text(scores)}]", both,
                 Text("attention output, then attention scores", "注意力输出，然后是注意力分数"))
    return [first, out_step, score_step]


# ---------------------------------------------------------------------- multi-head layers
class _ProjectedAttention(_CallExplained):
    """What MultiHeadAttention and GroupedQueryAttention share: projection sublayers and their explanation.

    ``self._projections`` lists ``(sublayer, kernel axis names, bias axis names, rule)``
    in Keras' order; names are ``Text`` per axis, used when the weight ranks match.
    """

    weight_names_zh = {"kernel": "权重", "bias": "偏置"}

    def _init_sublayers(self):
        self._projections = []

    def _add_projection(self, equation, partial_output, bias_axes, name, input_shape, kernel_names, bias_names):
        layer = _Projection(equation, partial_output, bias_axes if self._bias else None, name, self.dtype_policy)
        layer.build(input_shape)
        for w in layer.weights:
            w.path = f"{self.name}/{name}/{w.name}"
        self._layers.append(layer)
        self._projections.append((layer, kernel_names, bias_names))
        return layer

    def _add_softmax_and_dropout(self, rate):
        self._softmax = _Softmax(self.dtype_policy)
        self._layers.append(self._softmax)
        self._dropout_layer = _Dropout(rate, self.dtype_policy)
        self._layers.append(self._dropout_layer)

    def build_for_call(self, query, value, key=None, **kwargs):
        self.build(query, value, key)

    def output_shape_for_call(self, query, value, key=None, return_attention_scores=False, **kwargs):
        out = self.compute_output_shape(query, value, key)
        if return_attention_scores:
            return [out, self._scores_shape(query, value, key)]
        return out

    def _projection_cost(self, name, shape) -> list:
        layer = next(p[0] for p in self._projections if p[0].name == name)
        return layer.compute_cost(shape).terms

    def _cost(self, query, value, key, heads_q, kd, vd, attn, return_attention_scores):
        """Projections, then the attention products (see ``cost_for_call``), then the output projection."""
        query, value = tuple(query), tuple(value)
        key = value if key is None else tuple(key)
        terms = []
        if self._has_gate():
            terms += self._projection_cost("gate", query)
        terms += self._projection_cost("query", query)
        terms += self._projection_cost("key", key)
        terms += self._projection_cost("value", value)
        pq = query[:-1] + (heads_q, kd)
        pk = key[:-1] + (heads_q, kd)  # GQA repeats its key/value heads to the query heads (a copy)
        pv = value[:-1] + (heads_q, vd)
        fused = not (self._dropout_rate() > 0.0 or return_attention_scores or len(pq) != 4)
        if fused:
            attn = (1,)  # dot_product_attention: "BTNH,BSNH->BNTS" whatever the axes
        terms += _attention_core_terms(pq, pk, pv, attn, fused, self._KEY_WORD, self._VALUE_WORD)
        context = pq[:-1] + (vd,)
        if self._has_gate():
            terms.append(cost.flops(Text("gate multiply", "乘以门控"), factor(tuple(context[1:]), cost.ELEMENTS)))
        terms += self._projection_cost("attention_output", context)
        return cost.Cost(terms, note=Text("masks select values (no arithmetic); dropout does nothing in "
                                          "inference", "掩码只选择数值（无算术）；推理时 dropout 不做运算"))

    def _projection_step(self, layer, kernel_names, bias_names) -> Step:
        kernel, bias = layer.kernel, layer.bias
        formula = _factors(kernel.shape) + (f" + {_factors(bias.shape)}" if bias is not None else "")
        size = kernel.size + (bias.size if bias is not None else 0)
        label = Text(f"{layer.name}: kernel {shape_text(kernel.shape)}"
                     + (f" + bias {shape_text(bias.shape)}" if bias is not None else ""),
                     f"{layer.name} 投影：权重 kernel {shape_text(kernel.shape)}"
                     + (f" + 偏置 bias {shape_text(bias.shape)}" if bias is not None else ""))
        if len(kernel_names) == len(kernel.shape) and (bias is None or len(bias_names) == len(bias.shape)):
            en = " × ".join(n.en for n in kernel_names)
            zh = " × ".join(n.zh for n in kernel_names)
            if bias is not None:
                en += " + " + " × ".join(n.en for n in bias_names) + " (bias)"
                zh += " + " + " × ".join(n.zh for n in bias_names) + "（偏置）"
            rule = Text(en, zh)
        else:
            rule = Text("kernel size" + (" + bias size" if bias is not None else ""),
                        "权重个数" + (" + 偏置个数" if bias is not None else ""))
        if not (kernel.trainable and self.trainable):
            rule = Text(rule.en + "; not trainable", rule.zh + "；不可训练")
        return Step("weight", label, formula, size, rule)

    def explain_params(self) -> list[Step]:
        if not self.built:
            return []
        steps = [self._projection_step(*p) for p in self._projections]
        names = [p[0].name for p in self._projections]
        total = Step("params", PARAMS, " + ".join(num(s.value) for s in steps), self.count_params(),
                     Text("the sum of the " + ", ".join(names) + " projections (each an einsum kernel + bias)",
                          "、".join(names) + " 各投影（einsum 权重 + 偏置）的参数之和"))
        return [total] + steps


_SCORES = Text("scores", "个分数")


def _attention_core_terms(pq, pk, pv, attn, fused, key_word, value_word) -> list:
    """QKᵀ, the scale, softmax and AV of projected query/key/value shapes (batch axis first).

    ``attn``: the attention axes of the projected tensors (the other axes but the last are
    shared, heads included). ``fused``: Keras' ``dot_product_attention`` path, which scales the
    scores; otherwise the projected query is scaled before QKᵀ.
    """
    rank = len(pq)
    heads_axis = rank - 2
    shared = [i for i in range(1, rank - 1) if i not in attn]
    q_pos = factor(tuple(pq[a] for a in attn), Text("query positions", "个 query 位置"))
    k_pos = factor(tuple(pk[a] for a in attn), Text("key positions", "个 key 位置"))
    common = [q_pos, k_pos]
    others = [pq[i] for i in shared if i != heads_axis]
    if others:
        common.append(factor(tuple(others), Text("positions on the other axes", "个其他轴位置")))
    if heads_axis in shared:
        common.append(factor(pq[heads_axis], Text("heads", "个头")))
    values = [f.value for f in common]
    scores = [Factor(None if None in values else math.prod(values), " × ".join(f.text for f in common), _SCORES)]
    terms = [cost.macs(Text("QKᵀ scores", "QKᵀ 打分"), *common, factor(pq[-1], key_word))]
    scale = f"1/√{key_word.en}"
    if fused:
        terms.append(cost.flops(Text(f"scale the scores by {scale}", f"分数乘以 {scale}"), *scores))
    else:
        terms.append(cost.flops(Text(f"scale the query by {scale}", f"query 乘以 {scale}"),
                                factor(tuple(pq[1:]), cost.ELEMENTS)))
    terms.append(cost.flops(Text("softmax (exp, sum, divide)", "softmax（指数、求和、除法）"), *scores,
                            Factor(3, "3", Text("per score", "每个分数"))))
    terms.append(cost.macs(Text("scores · V", "分数 · V"), *common, factor(pv[-1], value_word)))
    return terms


_HEADS = Text("num_heads", "头数 num_heads")
_KEY_DIM = Text("key_dim", "key_dim")
_VALUE_DIM = Text("value_dim", "value_dim")
_Q_FEATURES = Text("query features", "query 特征数")
_K_FEATURES = Text("key features", "key 特征数")
_V_FEATURES = Text("value features", "value 特征数")


def _tf_attention_core(t, s, h, kd, vd, explicit) -> dict:
    """TF profiler count of MultiHeadAttention's / GroupQueryAttention's core (3-D inputs, H query heads;
    GQA's repeated key/value heads cost nothing but Mul 2, the scalar shape arithmetic of two ops.repeat,
    added by the caller). Default path (ops.dot_product_attention): its einsums are Einsum ops (0), Mul
    H·T·S (logit scale) + Softmax 5·H·T·S. ``explicit`` (dropout > 0 or return_attention_scores): Mul
    T·H·K (query scale) + BatchMatMulV2 2·H·T·S·K + Softmax 5·H·T·S + BatchMatMulV2 2·H·T·S·V."""
    if explicit:
        return tf_flops.ops(("Mul", t * h * kd), ("BatchMatMulV2", 2 * h * t * s * kd),
                            ("Softmax", 5 * h * t * s), ("BatchMatMulV2", 2 * h * t * s * vd))
    return tf_flops.ops(("Mul", h * t * s), ("Softmax", 5 * h * t * s))


def _tf_mask_ops(t, s, use_causal_mask, attention_mask, sliding_window, explicit) -> dict:
    """TF profiler count of the masks of MultiHeadAttention / GroupQueryAttention (T·S each, not per head):
    use_causal_mask alone, on the default path, goes to the backend's causal kernel (0); with an
    attention_mask, a sliding_window or on the explicit path, the causal mask is built (cumsums, 0) and
    compared: GreaterEqual T·S; sliding_window: Sub T·S + Less T·S (|row − col| < window; Abs 0).
    Combining and applying masks (LogicalAnd, Cast, SelectV2) is 0."""
    ts = t * s
    result = {}
    if use_causal_mask and (attention_mask or sliding_window is not None or explicit):
        result = tf_flops.ops(("GreaterEqual", ts))
    if sliding_window is not None:
        result = tf_flops.add_ops(result, tf_flops.ops(("Sub", ts), ("Less", ts)))
    return result


class MultiHeadAttention(_ProjectedAttention):
    """Multi-head attention: query/key/value projections, scaled dot products, output projection."""

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, use_gate=False, seed=None, **kwargs):
        if not isinstance(num_heads, int) or num_heads <= 0:
            raise ValueError("Received an invalid value for argument `num_heads`, expected a positive "
                             f"integer. Received: num_heads={num_heads}")
        if not isinstance(key_dim, int) or key_dim <= 0:
            raise ValueError("Received an invalid value for argument `key_dim`, expected a positive "
                             f"integer. Received: key_dim={key_dim}")
        if value_dim is not None and (not isinstance(value_dim, int) or value_dim <= 0):
            raise ValueError("Received an invalid value for argument `value_dim`, expected a positive "
                             f"integer or `None`. Received: value_dim={value_dim}")
        super().__init__(**kwargs)
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._bias = use_bias
        self._use_gate = use_gate
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ValueError(f"Invalid `output_shape`: {output_shape}. When specified, the "
                                 "`output_shape` should be of type tuple, list, or int.") from None
        self._output_shape = output_shape
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError("`attention_axes` must be an int, list, or tuple."
                             f"Received: attention_axes={attention_axes}")
        self._attention_axes = attention_axes
        if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError("`sliding_window` must be `None` or a positive integer. "
                             f"Received: sliding_window={sliding_window}")
        self._sliding_window = sliding_window
        self._flash_attention = flash_attention
        self.seed = seed
        if self._flash_attention and self._dropout > 0.0:
            raise ValueError("Dropout is not supported when flash attention is enabled. "
                             "Please set dropout to 0.0 to use flash attention.")
        self._init_sublayers()

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._bias)
    attention_axes = property(lambda self: self._attention_axes)

    @staticmethod
    def _check_key(value_shape, key_shape):
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}"
            )

    def _input_projection(self, name, shape, known, kernel_names, bias_names):
        equation, bias_axes, rank = _projection_equation(len(shape) - 1, 1, 2)
        return self._add_projection(equation, _partial_output(rank - 1, known), bias_axes, name, shape,
                                    kernel_names, bias_names), rank

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self._check_key(value_shape, key_shape)
        heads, kd, vd = self._num_heads, self._key_dim, self._value_dim
        query, _ = self._input_projection("query", query_shape, [heads, kd],
                                          [_Q_FEATURES, _HEADS, _KEY_DIM], [_HEADS, _KEY_DIM])
        self._input_projection("key", key_shape, [heads, kd], [_K_FEATURES, _HEADS, _KEY_DIM], [_HEADS, _KEY_DIM])
        if self._use_gate:
            self._input_projection("gate", query_shape, [heads, vd],
                                   [_Q_FEATURES, _HEADS, _VALUE_DIM], [_HEADS, _VALUE_DIM])
        _, rank = self._input_projection("value", value_shape, [heads, vd],
                                         [_V_FEATURES, _HEADS, _VALUE_DIM], [_HEADS, _VALUE_DIM])
        self._check_attention_axes(rank)
        self._add_softmax_and_dropout(self._dropout)
        if self._output_shape:
            out = list(self._output_shape)
            out_names = [Text(f"output_shape[{i}]", f"output_shape[{i}]") for i in range(len(out))]
        else:
            out = [query_shape[-1]]
            out_names = [Text("query features", "query 特征数")]
        equation, bias_axes, rank = _projection_equation(len(query_shape) - 1, 2, len(out))
        projected = list(query.compute_output_shape(query_shape))
        projected[-1] = vd
        self._add_projection(equation, _partial_output(rank - 1, out), bias_axes, "attention_output",
                             tuple(projected), [_HEADS, _VALUE_DIM] + out_names, out_names)
        self.built = True

    def _check_attention_axes(self, rank):
        """Keras deletes the attention axes and the last axis from ``range(rank)`` (numpy's bounds)."""
        if self._attention_axes is None:
            axes = tuple(range(1, rank - 2))
        else:
            axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
        for a in axes + (rank - 1,):
            if not isinstance(a, int) or not -rank <= a < rank:
                raise IndexError(f"index {a} is out of bounds for axis 0 with size {rank}")

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_key(value_shape, key_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def _scores_shape(self, query, value, key=None):
        return (query[0], self._num_heads, query[1], query[1])

    _KEY_WORD = _KEY_DIM
    _VALUE_WORD = _VALUE_DIM

    def _has_gate(self):
        return self._use_gate

    def _dropout_rate(self):
        return self._dropout

    def cost_for_call(self, output_shape, query, value, key=None, *args, return_attention_scores=False, **kwargs):
        """MACs = Q, K, V and output projections (einsums) + QKᵀ (T_q × T_k × heads × key_dim)
        + AV (T_q × T_k × heads × value_dim); FLOPs = 2 × MACs + projection biases + the 1/√key_dim
        scale (on the query, or on the scores in Keras' fused path: no dropout, no returned scores,
        3-d query) + softmax 3 per score (+ the gate multiply with use_gate). T_q, T_k: the
        attention axes' positions (every axis but batch and features by default)."""
        rank = len(query) + 1
        if self._attention_axes is None:
            attn = tuple(range(1, rank - 2))
        else:
            attn = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
        return self._cost(query, value, key, self._num_heads, self._key_dim, self._value_dim,
                          attn, return_attention_scores)

    def tf_flops_for_call(self, output_shape, query, value, key=None, *args, return_attention_scores=False,
                          use_causal_mask=False, attention_mask=None, **kwargs):
        """TF profiler (T query and S key positions, H heads, K key_dim, V value_dim): the projections
        as EinsumDense (with use_gate: + the gate projection and Mul T·H·V for output × gate); then
        :func:`_tf_attention_core` (3-D inputs) or, for inputs of rank > 3 (projections and core einsums
        of rank ≥ 5 are not on Keras' matmul list: 0), Mul P·H·K (query scaling, P = query positions)
        + the softmax on M = H·P·S' scores (S' = key positions on the attention axes): Softmax 5·M on one
        attention axis, else log-sum-exp (Sub 2M + Sum (M − H·P) + Log H·P + AddV2 H·P). Masks: see
        :func:`_tf_mask_ops`."""
        query, value = tuple(query), tuple(value)
        key = value if key is None else tuple(key)
        proj = {p[0].name: p[0] for p in self._projections}
        h, kd, vd = self._num_heads, self._key_dim, self._value_dim
        if self._flash_attention:  # Keras' TF backend rejects flash attention
            return tf_flops.not_modelled("MultiHeadAttention(flash_attention=True)")
        result = tf_flops.add_ops(proj["query"].tf_flops(query), proj["key"].tf_flops(key),
                                  proj["value"].tf_flops(value))
        if len(query) > 3:
            if self._use_gate or self._sliding_window:
                return tf_flops.not_modelled("MultiHeadAttention on inputs of rank > 3 with use_gate or sliding_window")
            rank = len(query)
            axes = tuple(range(1, rank - 1)) if self._attention_axes is None else tuple(
                a % rank for a in self._attention_axes)
            p = tf_flops.dims(query[1:-1], "a query axis")
            kept = h * p
            m = kept * tf_flops.dims([key[a] for a in axes], "a key axis")
            if len(axes) == 1:
                soft = tf_flops.ops(("Softmax", 5 * m))
            else:
                soft = tf_flops.ops(("Sub", 2 * m), ("Sum", m - kept), ("Log", kept), ("AddV2", kept))
            return tf_flops.add_ops(result, tf_flops.ops(("Mul", p * h * kd)), soft,
                                    proj["attention_output"].tf_flops(tuple(query[:-1]) + (h, vd)))
        t, s = tf_flops.dims((query[1],), "the query length"), tf_flops.dims((key[1],), "the key length")
        if self._use_gate:
            result = tf_flops.add_ops(result, proj["gate"].tf_flops(query), tf_flops.ops(("Mul", t * h * vd)))
        explicit = self._dropout > 0.0 or return_attention_scores
        core = _tf_attention_core(t, s, h, kd, vd, explicit)
        masks = _tf_mask_ops(t, s, use_causal_mask, attention_mask is not None, self._sliding_window, explicit)
        return tf_flops.add_ops(result, core, masks, proj["attention_output"].tf_flops((None, t, h, vd)))

    def explain_shape(self, query, value=None, key=None, return_attention_scores=False, **kwargs):
        query_shape, value_shape = query, value
        out = self.compute_output_shape(query_shape, value_shape, key)
        if self._output_shape:
            rule = Text(f"the query's shape with its last axis ({num(query_shape[-1])}) replaced by "
                        f"output_shape {shape_text(self._output_shape)}",
                        f"query 的形状，最后一维（{num(query_shape[-1])}）换成 output_shape "
                        f"{shape_text(self._output_shape)}")
        else:
            rule = Text(f"same as the query: attention_output projects back to the query's "
                        f"{num(query_shape[-1])} features",
                        f"与 query 形状相同：attention_output 投影回 query 的 {num(query_shape[-1])} 个特征")
        out_step = Step("shape", Text("attention output", "注意力输出") if return_attention_scores else OUTPUT_SHAPE,
                        f"{shape_text(query_shape)} → {shape_text(out)}", out, rule)
        if not return_attention_scores:
            return [out_step]
        scores = self._scores_shape(query_shape, value_shape, key)
        score_step = Step(
            "shape", Text("attention scores", "注意力分数"),
            f"(batch, num_heads, T, T) = {shape_text(scores)}", scores,
            Text("batch, heads, then the query's axis 1 (T) twice, as Keras' symbolic shape gives it",
                 "批大小、头数，再两次取 query 的第 1 维（T），与 Keras 的符号形状一致"))
        return _output_and_scores_steps(out, scores, out_step, score_step)


class GroupedQueryAttention(_ProjectedAttention):
    """Grouped-query attention: ``num_key_value_heads`` key/value heads shared by groups of query heads."""

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, use_gate=False,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError("`num_query_heads` must be divisible by `num_key_value_heads`.")
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self._bias = use_bias
        self.use_gate = use_gate
        if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError("`sliding_window` must be `None` or a positive integer. "
                             f"Received: sliding_window={sliding_window}")
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention
        self.seed = seed
        # Keras computes 1/sqrt(head_dim) here: head_dim 0 or negative fails as it does there.
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        if self._flash_attention and self.dropout > 0.0:
            raise ValueError("Dropout is not supported when flash attention is enabled. "
                             "Please set dropout to 0.0 to use flash attention.")
        self._init_sublayers()

    use_bias = property(lambda self: self._bias)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self.feature_dim = query_shape[-1]
        nq, nkv, hd = self.num_query_heads, self.num_key_value_heads, self.head_dim
        qh = Text("num_query_heads", "查询头数 num_query_heads")
        kvh = Text("num_key_value_heads", "键值头数 num_key_value_heads")
        hdn = Text("head_dim", "head_dim")
        self._add_projection("bqm,muh->bquh", [None, nq, hd], "uh", "query", query_shape,
                             [_Q_FEATURES, qh, hdn], [qh, hdn])
        self._add_projection("bkm,mvh->bkvh", [None, nkv, hd], "vh", "key", key_shape,
                             [_K_FEATURES, kvh, hdn], [kvh, hdn])
        if self.use_gate:
            self._add_projection("bqm,muh->bquh", [None, nq, hd], "uh", "gate", query_shape,
                                 [_Q_FEATURES, qh, hdn], [qh, hdn])
        self._add_projection("bkm,mvh->bkvh", [None, nkv, hd], "vh", "value", value_shape,
                             [_V_FEATURES, kvh, hdn], [kvh, hdn])
        self._add_softmax_and_dropout(self.dropout)
        self._add_projection("bquh,uhm->bqm", [None, self.feature_dim], "m", "attention_output",
                             (None, None, nq, hd), [qh, hdn, _Q_FEATURES], [_Q_FEATURES])
        self.built = True

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query_shape[-1]}, {value_shape[-1]}. Received: query_shape={query_shape}, "
                f"value_shape={value_shape}"
            )
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        return query_shape

    def _scores_shape(self, query, value, key=None):
        kv_len = value[1] if key is None else key[1]
        return (query[0], self.num_query_heads, query[1], kv_len)

    _KEY_WORD = Text("head_dim", "head_dim")
    _VALUE_WORD = Text("head_dim", "head_dim")

    def _has_gate(self):
        return self.use_gate

    def _dropout_rate(self):
        return self.dropout

    def tf_flops_for_call(self, output_shape, query, value, key=None, *args, return_attention_scores=False,
                          use_causal_mask=False, attention_mask=None, **kwargs):
        """TF profiler (T query, S key positions, H query heads, head_dim K): the Q, K, V projections (and the
        gate's, with use_gate, + Mul T·H·K for output × gate) as EinsumDense, Mul 2 (the scalar shape
        arithmetic of the two ops.repeat of the key/value heads; the copies cost 0), the core as
        MultiHeadAttention's with H heads (:func:`_tf_attention_core`), the masks (:func:`_tf_mask_ops`)
        and the output projection."""
        query, value = tuple(query), tuple(value)
        key = value if key is None else tuple(key)
        if len(query) != 3 or self._flash_attention:
            return tf_flops.not_modelled("GroupQueryAttention with these arguments")
        proj = {p[0].name: p[0] for p in self._projections}
        h, hd = self.num_query_heads, self.head_dim
        t, s = tf_flops.dims((query[1],), "the query length"), tf_flops.dims((key[1],), "the key length")
        result = tf_flops.add_ops(proj["query"].tf_flops(query), proj["key"].tf_flops(key),
                                  proj["value"].tf_flops(value), tf_flops.ops(("Mul", 2)))
        if self.use_gate:
            result = tf_flops.add_ops(result, proj["gate"].tf_flops(query), tf_flops.ops(("Mul", t * h * hd)))
        explicit = self.dropout > 0.0 or return_attention_scores
        return tf_flops.add_ops(result, _tf_attention_core(t, s, h, hd, hd, explicit),
                                _tf_mask_ops(t, s, use_causal_mask, attention_mask is not None,
                                             self.sliding_window, explicit),
                                proj["attention_output"].tf_flops((None, t, h, hd)))

    def cost_for_call(self, output_shape, query, value, key=None, *args, return_attention_scores=False, **kwargs):
        """MACs = Q, K, V and output projections + QKᵀ and AV (T_q × T_k × num_query_heads × head_dim
        each; key/value heads are repeated, a copy); FLOPs = 2 × MACs + projection biases + the
        1/√head_dim scale (on the scores in Keras' fused path, else on the query) + softmax 3 per score."""
        return self._cost(query, value, key, self.num_query_heads, self.head_dim,
                          self.head_dim, (1,), return_attention_scores)

    def explain_shape(self, query, value=None, key=None, return_attention_scores=False, **kwargs):
        query_shape, value_shape = query, value
        out = self.compute_output_shape(query_shape, value_shape, key)
        out_step = Step("shape", Text("attention output", "注意力输出") if return_attention_scores else OUTPUT_SHAPE,
                        f"{shape_text(query_shape)} → {shape_text(out)}", out,
                        Text("same as the query: attention_output projects back to the query's features",
                             "与 query 形状相同：attention_output 投影回 query 的特征数"))
        if not return_attention_scores:
            return [out_step]
        scores = self._scores_shape(query_shape, value_shape or query_shape, key)
        score_step = Step(
            "shape", Text("attention scores", "注意力分数"),
            f"(batch, num_query_heads, query length, key length) = {shape_text(scores)}", scores,
            Text("one score per query head, query position and key position",
                 "每个查询头、每个 query 位置、每个 key 位置一个分数"))
        return _output_and_scores_steps(out, scores, out_step, score_step)


# ---------------------------------------------------------------------- Luong / Bahdanau attention
class Attention(_CallExplained):
    """Dot-product (Luong) attention on ``[query, value]`` or ``[query, value, key]``."""

    weight_names_zh = {"scale": "缩放系数", "concat_score_weight": "拼接打分权重"}

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if self.score_mode not in ["dot", "concat"]:
            raise ValueError("Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                             f"Received: score_mode={score_mode}")

    def _validate_inputs(self, inputs):
        name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(f"{name} layer must be called on a list of inputs, namely [query, value] "
                             f"or [query, value, key]. Received: inputs={inputs}.")
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] "
                             f"or [query, value, key]. Received length: {len(inputs)}.")

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=())
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=())
        self.built = True

    def compute_output_shape(self, input_shape):
        query_shape, value_shape = input_shape[0], input_shape[1]
        return (*query_shape[:-1], value_shape[-1])

    def output_shape_for_call(self, inputs, mask=None, training=None, return_attention_scores=False,
                              use_causal_mask=False):
        self._validate_inputs(inputs)
        out = self.compute_output_shape(inputs)
        if return_attention_scores:
            return [out, self._scores_shape(inputs)]
        return out

    @staticmethod
    def _scores_shape(inputs):
        key = inputs[2] if len(inputs) > 2 else inputs[1]
        return (*inputs[0][:-1], key[-2])

    def cost_for_call(self, output_shape, inputs, *args, **kwargs):
        """dot: MACs = T_q × T_k × dim (QKᵀ) + T_q × T_k × d_value (AV); FLOPs = 2 × MACs + a scale multiply
        per score (use_scale) + softmax 3 per score. concat: per score and feature an add, a multiply by
        scale (use_scale), a tanh and a sum (dim each), then × concat_score_weight per score."""
        query, value = tuple(inputs[0]), tuple(inputs[1])
        key = tuple(inputs[2]) if len(inputs) > 2 else value
        pairs = [factor(tuple(query[1:-1]), Text("query positions", "个 query 位置")),
                 factor(key[-2], Text("key positions", "个 key 位置"))]
        values = [f.value for f in pairs]
        scores = Factor(None if None in values else math.prod(values), " × ".join(f.text for f in pairs), _SCORES)
        features = factor(query[-1], Text("features", "个特征"))
        terms = self._score_terms(pairs, scores, features)
        terms.append(cost.flops(Text("softmax (exp, sum, divide)", "softmax（指数、求和、除法）"), scores,
                                Factor(3, "3", Text("per score", "每个分数"))))
        terms.append(cost.macs(Text("scores · value", "分数 · value"), *pairs,
                               factor(value[-1], Text("value features", "个 value 特征"))))
        return cost.Cost(terms, note=Text("masks select values (no arithmetic); dropout does nothing in "
                                          "inference", "掩码只选择数值（无算术）；推理时 dropout 不做运算"))

    def tf_flops_for_call(self, output_shape, inputs, *args, use_causal_mask=False, return_attention_scores=False,
                          **kwargs):
        """TF profiler (T query, S key positions, d features, dv value features): dot: BatchMatMulV2 2·T·S·d
        + Softmax 5·T·S + BatchMatMulV2 2·T·S·dv (+ Mul T·S with use_scale; + GreaterEqual T·S + Sub T·S
        with use_causal_mask); concat (and AdditiveAttention): AddV2 T·S·d + [Mul T·S·d (additive)] +
        Sum (T·S·d - T·S) + [Mul T·S (concat)] + Softmax 5·T·S + BatchMatMulV2 2·T·S·dv; tanh 0.
        return_attention_scores changes nothing (the scores are computed anyway); dot on inputs of rank > 3:
        T·S becomes B·T·S (B = product of the leading axes, batch axes of the matmuls)."""
        query, value = tuple(inputs[0]), tuple(inputs[1])
        key = tuple(inputs[2]) if len(inputs) > 2 else value
        is_dot = not (type(self).__name__ == "AdditiveAttention"
                      or any(k.__name__ == "AdditiveAttention" for k in type(self).__mro__)
                      or self.score_mode == "concat")
        if len(query) < 3 or (len(query) > 3 and not is_dot):
            return tf_flops.not_modelled(type(self).__name__ + " with these arguments")
        # rank > 3 (dot): the leading axes are batch axes of the batched matmuls, B of them per sample.
        b = tf_flops.dims(query[1:-2], "a query axis")
        t, s = tf_flops.dims((query[-2],), "the query length"), tf_flops.dims((key[-2],), "the key length")
        d, dv = tf_flops.dims((query[-1],)), tf_flops.dims((value[-1],))
        ts = b * t * s
        result = tf_flops.ops(("Softmax", 5 * ts), ("BatchMatMulV2", 2 * ts * dv))
        if type(self).__name__ == "AdditiveAttention" or any(k.__name__ == "AdditiveAttention" for k in type(self).__mro__):
            scores = tf_flops.ops(("AddV2", ts * d), ("Mul", ts * d), ("Sum", ts * d - ts))
        elif self.score_mode == "concat":
            scores = tf_flops.ops(("AddV2", ts * d), ("Sum", ts * d - ts), ("Mul", ts))
        else:
            scores = tf_flops.ops(("BatchMatMulV2", 2 * ts * d), ("Mul", ts if self.use_scale else 0))
        if use_causal_mask:
            scores = tf_flops.add_ops(scores, tf_flops.ops(("GreaterEqual", ts), ("Sub", ts)))
        return tf_flops.add_ops(result, scores)

    def _score_terms(self, pairs, scores, features) -> list:
        if self.score_mode == "dot":
            terms = [cost.macs(Text("query · keyᵀ", "query · keyᵀ"), *pairs, features)]
            if self.use_scale:
                terms.append(cost.flops(Text("scale the scores", "分数乘以 scale"), scores))
            return terms
        per = 3 + int(self.use_scale)
        word = ("add, scale, tanh, sum" if self.use_scale else "add, tanh, sum",
                "相加、缩放、tanh、求和" if self.use_scale else "相加、tanh、求和")
        return [cost.flops(Text(f"concat scores ({word[0]})", f"拼接打分（{word[1]}）"), scores, features,
                           Factor(per, str(per), Text("per feature", "每个特征"))),
                cost.flops(Text("× concat_score_weight", "乘以 concat_score_weight"), scores)]

    def param_rule(self):
        parts_en, parts_zh = [], []
        if self.scale is not None:
            parts_en.append(self._scale_rule().en)
            parts_zh.append(self._scale_rule().zh)
        if self.concat_score_weight is not None:
            parts_en.append("score_mode='concat' adds one scalar concat_score_weight")
            parts_zh.append("score_mode='concat' 增加一个标量 concat_score_weight")
        return Text("; ".join(parts_en), "；".join(parts_zh)) if parts_en else None

    def _scale_rule(self):
        return Text("use_scale adds one scalar scale", "use_scale 增加一个标量缩放系数 scale")

    def explain_params(self):
        steps = super().explain_params()
        if steps and steps[0].rule is NO_PARAMS:
            steps[0] = Step("params", PARAMS, "0", 0,
                            Text("no weights (use_scale=False, score_mode='dot')",
                                 "无参数（use_scale=False，score_mode='dot'）"))
        return steps

    def explain_shape(self, inputs, mask=None, training=None, return_attention_scores=False,
                      use_causal_mask=False):
        out = self.compute_output_shape(inputs)
        query, value = inputs[0], inputs[1]
        out_step = Step("shape", Text("attention output", "注意力输出") if return_attention_scores else OUTPUT_SHAPE,
                        f"{shape_text(query)} → {shape_text(out)}", out,
                        Text(f"the query's shape with its last axis replaced by the value's ({num(value[-1])})",
                             f"query 的形状，最后一维换成 value 的最后一维（{num(value[-1])}）"))
        if not return_attention_scores:
            return [out_step]
        scores = self._scores_shape(inputs)
        key_name = "key" if len(inputs) > 2 else "value"
        score_step = Step(
            "shape", Text("attention scores", "注意力分数"), shape_text(scores), scores,
            Text(f"the query's shape without its last axis, then the {key_name}'s length (axis -2)",
                 f"query 去掉最后一维的形状，再加上 {key_name} 的长度（倒数第 2 维）"))
        return _output_and_scores_steps(out, scores, out_step, score_step)


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention: ``scale`` has one value per query feature."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        dim = input_shape[0][-1]
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=[dim])
        self.built = True

    def cost_for_call(self, output_shape, inputs, *args, **kwargs):
        """MACs = T_q × T_k × d_value (AV); FLOPs = 2 × MACs + per score and feature an add, a tanh,
        a scale multiply (Keras multiplies by 1.0 without use_scale) and a sum (4 × T_q × T_k × dim)
        + softmax 3 per score."""
        return super().cost_for_call(output_shape, inputs, *args, **kwargs)

    def _score_terms(self, pairs, scores, features) -> list:
        return [cost.flops(Text("additive scores (add, tanh, scale, sum)", "加性打分（相加、tanh、缩放、求和）"),
                           scores, features, Factor(4, "4", Text("per feature", "每个特征")))]

    def _scale_rule(self):
        return Text(f"use_scale: one scale per query feature ({num(self.scale.shape[0])})",
                    f"use_scale：每个 query 特征一个缩放系数（{num(self.scale.shape[0])}）")

    def explain_params(self):
        steps = Layer.explain_params(self)
        if steps and steps[0].rule is NO_PARAMS:
            steps[0] = Step("params", PARAMS, "0", 0, Text("no weights (use_scale=False)",
                                                          "无参数（use_scale=False）"))
        return steps


EXPORTS = {
    "MultiHeadAttention": MultiHeadAttention,
    "GroupQueryAttention": GroupedQueryAttention,
    "Attention": Attention,
    "AdditiveAttention": AdditiveAttention,
}
