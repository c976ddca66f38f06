"""Core layers: ``InputLayer`` / ``Input``, ``Dense``, ``EinsumDense``, ``Embedding``,
``ReversibleEmbedding``, ``Identity``, ``Masking`` and ``Lambda``.

* Embedding: ``embeddings`` (input_dim, output_dim); output shape = input shape + (output_dim,).
* EinsumDense: the kernel and bias shapes come from the equation (see :func:`einsum_shapes`).
* Lambda: nncalc runs no function, so it needs ``output_shape`` (a shape or a function of shapes).
"""

from __future__ import annotations

import math
import re
import warnings

from ..core import cost
from ..core import tf_flops
from ..core.args import activation_name
from ..core.cost import POSITIONS, Factor, factor
from ..core.explain import OUTPUT_SHAPE, Step, Text, identity_shape_steps, num, shape_text
from ..core.layer import InputSpec, Layer
from ..core.node import Node
from ..core.tensor import KerasTensor, flatten, is_shape, standardize_shape
from ..core.tracing import recording
from ..core.dtypes import standardize_dtype
from ..errors import Unsupported


PER_ELEMENT = Text("per element", "每个元素")
LOOKUP = Text("a table lookup: no arithmetic", "查表：无算术运算")


class InputLayer(Layer):
    """The entry of a functional graph: no weights, its output is the model's input tensor."""

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        ragged=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        **kwargs,
    ):
        super().__init__(name=name)
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to InputLayer: {kwargs}")
        if input_tensor is not None:
            batch_shape = input_tensor.shape
            dtype = input_tensor.dtype
        else:
            if shape is not None and batch_shape is not None:
                raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
            if batch_size is not None and batch_shape is not None:
                raise ValueError("You cannot pass both `batch_size` and `batch_shape` at the same time.")
            if shape is None and batch_shape is None:
                raise ValueError("You must pass a `shape` argument.")
            if shape is not None:
                batch_shape = (batch_size,) + standardize_shape(shape)
        self._batch_shape = standardize_shape(batch_shape)
        self._input_dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, self._input_dtype, name=name)
        self._input_tensor = input_tensor
        Node(self, (), input_tensor)
        self.built = True

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self) -> str:
        return self._input_dtype

    def compute_output_shape(self, input_shape):
        return self._batch_shape

    def explain_shape(self, input_shape):
        return []

    def compute_cost(self, input_shape, output_shape):
        """0: the model's input computes nothing."""
        return cost.free(Text("the model's input: no arithmetic", "模型输入：无算术运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (a placeholder)."""
        return {}

    def explain(self):
        explanation = super().explain()
        if self._batch_shape and self._batch_shape[0] is None:
            rule = Text("the declared input shape; the batch size is None: any batch size",
                        "声明的输入形状；批大小为 None：可为任意批大小")
        else:
            rule = Text("the declared input shape, batch axis first", "声明的输入形状，第一维为批大小")
        explanation.shape = [
            Step("shape", OUTPUT_SHAPE, shape_text(self._batch_shape), self._batch_shape, rule)
        ]
        return explanation


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
          batch_shape=None, name=None, tensor=None, optional=False):
    """``keras.Input``: a symbolic tensor, made by a new ``InputLayer``."""
    layer = InputLayer(
        shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, ragged=ragged,
        batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional,
    )
    return layer.output


def tf_lora_ops(entries: int, rank: int) -> dict:
    """TF profiler count of a LoRA kernel/table, rebuilt at every call as W + (alpha / r) · (A @ B):
    MatMul = 2 × r × E (E = entries of W; A @ B is one tf.matmul even when A has rank > 2),
    Mul = E (the scale, also when it is 1), AddV2 = E. Measured on Dense, EinsumDense, Embedding and
    Conv1D/2D/3D (tests/analysis/tf_profiler_cases.py, ``lora_*``)."""
    return tf_flops.ops(("MatMul", 2 * rank * entries), ("Mul", entries), ("AddV2", entries))


class Dense(Layer):
    """``y = activation(x · kernel + bias)`` on the last axis.

    kernel: (d_in, units); bias: (units,) if ``use_bias``.
    params = (d_in + 1) × units with a bias, d_in × units without.
    output shape = input shape with the last axis replaced by ``units``.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = activation_name(activation)
        self.use_bias = use_bias
        self.kernel_constraint = kernel_constraint
        self.lora_rank = lora_rank
        self.lora_enabled = False
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
        self.bias = self.add_weight(name="bias", shape=(self.units,)) if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_shape[-1]})
        self.built = True
        if self.lora_rank:  # LoRA: kernel frozen, lora_kernel_a (d_in, r) and lora_kernel_b (r, units)
            self.add_lora_weights(self.kernel, self.lora_rank, (input_shape[-1], self.lora_rank),
                                  (self.lora_rank, self.units), self.kernel_constraint,
                                  "kernel_constraint", "kernel")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def param_formula(self):
        d_in = self.kernel.shape[0]
        formula = f"({num(d_in)} + 1) × {num(self.units)}" if self.use_bias else f"{num(d_in)} × {num(self.units)}"
        if self.lora_enabled:
            r = self.lora_rank
            formula += f" + {num(d_in)} × {num(r)} + {num(r)} × {num(self.units)}"
        return formula

    weight_names_zh = {"kernel": "权重矩阵", "bias": "偏置",
                       "lora_kernel_a": "LoRA 低秩矩阵", "lora_kernel_b": "LoRA 低秩矩阵"}

    def param_rule(self):
        if self.use_bias:
            return Text("(input features + 1) × units: one weight per input and one bias per unit",
                        "(输入特征数 + 1) × 神经元个数：每个神经元对每个输入有一个权重，另有一个偏置")
        return Text("input features × units (no bias)", "输入特征数 × 神经元个数（无偏置）")

    def compute_cost(self, input_shape, output_shape):
        """MACs = positions × d_in × units (positions: every axis between batch and last);
        FLOPs = 2 × MACs + a bias add and the activation per output element.
        With LoRA, Keras first forms kernel + (alpha / r) · A · B: d_in × r × units MACs more."""
        d_in = input_shape[-1]
        positions = [factor(tuple(input_shape[1:-1]), POSITIONS)] if len(input_shape) > 2 else []
        terms = [cost.macs(Text("kernel products", "权重乘法"), *positions,
                           factor(d_in, Text("inputs", "个输入")), factor(self.units, Text("units", "个神经元")))]
        if self.lora_enabled:
            r = self.lora_rank
            terms.append(cost.macs(Text("LoRA A · B", "LoRA A · B"), factor((d_in, r, self.units))))
            terms.append(cost.flops(Text("LoRA scale and add", "LoRA 缩放并相加"), factor((d_in, self.units)),
                                    factor(2, Text("per kernel entry", "每个权重"))))
        if self.use_bias:
            terms.append(cost.flops(Text("bias add", "加偏置"), cost.elements(output_shape)))
        return cost.Cost(terms + cost.activation_term(self.activation, output_shape))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: MatMul = 2 × output elements × d_in (rank > 2 is reshaped to 2-D, still MatMul)
        + BiasAdd = output elements (AddV2 when units = 1) + the activation's ops (relu, sigmoid, tanh: 0;
        softmax: Softmax 5 per element). LoRA: the kernel is rebuilt on every call, kernel +
        (A @ B) × scale: MatMul 2 × r × d_in × units, Mul and AddV2 d_in × units each."""
        n = tf_flops.size(output_shape, "the output")
        d_in = tf_flops.dims((input_shape[-1],), "the input's last axis")
        add = {tf_flops.keras_add_op(tf_flops.at_batch_1(output_shape), (self.units,)): n} if self.use_bias else {}
        lora = tf_lora_ops(d_in * self.units, self.lora_rank) if self.lora_enabled else {}
        return tf_flops.add_ops(tf_flops.ops(("MatMul", 2 * n * d_in)), add, lora,
                                tf_flops.activation_ops(self.activation, n))

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return [
            Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                 Text(f"the last axis ({num(input_shape[-1])}) becomes units = {num(self.units)}",
                      f"最后一维（{num(input_shape[-1])}）变为神经元个数 units = {num(self.units)}"))
        ]


# ---------------------------------------------------------------------- weightless
class Identity(Layer):
    """Returns its input(s) unchanged: no weights, same shape(s)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def explain_shape(self, input_shape):
        if is_shape(input_shape):
            return identity_shape_steps(input_shape)
        return super().explain_shape(input_shape)

    def compute_cost(self, input_shape, output_shape):
        """0: the input is returned unchanged."""
        return cost.free(Text("returns its input unchanged", "原样返回输入"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (an Identity op)."""
        return {}


class Masking(Layer):
    """Marks timesteps whose features all equal ``mask_value`` as masked; values pass through."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def explain_shape(self, input_shape):
        return identity_shape_steps(input_shape)

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 2 per element: x != mask_value, then any() over the last axis (the masked
        positions are set to 0 by a select, no arithmetic)."""
        return cost.Cost([cost.flops(Text("compare with mask_value, any() over the last axis",
                                          "与 mask_value 比较，并在最后一维上做 any()"),
                                     cost.elements(input_shape), Factor(2, "2", PER_ELEMENT))])


# ---------------------------------------------------------------------- embeddings
def _check_dim(name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value} "
            f"(of type {type(value).__name__})."
        )


class Embedding(Layer):
    """Looks up each integer index in an (input_dim, output_dim) table.

    embeddings: (input_dim, output_dim); params = input_dim × output_dim.
    output shape = input shape + (output_dim,).
    With ``lora_rank`` r, the table is frozen and ``lora_embeddings_a`` (input_dim, r) and
    ``lora_embeddings_b`` (r, output_dim) (float32) are added.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        _check_dim("input_dim", input_dim)
        _check_dim("output_dim", output_dim)
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.")
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_constraint = embeddings_constraint
        self.mask_zero = mask_zero
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.quantization_config = quantization_config  # no effect without a quantized dtype policy
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self._check_given_weights(weights)

    def _check_given_weights(self, weights):
        """``set_weights``' checks: as many arrays as weights, each of the weight's shape."""
        own = self.weights
        if len(own) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of "
                f"length {len(weights)}, but the layer was expecting {len(own)} weights."
            )
        for weight, value in zip(own, weights):
            shape = getattr(value, "shape", None)
            if shape is None:
                raise Unsupported(f"layer '{self.name}': `weights` must be arrays with a `shape`")
            if tuple(weight.shape) != tuple(shape):
                raise ValueError(
                    f"Layer {self.name} weight shape {weight.shape} is not compatible with provided "
                    f"weight shape {tuple(shape)}."
                )

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(name="embeddings", shape=(self.input_dim, self.output_dim))
        self.built = True
        if self.lora_rank:
            self._enable_lora(self.lora_rank)

    def _enable_lora(self, rank):
        self.add_lora_weights(self.embeddings, rank, (self.input_dim, rank), (rank, self.output_dim),
                              self.embeddings_constraint, "embeddings_constraint", "embedding")

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    weight_names_zh = {"embeddings": "嵌入矩阵", "lora_embeddings_a": "LoRA 低秩矩阵",
                       "lora_embeddings_b": "LoRA 低秩矩阵", "reverse_embeddings": "反向嵌入矩阵"}

    def param_formula(self):
        formula = f"{num(self.input_dim)} × {num(self.output_dim)}"
        if self.lora_enabled:
            r = self.lora_rank
            formula += f" + {num(self.input_dim)} × {num(r)} + {num(r)} × {num(self.output_dim)}"
        return formula

    def param_rule(self):
        rule = Text("input_dim × output_dim: one vector of output_dim numbers per index",
                    "词表大小 input_dim × 嵌入维度 output_dim：每个整数索引对应一个长度为 output_dim 的向量")
        if self.lora_enabled:
            rule = Text(rule.en + "; LoRA adds input_dim × rank + rank × output_dim (the table is frozen)",
                        rule.zh + "；LoRA 另加 input_dim × rank + rank × output_dim（嵌入矩阵冻结）")
        return rule

    def _lora_terms(self) -> list:
        """Keras' ``embeddings`` property forms table + (alpha / r) · A · B at every call."""
        if not self.lora_enabled:
            return []
        r = self.lora_rank
        return [cost.macs(Text("LoRA A · B", "LoRA A · B"), factor((self.input_dim, r, self.output_dim))),
                cost.flops(Text("LoRA scale and add", "LoRA 缩放并相加"), factor((self.input_dim, self.output_dim)),
                           Factor(2, "2", Text("per table entry", "每个表项")))]

    def compute_cost(self, input_shape, output_shape):
        """0 for the lookup (a gather); ``mask_zero``: 1 compare per index (index != 0); LoRA:
        input_dim × r × output_dim MACs + 2 FLOPs per table entry (table + (alpha / r) · A · B)."""
        terms = []
        if self.mask_zero:
            terms.append(cost.flops(Text("mask: index != 0", "掩码：索引 != 0"),
                                    factor(tuple(input_shape[1:]), Text("indices", "个索引"))))
        return cost.Cost(terms + self._lora_terms(), note=LOOKUP)

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: Less + AddV2 = 1 each per index (the wrap of negative indices); the gather 0.
        LoRA: + the table rebuild, MatMul 2 × r × input_dim × output_dim + Mul and AddV2
        input_dim × output_dim each (:func:`tf_lora_ops`)."""
        n = tf_flops.size(input_shape, "the input")
        lora = tf_lora_ops(self.input_dim * self.output_dim, self.lora_rank) if self.lora_enabled else {}
        return tf_flops.add_ops(tf_flops.ops(("Less", n), ("AddV2", n)), lora)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} + ({num(self.output_dim)},)", out,
                     Text(f"each index becomes a vector of output_dim = {num(self.output_dim)} numbers",
                          f"每个整数索引变为长度为 output_dim = {num(self.output_dim)} 的向量"))]


class ReversibleEmbedding(Embedding):
    """An Embedding that can also project back: ``layer(x, reverse=True)`` gives logits.

    With ``tie_weights=False`` a separate ``reverse_embeddings`` (output_dim, input_dim) is added.
    reverse output shape = input shape with the last axis replaced by input_dim.
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 reverse_dtype=None, logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero, **kwargs)
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            if self.lora_enabled:  # Keras' enable_lora locks the layer before this weight
                raise ValueError(
                    "lora_rank with tie_weights=False: Keras enables LoRA inside build and then "
                    "cannot add `reverse_embeddings` (the layer's state is locked)"
                )
            self.add_weight(name="reverse_embeddings", shape=(self.output_dim, self.input_dim))

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return (*input_shape, self.output_dim)

    def output_shape_for_call(self, input_shape, reverse=False, **kwargs):
        return self.compute_output_shape(input_shape, reverse=reverse)

    def cost_for_call(self, output_shape, input_shape, reverse=False, **kwargs):
        """Forward: as Embedding. reverse=True: MACs = positions × output_dim × input_dim (x · tableᵀ);
        FLOPs = 2 × MACs + 3 per logit with ``logit_soft_cap`` (divide, tanh, multiply) + LoRA as Embedding."""
        if not reverse:
            return self.compute_cost(input_shape, output_shape)
        positions = [factor(tuple(input_shape[1:-1]), POSITIONS)] if len(input_shape) > 2 else []
        terms = [cost.macs(Text("logits: x · embeddingsᵀ" if self.tie_weights else "logits: x · reverse_embeddings",
                                "logits：x · 嵌入矩阵ᵀ" if self.tie_weights else "logits：x · 反向嵌入矩阵"),
                           *positions, factor(input_shape[-1], Text("inputs", "个输入")),
                           factor(self.input_dim, Text("logits", "个 logit")))]
        if self.logit_soft_cap is not None:
            terms.append(cost.flops(Text("soft cap: tanh(logits / cap) × cap", "软上限：tanh(logits / cap) × cap"),
                                    cost.elements(output_shape), Factor(3, "3", PER_ELEMENT)))
        if self.tie_weights:
            terms += self._lora_terms()
        return cost.Cost(terms)

    def tf_flops_for_call(self, output_shape, input_shape, reverse=False, **kwargs):
        """TF profiler: forward as Embedding. reverse=True: logits = inputs @ table (MatMul 2 × input elements
        × input_dim), + Mul and RealDiv 1 each per logit with logit_soft_cap (tanh 0), + the LoRA table rebuild
        (:func:`tf_lora_ops`) when the tied table has LoRA."""
        if not reverse:
            return self.tf_flops(input_shape, output_shape)
        if self.reverse_dtype is not None:
            return tf_flops.not_modelled("ReversibleEmbedding(reverse=True, reverse_dtype=...)")
        n_in = tf_flops.size(input_shape, "the input")
        n_out = tf_flops.size(output_shape, "the output")
        result = tf_flops.ops(("MatMul", 2 * n_in * self.input_dim))
        if self.logit_soft_cap is not None:
            result = tf_flops.add_ops(result, tf_flops.ops(("Mul", n_out), ("RealDiv", n_out)))
        if self.lora_enabled and self.tie_weights:
            result = tf_flops.add_ops(result, tf_lora_ops(self.input_dim * self.output_dim, self.lora_rank))
        return result

    def param_formula(self):
        formula = super().param_formula()
        if not self.tie_weights:
            formula += f" + {num(self.output_dim)} × {num(self.input_dim)}"
        return formula

    def param_rule(self):
        rule = super().param_rule()
        if self.tie_weights:
            return rule
        return Text(rule.en + "; untied: a reverse table output_dim × input_dim",
                    rule.zh + "；不共享权重：另有反向嵌入矩阵 output_dim × input_dim")

    def explain_shape(self, input_shape, reverse=False):
        if not reverse:
            return super().explain_shape(input_shape)
        out = self.compute_output_shape(input_shape, reverse=True)
        return [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                     Text(f"reverse: the last axis becomes input_dim = {num(self.input_dim)} logits",
                          f"反向：最后一维变为词表大小 input_dim = {num(self.input_dim)}（logits）"))]

    def explain(self):
        explanation = super().explain()
        if self._inbound_nodes:
            node = self._inbound_nodes[-1]
            if node.call_kwargs.get("reverse") or node.call_args[1:2] == (True,):
                explanation.shape = self.explain_shape(node.call_args[0].shape, reverse=True)
        return explanation


# ---------------------------------------------------------------------- EinsumDense
_EINSUM_FORMS = (  # (pattern on the equation with "..." written "0", the ellipsis on the left)
    (r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
    (r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
    (r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False),
)


def einsum_shapes(equation, bias_axes, input_shape, partial_output_shape):
    """(kernel shape, bias shape or None, full output shape), as Keras' EinsumDense derives them.

    The output is the batch axis, then ``output_shape``; the axes an ellipsis stands for are
    inserted after the batch axis (``...`` on the left) or appended (``...`` on the right or
    an input of higher rank than its letters). Each kernel letter takes its size from the
    output axis of the same letter, else from the input axis. The bias spans the output
    letters from the first of ``bias_axes`` on, 1 on the letters not in ``bias_axes``.
    """
    text = equation.replace("...", "0")
    for pattern, left in _EINSUM_FORMS:  # noqa: B007 (``left``: the form found, read after the loop)
        match = re.match(pattern, text)
        if match:
            break
    else:
        raise ValueError(
            f"Invalid einsum equation '{equation}'. Equations must be in the form [X],[Y]->[Z], "
            "...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
        )
    in_spec, w_spec, out_spec = match.groups()
    rank = len(input_shape)
    elided = rank - len(in_spec)
    output = [input_shape[0]] + list(partial_output_shape)
    if elided > 0:
        if left:  # Keras inserts each at position 1, so they come out in reverse order
            for i in range(1, elided):
                output.insert(1, input_shape[i])
        else:
            output.extend(input_shape[rank - elided:])
    shift_in, shift_out = (elided - rank, elided) if left else (0, 0)
    in_index = {letter: i + shift_in for i, letter in enumerate(in_spec)}
    out_index = {letter: i + shift_out for i, letter in enumerate(out_spec)}
    for letter in in_spec:
        size_in = input_shape[in_index[letter]]
        if letter in out_index:
            size_out = output[out_index[letter]]
            if size_out is not None and size_out != size_in:
                raise ValueError(
                    f"Input shape and output shape do not match at shared dimension '{letter}'. "
                    f"Input shape is {size_in}, and output shape is {size_out}."
                )
    for letter in out_spec:
        if letter not in in_spec and letter not in w_spec:
            raise ValueError(
                f"Dimension '{letter}' was specified in the output '{out_spec}' but has no "
                f"corresponding dim in the input spec '{in_spec}' or weight spec '{out_spec}'"
            )
    kernel = []
    for letter in w_spec:
        if letter in out_index:
            kernel.append(output[out_index[letter]])
        elif letter in in_index:
            kernel.append(input_shape[in_index[letter]])
        else:
            raise ValueError(
                f"Weight dimension '{letter}' did not have a match in either the input spec "
                f"'{in_spec}' or the output spec '{out_spec}'. For this layer, the weight must be "
                "fully specified."
            )
    bias = None
    if bias_axes is not None:
        offset = elided if left else 0
        sizes = {letter: output[i + offset] for i, letter in enumerate(out_spec)}
        for letter in bias_axes:
            if letter not in out_spec:
                raise ValueError(
                    f"Bias dimension '{letter}' was requested, but is not part of the output spec "
                    f"'{out_spec}'"
                )
        first = min(out_spec.find(letter) for letter in bias_axes)
        bias = [sizes[letter] if letter in bias_axes else 1 for letter in out_spec[first:]]
        if not left:
            bias.extend([1] * max(elided, 0))
    return kernel, bias, output


def einsum_axes(equation, input_shape, kernel_shape):
    """The sizes of the distinct axes of ``x · kernel`` but the batch axis, in three groups:
    (input axes kept in the output, input axes summed over, kernel-only axes).

    Their product is the number of multiply-adds of the einsum. Axes an ellipsis stands
    for are kept axes; the batch axis is the input's first axis.
    """
    text = equation.replace("...", "0")
    for pattern, left in _EINSUM_FORMS:  # noqa: B007 (``left``: the form found, read after the loop)
        match = re.match(pattern, text)
        if match:
            break
    in_spec, w_spec, out_spec = match.groups()
    elided = max(len(input_shape) - len(in_spec), 0)
    ellipsis = [("...", i) for i in range(elided)]
    labels = ellipsis + list(in_spec) if left else list(in_spec) + ellipsis
    sizes = dict(zip(labels, input_shape))
    kept, summed, new = [], [], []
    for label in labels[1:]:  # the first input axis is the batch axis
        if label[0] == "..." or label in out_spec:
            kept.append(sizes[label])
        else:
            summed.append(sizes[label])
    seen = set(in_spec)
    for letter, size in zip(w_spec, kernel_shape):
        if letter not in seen:
            seen.add(letter)
            new.append(size)
    return kept, summed, new


class EinsumDense(Layer):
    """``y = einsum(equation, x, kernel) + bias``: a Dense over any axes.

    kernel: one size per weight letter (from the output or input axis of that letter);
    bias: over the output letters from the first of ``bias_axes`` on.
    params = product of the kernel shape (+ product of the bias shape).
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None,
                 gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        self.equation = equation
        if isinstance(output_shape, int):
            self.partial_output_shape = (output_shape,)
        else:
            self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activation_name(activation)
        self.kernel_constraint = kernel_constraint
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        # Both only matter under a quantized dtype policy, which nncalc does not have.
        self.gptq_unpacked_column_size = gptq_unpacked_column_size
        self.quantization_config = quantization_config

    def _shapes(self, input_shape):
        return einsum_shapes(self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape)

    def build(self, input_shape):
        kernel_shape, bias_shape, _ = self._shapes(input_shape)
        self.input_spec = InputSpec(ndim=len(input_shape))
        self.kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape))
        self.bias = self.add_weight(name="bias", shape=tuple(bias_shape)) if bias_shape is not None else None
        self.built = True
        if self.lora_rank:
            self._enable_lora(self.lora_rank)

    def _enable_lora(self, rank):
        shape = self.kernel.shape
        self.add_lora_weights(self.kernel, rank, shape[:-1] + (rank,), (rank, shape[-1]),
                              self.kernel_constraint, "kernel_constraint", "kernel")

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Keras' ``EinsumDense.enable_lora``, on a built layer: the kernel is frozen and float32
        ``lora_kernel_a`` (kernel shape but the last axis, r) and ``lora_kernel_b`` (r, last axis)
        are added (keras_hub's ``Backbone.enable_lora`` calls it on the query and value layers)."""
        if self.kernel_constraint:
            raise ValueError("Lora is incompatible with kernel constraints. In order to enable lora on this "
                             "layer, remove the `kernel_constraint` argument.")
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        self._enable_lora(rank)
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def compute_output_shape(self, input_shape):
        """Keras' rule, which lists the axes a left ``...`` stands for in reverse order.

        Inside a traced ``call()`` Keras runs the einsum itself, so there they keep their order,
        and an output axis left ``None`` in ``output_shape`` has the size of the input axis of
        the same letter (the einsum computes it), not the size the layer was built with.
        """
        output = tuple(self._shapes(input_shape)[2])
        elided = len(input_shape) - len(self.equation.split(",")[0].replace("...", ""))
        if not recording() and self.equation.startswith("...") and elided > 2:
            output = (output[0],) + tuple(input_shape[1:elided]) + output[elided:]
        if not recording() and "..." not in self.equation:
            in_spec, out_spec = self.equation.split(",")[0], self.equation.split("->")[1]
            output = tuple(input_shape[in_spec.index(letter)] if size is None and letter in in_spec else size
                           for letter, size in zip(out_spec, output))
        return output

    weight_names_zh = {"kernel": "权重", "bias": "偏置",
                       "lora_kernel_a": "LoRA 低秩矩阵", "lora_kernel_b": "LoRA 低秩矩阵"}

    def param_formula(self):
        return " + ".join(" × ".join(num(d) for d in w.shape) or "1" for w in self.weights)

    def param_rule(self):
        spec = self.equation.split("->")[0].split(",")[-1]
        rule = Text(
            f"kernel '{spec}': each letter takes the size of the output axis with that letter, "
            "else of the input axis",
            f"权重 '{spec}'：每个字母的大小取输出中同一字母的维度，没有则取输入中的维度")
        if self.bias is not None:
            rule = Text(rule.en + f"; bias over the output axes from '{self.bias_axes}' on",
                        rule.zh + f"；偏置覆盖输出中从 '{self.bias_axes}' 起的各维")
        if self.lora_enabled:
            rule = Text(rule.en + "; LoRA adds two low-rank matrices (the kernel is frozen)",
                        rule.zh + "；LoRA 另加两个低秩矩阵（权重冻结）")
        return rule

    def compute_cost(self, input_shape, output_shape):
        """MACs = product of the sizes of all distinct einsum axes but the batch; FLOPs = 2 × MACs + a bias
        add and the activation per output element (LoRA: + kernel size × r MACs + 2 per kernel entry).

        The axes are grouped as kept (input and output), summed (input only) and kernel-only.
        With LoRA, Keras forms kernel + (alpha / r) · A · B at every call.
        """
        kernel_shape, bias_shape, out = self._shapes(input_shape)
        kept, summed, new = einsum_axes(self.equation, tuple(input_shape), kernel_shape)
        factors = []
        for sizes, word in ((kept, Text("kept positions", "个保留位置")), (summed, Text("inputs summed", "个求和输入")),
                            (new, Text("kernel outputs", "个权重输出"))):
            if sizes:
                factors.append(factor(tuple(sizes), word))
        terms = [cost.macs(Text(f"einsum '{self.equation}'", f"einsum '{self.equation}'"), *factors)]
        if self.lora_enabled:
            r = self.lora_rank
            terms.append(cost.macs(Text("LoRA A · B", "LoRA A · B"), factor(tuple(kernel_shape) + (r,))))
            terms.append(cost.flops(Text("LoRA scale and add", "LoRA 缩放并相加"), factor(tuple(kernel_shape)),
                                    Factor(2, "2", Text("per kernel entry", "每个权重"))))
        if bias_shape is not None:
            terms.append(cost.flops(Text("bias add", "加偏置"), cost.elements(output_shape)))
        return cost.Cost(terms + cost.activation_term(self.activation, output_shape))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: the einsum is MatMul / BatchMatMulV2 = 2 × product of all its dims when Keras rewrites
        the equation to tf.matmul, else an Einsum op = 0; bias: BiasAdd = output elements when the bias
        squeezes to the last axis, else AddV2; then the activation's ops. LoRA: + :func:`tf_lora_ops` of
        the kernel (E = its entries)."""
        out = tf_flops.einsum_output_shape(self.equation, input_shape, self.kernel.shape)
        n = tf_flops.dims(out)
        result = tf_flops.einsum_ops(self.equation, input_shape, self.kernel.shape)
        if self.lora_enabled:
            result = tf_flops.add_ops(result, tf_lora_ops(math.prod(self.kernel.shape), self.lora_rank))
        if self.bias is not None:
            result = tf_flops.add_ops(result, {tf_flops.keras_add_op(out, self.bias.shape): n})
        return tf_flops.add_ops(result, tf_flops.activation_ops(self.activation, n))

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        partial = shape_text(self.partial_output_shape)
        carried = len(out) > 1 + len(self.partial_output_shape)
        return [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                     Text(f"equation '{self.equation}': the batch axis, then output_shape {partial}"
                          + (", plus the input axes the equation leaves out ('...')" if carried else ""),
                          f"公式 '{self.equation}'：批维度，然后是 output_shape {partial}"
                          + ("，另加公式未写出的输入维度（'...'）" if carried else "")))]


# ---------------------------------------------------------------------- Lambda
def _lambda_with_batch(batch, spec):
    """A Lambda's ``output_shape`` (without the batch axis, possibly nested) with the batch axis."""
    if isinstance(spec, (list, tuple)) and all(d is None or isinstance(d, int) for d in spec):
        if not isinstance(spec, tuple):
            raise TypeError(f'can only concatenate tuple (not "{type(spec).__name__}") to tuple')
        return (batch,) + spec
    if isinstance(spec, dict):
        return {key: _lambda_with_batch(batch, value) for key, value in spec.items()}
    if isinstance(spec, (list, tuple)):
        return type(spec)(_lambda_with_batch(batch, s) for s in spec)
    raise TypeError(f'can only concatenate tuple (not "{type(spec).__name__}") to tuple')


def _as_shapes(result):
    """What a user's output_shape function returned, as shape tuples (Keras' reading of it)."""
    if isinstance(result, list) and result and (result[0] is None or isinstance(result[0], int)):
        result = tuple(result)
    if not isinstance(result, (list, tuple, dict)):
        try:
            result = tuple(result)
        except Exception:
            raise ValueError(
                "Method `compute_output_shape()` of layer Lambda is returning a type that cannot "
                f"be interpreted as a shape. It should return a shape tuple. Received: {result}"
            ) from None
    if isinstance(result, (list, tuple)) and all(d is None or isinstance(d, int) for d in result):
        return tuple(result)
    if isinstance(result, dict):
        return {key: _as_shapes(value) for key, value in result.items()}
    return type(result)(_as_shapes(s) for s in result)


class Lambda(Layer):
    """Wraps a function. nncalc runs no function, so the shape must come from ``output_shape``:

    * a tuple (without the batch axis): output = (batch,) + output_shape;
    * a function of the input shape (batch axis included) returning the output shape.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.arguments = arguments or {}
        self.function = function
        self.mask = mask
        self._output_shape = output_shape
        import inspect  # (here: a tenth of the start-up time if imported with the layers)

        inspect.getfullargspec(function)  # Keras' TypeError for what is not callable

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            raise Unsupported(
                f"layer '{self.name}' (Lambda): nncalc cannot run the function to infer its output "
                "shape; pass `output_shape=` (a shape without the batch axis, or a function of the "
                "input shape) to the Lambda layer"
            )
        if callable(self._output_shape):
            return _as_shapes(self._output_shape(input_shape))
        batch = flatten(input_shape)[0] if flatten(input_shape) else None
        return _lambda_with_batch(batch, self._output_shape)

    def compute_cost(self, input_shape, output_shape):
        """Unknown: the wrapped function is arbitrary Python code, which nncalc does not run."""
        return cost.Cost(unknown=Text("Lambda runs arbitrary Python code: nncalc cannot know its arithmetic",
                                      "Lambda 运行任意 Python 代码：nncalc 无法得知其运算量"))

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        text = shape_text(out) if is_shape(out) else str(out)
        if callable(self._output_shape):
            rule = Text("given by the output_shape function applied to the input shape",
                        "由 output_shape 函数作用于输入形状得出")
            formula = f"output_shape({shape_text(input_shape) if is_shape(input_shape) else input_shape})"
        else:
            rule = Text("the batch axis, then the given output_shape", "批维度，然后是给定的 output_shape")
            formula = f"(batch,) + {self._output_shape}"
        return [Step("shape", OUTPUT_SHAPE, f"{formula} = {text}", out, rule)]


class Wrapper(Layer):
    """Keras' abstract base of wrappers: it holds ``layer``, whose weights are its weights.

    Keras' own wrappers (``TimeDistributed``, ``Bidirectional``) are in recurrent.py; users
    subclass ``Wrapper`` and write ``call()`` (traced like any custom layer's). Building
    builds the wrapped layer with the wrapper's input shape, if it is not built yet. The
    base class itself has no ``call()``: called, it fails as Keras' does.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please ensure "
                "wrapped layer is a valid Keras layer."
            )
        super().__init__(**kwargs)
        self.layer = layer
        if not any(layer is known for known in self._layers):
            self._layers.append(layer)

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        self.built = True

    def compute_cost(self, input_shape, output_shape):
        """A subclass whose ``call()`` nncalc traces: the sum of the layers and operations it runs,
        as for any custom layer (``Layer.node_cost``); one whose shapes come from its own
        ``compute_output_shape`` (no trace): not counted, and said so."""
        return cost.Cost(unknown=Text(
            f"{type(self).__name__} computes what its call() does, which nncalc does not run "
            "(its shapes come from compute_output_shape)",
            f"{type(self).__name__} 的计算由其 call() 决定，nncalc 未运行它（形状来自 compute_output_shape）"))


EXPORTS = {
    "Dense": Dense, "EinsumDense": EinsumDense, "Embedding": Embedding, "Identity": Identity,
    "Input": Input, "InputLayer": InputLayer, "Lambda": Lambda, "Masking": Masking,
    "ReversibleEmbedding": ReversibleEmbedding, "Wrapper": Wrapper,
}
