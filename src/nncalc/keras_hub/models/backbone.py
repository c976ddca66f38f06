"""``keras_hub.models.Backbone``: a functional model built by its ``__init__`` from hyperparameters.

Each family's backbone (``LlamaBackbone(vocabulary_size=..., num_layers=...)``) creates its
layers, calls them on ``keras.Input`` tensors and hands inputs and outputs to the functional
model, exactly as keras_hub does, so the summary (rows, names, shapes, "Connected to") is
Keras'. ``from_preset(name)`` builds the published architecture from the preset's
configuration, shipped with nncalc as data (:mod:`.preset_utils`); weights are never read.
"""

from __future__ import annotations

from ...core.dtypes import get_policy
from ...core.functional import Functional


class classproperty:
    """A read-only property of the class (keras_hub's ``presets``)."""

    def __init__(self, getter):
        self.getter = getter

    def __get__(self, instance, owner):
        return self.getter(owner)


class Backbone(Functional):
    """The base of every family's backbone (keras_hub's ``Backbone``)."""

    def __init__(self, *args, dtype=None, **kwargs):
        super().__init__(*args, **kwargs)
        if dtype is not None:
            self._dtype_policy = get_policy(dtype)

    @property
    def token_embedding(self):
        """The layer that embeds token ids (keras_hub sets it before building the graph)."""
        return self.__dict__.get("_token_embedding")

    @token_embedding.setter
    def token_embedding(self, value):
        self._token_embedding = value

    @classproperty
    def presets(cls):
        """The built-in presets whose backbone is this class (or a subclass): name -> metadata."""
        from .preset_utils import builtin_presets

        return builtin_presets(cls)

    @classmethod
    def from_preset(cls, preset, load_weights=True, **kwargs):
        """The preset's architecture (``load_weights`` is accepted; nothing is loaded)."""
        from .preset_utils import load_backbone

        return load_backbone(cls, preset, **kwargs)

    def _build_decoder_only(self, transformer_layers, layer_norm, mask_argument="decoder_padding_mask",
                            embedding_scale=None, embed=None, inputs_keyword=False, dtype=None, **kwargs):
        """The graph of keras_hub's decoder-only backbones: ``token_ids`` → ``embed`` (default: the
        ``token_embedding``, times ``embedding_scale`` — a ``multiply`` row — if given) → each
        transformer layer, also fed the ``padding_mask`` input (as ``mask_argument``; the hidden
        states as ``inputs=`` with ``inputs_keyword``, as Falcon does) → ``layer_norm``; inputs
        ``{"token_ids", "padding_mask"}``."""
        from ...keras import ops

        token_id_input = sequence_input("token_ids")
        padding_mask_input = sequence_input("padding_mask")
        x = embed(token_id_input) if embed is not None else self.token_embedding(token_id_input)
        if embedding_scale is not None:
            x = x * ops.cast(ops.sqrt(embedding_scale), x.dtype)
        for transformer_layer in transformer_layers:
            if inputs_keyword:
                x = transformer_layer(inputs=x, **{mask_argument: padding_mask_input})
            else:
                x = transformer_layer(x, **{mask_argument: padding_mask_input})
        Backbone.__init__(self, inputs={"token_ids": token_id_input, "padding_mask": padding_mask_input},
                          outputs=layer_norm(x), dtype=dtype, **kwargs)

    def default_lora_layer_names(self):
        return ["query_dense", "value_dense", "query", "value"]

    def enable_lora(self, rank, target_layer_names=None):
        """keras_hub's ``enable_lora``: freeze every layer, then add LoRA to the layers named
        ``query``/``value`` (or ``target_layer_names``), which stay trainable. Supported where
        those are EinsumDense layers (the rotary-attention families); elsewhere (the families
        built on Keras' MultiHeadAttention) it stops with one line."""
        from ...errors import Unsupported

        if target_layer_names is None:
            target_layer_names = self.default_lora_layer_names()
        layers = list(flatten_layers(self))
        targets = [layer for layer in layers if layer.weights and layer.name in target_layer_names]
        refused = [layer.name for layer in targets if not hasattr(layer, "enable_lora")]
        if refused:
            raise Unsupported(f"{type(self).__name__}.enable_lora: LoRA on the projections of Keras' "
                              f"MultiHeadAttention ({', '.join(sorted(set(refused)))}) is not supported by nncalc yet")
        self.trainable = True
        for layer in layers:
            layer.trainable = False
        for layer in targets:
            layer.trainable = True
            layer.enable_lora(rank)


def sequence_input(name: str, dtype: str = "int32", features: tuple = ()):
    """``keras.Input(shape=(None, *features), dtype, name)``: a backbone's token input, as keras_hub
    makes it. ``nncalc summary --seq-len N`` gives the sequence axis the length N instead of None
    (so that FLOPs and activations have a value; the summary then shows N)."""
    from ... import session
    from ...keras import layers

    return layers.Input(shape=(session.analysis.sequence_length, *features), dtype=dtype, name=name)


def flatten_layers(layer):
    """Every layer under ``layer`` (not itself), depth first in tracking order, each once
    (Keras' ``_flatten_layers(include_self=False)``)."""
    seen = {id(layer)}
    stack = list(reversed(layer._layers))
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend(reversed(current._layers))
