"""keras_hub's ``RotaryEmbedding`` (RoPE) and the helpers every rotary attention shares.

RoPE rotates each pair of features of a query or key by an angle that grows with the
position: ``out = x · cos(θ) + rotate_half(x) · sin(θ)``, where ``rotate_half`` takes the
two halves (x1, x2) of the feature axis to (-x2, x1) interleaved. It has no weights and
keeps its input's shape. Per sample it costs 3 FLOPs per element (two products, one sum)
plus a negation per element of one half; the angles ``positions ⊗ inverse frequencies``
depend on the sequence only: computed on constants when the length is known, so not
counted (nncalc counts no ``keras.ops`` run on constants only), and whatever scaling a
family applies to the frequencies (linear, dynamic, YaRN, Llama 3.1) changes values only.
"""

from __future__ import annotations

from ...keras import ops
from .base import HubLayer


def positions(x, sequence_axis: int = 1):
    """The positions ``0 .. seq-1`` of ``x``'s sequence axis, as float32 of shape (seq,).

    With a known length a constant (``ops.arange``); with an unknown one a symbolic tensor of
    that (unknown) length taken from ``x`` itself, so that the trace still has the right shape.
    """
    length = x.shape[sequence_axis]
    if length is not None:
        return ops.arange(length, dtype="float32")
    index = tuple(slice(None) if axis == sequence_axis else 0 for axis in range(len(x.shape)))
    return ops.cast(x[index], "float32")


def rotate(x, cos, sin):
    """``x · cos + rotate_half(x) · sin`` over the last axis (keras_hub's ``_apply_rotary_pos_emb``)."""
    x1, x2 = ops.split(x, 2, axis=-1)
    half_rot = ops.reshape(ops.stack((-x2, x1), axis=-2), x.shape)
    return (x * cos) + (half_rot * sin)


def cos_sin(x, rotary_dim: int, sequence_axis: int = 1, batch_axis: int = 0):
    """cos and sin of the angles, shaped to broadcast against ``x`` (batch, seq, ..., rotary_dim)."""
    inverse_freq = ops.arange(0, rotary_dim, 2, dtype="float32")  # values do not matter, only shapes
    pos = ops.expand_dims(positions(x, sequence_axis), axis=0)
    freq = ops.einsum("bi,j->bij", pos, inverse_freq)
    embedding = ops.stack((freq, freq), axis=-2)
    embedding = ops.reshape(embedding, (1, x.shape[sequence_axis], rotary_dim))
    for axis in range(len(x.shape)):
        if axis not in (batch_axis, sequence_axis, len(x.shape) - 1):
            embedding = ops.expand_dims(embedding, axis)
    return ops.cos(embedding), ops.sin(embedding)


class RotaryEmbedding(HubLayer):
    """``keras_hub.layers.RotaryEmbedding``: rotary position encoding of the feature axis."""

    def __init__(self, max_wavelength=10000, scaling_factor=1.0, rope_type="linear", beta_fast=32.0,
                 beta_slow=1.0, original_max_position_embeddings=4096, truncate=True, sequence_axis=1,
                 feature_axis=-1, denominator_dim=None, **kwargs):
        super().__init__(**kwargs)
        self.max_wavelength = max_wavelength
        self.sequence_axis = sequence_axis
        self.feature_axis = feature_axis
        self.scaling_factor = scaling_factor
        self.rope_type = rope_type
        self.beta_fast = beta_fast
        self.beta_slow = beta_slow
        self.original_max_position_embeddings = original_max_position_embeddings
        self.truncate = truncate
        self.denominator_dim = denominator_dim
        self.built = True

    def _normalize_axes(self, rank: int):
        sequence_axis = self.sequence_axis + rank if self.sequence_axis < 0 else self.sequence_axis
        feature_axis = self.feature_axis + rank if self.feature_axis < 0 else self.feature_axis
        if not 0 <= sequence_axis < rank:
            raise ValueError(f"sequence_axis {self.sequence_axis} is out of range for input with rank {rank}")
        if not 0 <= feature_axis < rank:
            raise ValueError(f"feature_axis {self.feature_axis} is out of range for input with rank {rank}")
        if sequence_axis == feature_axis:
            raise ValueError("sequence_axis and feature_axis must be different")
        return sequence_axis, feature_axis

    def call(self, inputs, start_index=0, positions=None):
        rank = len(inputs.shape)
        sequence_axis, feature_axis = self._normalize_axes(rank)
        rotary_dim = inputs.shape[feature_axis]
        if rotary_dim is not None and rotary_dim % 2 != 0:
            raise ValueError(
                f"Rotary dimension must be even, got {rotary_dim}.The rotary embedding splits the feature "
                "dimension into two halves. Consider using a different feature dimension or padding.")
        moved = (sequence_axis, feature_axis) != (1, rank - 1)
        if moved:
            order = [a for a in range(rank) if a not in (sequence_axis, feature_axis)]
            order = [order[0], sequence_axis, *order[1:], feature_axis]
            inputs = ops.transpose(inputs, order)
        cos, sin = cos_sin(inputs, rotary_dim)
        output = rotate(inputs, cos, sin)
        if moved:
            inverse = [order.index(a) for a in range(rank)]
            output = ops.transpose(output, inverse)
        return output

    def compute_output_shape(self, input_shape):
        return input_shape
