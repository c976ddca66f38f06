"""``keras_hub.layers``: keras_hub's modeling layers, imported on first use.

Each is written in this package from keras_hub's source (one module per keras_hub module);
:data:`CLASSES` says where each public name lives.
"""

from __future__ import annotations

import importlib

from ...keras._unsupported import unsupported_attribute

# public name -> module of this package that defines it
CLASSES = {
    "RotaryEmbedding": "rotary_embedding",
    "RMSNormalization": "rms_normalization",
    "PositionEmbedding": "position_embedding",
    "SinePositionEncoding": "sine_position_encoding",
    "TokenAndPositionEmbedding": "token_and_position_embedding",
    "CachedMultiHeadAttention": "cached_multi_head_attention",
    "TransformerEncoder": "transformer_encoder",
    "TransformerDecoder": "transformer_decoder",
    "MaskedLMHead": "masked_lm_head",
}


def __getattr__(name: str):
    if name == "ReversibleEmbedding":  # keras_hub's is Keras' own
        from ...keras.layers import ReversibleEmbedding

        return ReversibleEmbedding
    if name in CLASSES:
        return getattr(importlib.import_module(f"{__name__}.{CLASSES[name]}"), name)
    return unsupported_attribute("keras_hub.layers", name)


def __dir__():
    return sorted(set(globals()) | set(CLASSES) | {"ReversibleEmbedding"})
