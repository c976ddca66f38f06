"""Mixtral (keras_hub ``models/mixtral``): Mistral's attention and a sparse mixture of experts.

Decoder layer: ``x + attention(norm(x))``, then ``+ moe(norm(x))``. The MoE block
(``MixtralSparseMoeBlock``) has a router ``sparse_feedforward_gate_dense`` (d, E) and an
``experts`` layer holding every expert's SwiGLU weights stacked: gate and intermediate
(E, d, f) and output (E, f, d), so params = d·E + 3·E·d·f.

keras_hub computes every expert on every token and weights the results by the router's top-k
probabilities (zero for the others): the FLOPs of the Keras model are those of all E experts,
not of the top_k a sparse implementation runs.
"""

from __future__ import annotations

from ...keras import activations, layers, ops
from ..layers.base import HubLayer, build_layer
from ..layers.rms_normalization import RMSNorm
from .backbone import Backbone
from .llama import GatedDecoder, RotaryAttention
from .task import ReversedEmbeddingLM


class MixtralLayerNormalization(RMSNorm):
    """Mixtral's RMS norm."""


class CachedMixtralAttention(RotaryAttention):
    """Mixtral's attention: Mistral's, no bias."""


class MoeExperts(HubLayer):
    """Every expert's SwiGLU MLP as stacked weights, run on all tokens:
    ``einsum(th,ehm->etm)`` for gate and up, ``einsum(eti,eih->eth)`` down. With ``fused_gate_up``
    (Qwen) gate and up are one weight (E, d, 2f), split after the product."""

    fused_gate_up = False

    def __init__(self, num_experts, hidden_dim, intermediate_dim, activation_fn="silu",
                 kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.num_experts = num_experts
        self.hidden_dim = hidden_dim
        self.intermediate_dim = intermediate_dim
        self.activation = activation_fn

    def build(self, _):
        e, d, f = self.num_experts, self.hidden_dim, self.intermediate_dim
        if self.fused_gate_up:
            self._expert_feedforward_gate_dense = self.add_weight(shape=(e, d, 2 * f), trainable=True,
                                                                  dtype=self.variable_dtype,
                                                                  name="expert_feedforward_gate_dense")
        else:
            self._expert_feedforward_gate_dense = self.add_weight(shape=(e, d, f), trainable=True,
                                                                  dtype=self.variable_dtype,
                                                                  name="expert_feedforward_gate_dense")
            self._expert_feedforward_intermediate_dense = self.add_weight(
                shape=(e, d, f), trainable=True, dtype=self.variable_dtype,
                name="expert_feedforward_intermediate_dense")
        self._expert_feedforward_output_dense = self.add_weight(shape=(e, f, d), trainable=True,
                                                                dtype=self.variable_dtype,
                                                                name="expert_feedforward_output_dense")
        self.built = True

    def call(self, hidden_states):
        """keras_hub flattens batch and sequence into tokens (``th,ehm->etm``); here the batch
        keeps its own axis (``bth,ehm->betm``) so that figures stay per sample: same arithmetic."""
        act = activations.get(self.activation)
        if self.fused_gate_up:
            gate_up = ops.einsum("bth,ehm->betm", hidden_states, self._expert_feedforward_gate_dense)
            gate, up = ops.split(gate_up, 2, axis=-1)
            hidden = up * act(gate)
        else:
            gate = ops.einsum("bth,ehm->betm", hidden_states, self._expert_feedforward_gate_dense)
            gate = ops.cast(act(ops.cast(gate, "float32")), self.compute_dtype)
            hidden = ops.einsum("bth,ehm->betm", hidden_states, self._expert_feedforward_intermediate_dense) * gate
        return ops.einsum("beti,eih->beth", hidden, self._expert_feedforward_output_dense)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_experts, *input_shape[1:-1], self.hidden_dim)


class SparseMoeBlock(HubLayer):
    """Router (d → E, softmax, top-k weights) and the expert bank, summed over experts."""

    experts_class = None  # set by subclasses
    norm_top_k_prob = True

    def __init__(self, hidden_dim, intermediate_dim, num_experts, top_k=2, **kwargs):
        super().__init__(**kwargs)
        self.hidden_dim = hidden_dim
        self.intermediate_dim = intermediate_dim
        self.num_experts = num_experts
        self.top_k = top_k

    def build(self, decoder_sequence_shape):
        self._sparse_feedforward_gate_dense = build_layer(layers.Dense(
            self.num_experts, use_bias=False, dtype=self.dtype_policy, name="sparse_feedforward_gate_dense"),
            decoder_sequence_shape)
        self.expert_bank = build_layer(self.experts_class(
            num_experts=self.num_experts, hidden_dim=self.hidden_dim, intermediate_dim=self.intermediate_dim,
            name="experts", dtype=self.dtype_policy), decoder_sequence_shape)
        self.built = True

    def experts_output(self, x):
        """Router softmax, top-k probabilities (renormalised if ``norm_top_k_prob``) spread over the
        experts, times every expert's output, summed over experts. keras_hub does this on the
        tokens flattened to (batch·seq, d); here on (batch, seq, d): the same arithmetic per token."""
        router_probs = ops.softmax(self._sparse_feedforward_gate_dense(x), axis=-1)
        top_p, top_i = ops.top_k(router_probs, k=self.top_k)
        if self.norm_top_k_prob:
            top_p = top_p / ops.sum(top_p, axis=-1, keepdims=True)
        one_hot = ops.cast(ops.one_hot(top_i, self.num_experts), top_p.dtype)
        routing = ops.transpose(ops.sum(one_hot * top_p[..., None], axis=2), (0, 2, 1))
        weighted = self.expert_bank(x) * ops.cast(routing, x.dtype)[..., None]
        return ops.sum(weighted, axis=1)

    def call(self, hidden_states, attention_mask=None, training=None):
        return self.experts_output(hidden_states)

    def compute_output_shape(self, input_shape):
        return input_shape


class MixtralMoeExperts(MoeExperts):
    pass


class MixtralSparseMoeBlock(SparseMoeBlock):
    experts_class = MixtralMoeExperts


class MoeDecoder(GatedDecoder):
    """A decoder layer whose MLP is a block (``mlp``: experts or a dense SwiGLU), built by
    :meth:`make_mlp`."""

    def make_mlp(self):
        raise NotImplementedError

    def build_feedforward(self, decoder_sequence_shape):
        self.mlp = build_layer(self.make_mlp(), decoder_sequence_shape)

    def feedforward(self, x):
        return self.mlp(x)


class MixtralTransformerDecoder(MoeDecoder):
    norm_class = MixtralLayerNormalization
    attention_class = CachedMixtralAttention

    def __init__(self, intermediate_dim, num_query_heads, num_key_value_heads, num_experts, top_k=2,
                 router_jitter_noise=0.0, output_router_logits=False, rope_max_wavelength=10000,
                 rope_scaling_factor=1.0, activation="silu", layer_norm_epsilon=1e-05, router_aux_loss_coef=0.02,
                 kernel_initializer="glorot_uniform", sliding_window=512, dropout=0, **kwargs):
        super().__init__(intermediate_dim, num_query_heads, num_key_value_heads, activation=activation,
                         layer_norm_epsilon=layer_norm_epsilon, dropout=dropout,
                         attention_options={"rope": {"max_wavelength": rope_max_wavelength,
                                                     "scaling_factor": rope_scaling_factor}}, **kwargs)
        if output_router_logits:
            from ...errors import Unsupported

            raise Unsupported("MixtralBackbone(output_router_logits=True) is not supported by nncalc yet")
        self.num_experts = num_experts
        self.top_k = top_k

    def make_mlp(self):
        return MixtralSparseMoeBlock(hidden_dim=self.hidden_dim, intermediate_dim=self.intermediate_dim,
                                     num_experts=self.num_experts, top_k=self.top_k, dtype=self.dtype_policy)


class MixtralBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_query_heads, hidden_dim, intermediate_dim, num_key_value_heads,
                 num_experts, top_k=2, router_jitter_noise=0.0, rope_max_wavelength=10000, rope_scaling_factor=1.0,
                 layer_norm_epsilon=1e-06, router_aux_loss_coef=0.02, sliding_window=512, dropout=0, dtype=None,
                 output_router_logits=False, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          tie_weights=False, dtype=dtype, name="token_embedding")
        self.transformer_layers = [
            MixtralTransformerDecoder(
                intermediate_dim=intermediate_dim, num_query_heads=num_query_heads,
                num_key_value_heads=num_key_value_heads, num_experts=num_experts, top_k=top_k,
                router_jitter_noise=router_jitter_noise, output_router_logits=output_router_logits,
                rope_max_wavelength=rope_max_wavelength, rope_scaling_factor=rope_scaling_factor,
                layer_norm_epsilon=layer_norm_epsilon, activation="silu", sliding_window=sliding_window,
                dropout=dropout, dtype=dtype, name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = MixtralLayerNormalization(epsilon=layer_norm_epsilon, dtype=dtype,
                                                    name="sequence_output_layernorm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.hidden_dim = vocabulary_size, num_layers, hidden_dim
        self.num_query_heads, self.num_key_value_heads = num_query_heads, num_key_value_heads
        self.intermediate_dim, self.num_experts, self.top_k = intermediate_dim, num_experts, top_k


class MixtralCausalLM(ReversedEmbeddingLM):
    backbone_cls = MixtralBackbone
