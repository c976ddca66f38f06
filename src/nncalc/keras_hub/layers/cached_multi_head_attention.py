"""keras_hub's ``CachedMultiHeadAttention``: Keras' ``MultiHeadAttention`` with a key/value cache.

The cache only matters when generating token by token; on a whole sequence it is Keras'
layer (same weights, shapes and arithmetic), which nncalc already models.
"""

from __future__ import annotations

from ...layers.attention import MultiHeadAttention


class CachedMultiHeadAttention(MultiHeadAttention):
    pass
