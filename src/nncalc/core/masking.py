"""Keras masks in functional graphs: which calls carry a mask, and the ops that make it.

In Keras 3 a mask is a boolean symbolic tensor attached to a tensor (``_keras_mask``).
``Embedding(mask_zero=True)`` and ``Masking`` create one with ``keras.ops`` calls
(``not_equal``, ``any``...), which are nodes of the graph; layers that support masking
pass it on (or transform it); a layer whose ``call`` takes ``mask`` receives it. These
op nodes show as rows of a functional model's summary (``not_equal (NotEqual)``)
exactly when the mask reaches the node of a layer called on one tensor with no keyword
arguments (Keras adds the mask to that call's arguments, in place: ``lstm[0][0]`` is
then connected to ``dense[0][0], not_equal[0][0]``). Every op, shown or not, takes an
automatic name (``not_equal``, ``not_equal_1``...).

This module mirrors ``Layer.__call__`` steps 6-8 of ``keras/src/layers/layer.py`` and
the ``compute_mask`` of each layer class, by Keras class name.
"""

from __future__ import annotations

from .tensor import KerasTensor, flatten

# Layers whose ``call`` has a ``mask`` argument (Keras 3.15).
MASK_ARGUMENT = frozenset({
    "AdditiveAttention", "Attention", "BatchNormalization", "Bidirectional", "ConvLSTM1D",
    "ConvLSTM2D", "ConvLSTM3D", "GRU", "GlobalAveragePooling1D", "LSTM", "RNN", "SimpleRNN",
    "Softmax", "TimeDistributed", "Pipeline", "Functional", "Sequential",
})
# Layers with ``supports_masking`` (Embedding: only with ``mask_zero``).
SUPPORTS_MASKING = frozenset({
    "Activation", "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "GroupedQueryAttention",
    "MultiHeadAttention", "Dense", "Identity", "Masking", "Add", "Subtract", "Multiply",
    "Average", "Maximum", "Minimum", "Concatenate", "Dot", "BatchNormalization",
    "GroupNormalization", "LayerNormalization", "UnitNormalization", "GlobalAveragePooling1D",
    "Normalization", "Rescaling", "ActivityRegularization", "AlphaDropout", "Dropout",
    "GaussianDropout", "GaussianNoise", "Bidirectional", "RNN", "SimpleRNN", "LSTM", "GRU",
    "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "TimeDistributed", "Attention",
    "AdditiveAttention", "ReversibleEmbedding",
})
_MERGES = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
_RNNS = ("RNN", "SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")


def _kind(layer) -> str | None:
    """The first Keras class name in ``layer``'s class hierarchy that this module knows."""
    known = MASK_ARGUMENT | SUPPORTS_MASKING | {"Embedding"}
    for cls in type(layer).__mro__:
        if cls.__name__ in known:
            return cls.__name__
    return None


def get_mask(x):
    return getattr(x, "_keras_mask", None) if isinstance(x, KerasTensor) else None


def _map_masks(structure):
    if isinstance(structure, (list, tuple)):
        return type(structure)(_map_masks(s) for s in structure)
    if isinstance(structure, dict):
        return {k: _map_masks(v) for k, v in structure.items()}
    return get_mask(structure)


def _supports_masking(layer, kind) -> bool:
    explicit = getattr(layer, "supports_masking", None)
    if kind == "Embedding":
        return bool(getattr(layer, "mask_zero", False))
    if isinstance(explicit, bool) and explicit:
        return True
    return kind in SUPPORTS_MASKING


def node_mask(layer, args, kwargs):
    """The mask tensor Keras adds to the node of ``layer(*args, **kwargs)``, or None.

    Keras puts the mask into the call's own ``kwargs`` dict, which becomes the node's
    arguments, unless it had copied that dict (any keyword argument, several positional
    ones, or a first argument that is not a tensor of the layer's compute dtype).
    """
    if kwargs or len(args) != 1 or not isinstance(args[0], KerasTensor):
        return None
    if _kind(layer) not in MASK_ARGUMENT or args[0].dtype != layer.compute_dtype:
        return None
    return get_mask(args[0])


def set_output_masks(layer, args, kwargs, outputs) -> None:
    """``_set_mask_metadata``: attach the masks ``compute_mask`` gives to ``outputs``."""
    kind = _kind(layer)
    if not args or not _supports_masking(layer, kind):
        return
    first = args[0]
    if "mask" in kwargs and kwargs["mask"] is not None:
        previous = kwargs["mask"]
    else:
        previous = _map_masks(first)
    masks = compute_mask(layer, kind, first, previous, outputs)
    if masks is None:
        return
    flat_outputs = flatten(outputs)
    flat_masks = flatten(masks) if isinstance(masks, (list, tuple)) else [masks]
    for tensor, mask in zip(flat_outputs, flat_masks):
        if isinstance(tensor, KerasTensor) and mask is not None and get_mask(tensor) is None:
            tensor._keras_mask = mask


def _op(class_name: str, inputs: list, shape: tuple, *extra) -> KerasTensor:
    """Record a ``keras.ops`` call producing a boolean tensor of ``shape``."""
    from .node import Node
    from ..io.revived import Operation

    cls = _OP_CLASSES.get(class_name)
    if cls is None:
        cls = _OP_CLASSES[class_name] = type(class_name, (_MaskOperation, Operation), {
            "__doc__": f"``keras.ops`` {class_name} of a mask computation."})
    op = cls()
    op._mask_shape = tuple(shape)
    out = KerasTensor(shape, "bool")
    Node(op, tuple(inputs) + tuple(extra), [out])
    return out


_OP_CLASSES: dict = {}


class _MaskOperation:
    """Output shape fixed when the op is recorded (each mask op is called once)."""

    def compute_output_shape(self, input_shape):
        return self._mask_shape

    def output_shape_for_call(self, *args, **kwargs):
        return self._mask_shape


def _broadcast(a: tuple, b: tuple) -> tuple:
    from ..io.revived import broadcast_shapes

    return broadcast_shapes(a, b)


def compute_mask(layer, kind, inputs, mask, outputs):
    """Keras' ``compute_mask`` of ``layer`` (by class), creating op nodes as Keras does."""
    if kind == "Embedding":
        return _op("NotEqual", [inputs], inputs.shape, 0)
    if kind == "Masking":
        ne = _op("NotEqual", [inputs], inputs.shape, getattr(layer, "mask_value", 0.0))
        return _op("Any", [ne], ne.shape[:-1])
    if kind in _RNNS:
        first = flatten(mask)[0] if mask is not None else None
        out = first if getattr(layer, "return_sequences", False) else None
        if getattr(layer, "return_state", False):
            return [out] + [None] * (len(flatten(outputs)) - 1)
        return out
    if kind == "Bidirectional":
        if isinstance(mask, list):
            mask = mask[0]
        seq = getattr(layer, "return_sequences", False)
        split = not getattr(layer, "merge_mode", "concat")
        n = len(flatten(outputs))
        heads = [mask if seq else None] * (2 if split else 1)
        return heads + [None] * (n - len(heads))
    if kind in ("GlobalAveragePooling1D", "Dot"):
        return None
    if kind in _MERGES:
        if mask is None or not isinstance(mask, (list, tuple)):
            return None
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = _op("LogicalOr", [out, m], _broadcast(out.shape, m.shape))
        return out
    if kind == "Concatenate":
        if mask is None or not isinstance(mask, (list, tuple)) or all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(_op("OnesLike", [x], x.shape))
            elif len(m.shape) < len(x.shape):
                e = _op("ExpandDims", [m], m.shape + (1,))
                z = _op("ZerosLike", [x], x.shape)
                masks.append(_op("LogicalOr", [e, z], _broadcast(e.shape, z.shape)))
            else:
                masks.append(m)
        axis = getattr(layer, "axis", -1)
        rank = len(masks[0].shape)
        axis = axis % rank
        dims = [m.shape[axis] for m in masks]
        size = None if any(d is None for d in dims) else sum(dims)
        shape = masks[0].shape[:axis] + (size,) + masks[0].shape[axis + 1:]
        concatenated = _op("Concatenate", [masks], shape)
        return _op("Any", [concatenated], shape[:-1])
    if kind in ("Attention", "AdditiveAttention"):
        if mask is None or not isinstance(mask, (list, tuple)) or mask[0] is None:
            return None
        return _op("ConvertToTensor", [mask[0]], mask[0].shape)
    return mask  # Layer.compute_mask: the previous mask, unchanged
