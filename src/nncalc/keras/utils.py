"""``keras.utils``: what model-definition scripts call around building a model."""

from __future__ import annotations

from ._unsupported import unsupported_attribute


def set_random_seed(seed):
    """Accepted: nncalc draws no random numbers."""


def get_source_inputs(tensor):
    """The ``Input`` tensors a tensor was computed from (Keras' ``utils.get_source_inputs``)."""
    history = getattr(tensor, "_keras_history", None)
    if history is None or not history.operation._inbound_nodes:
        return [tensor]
    node = history.operation._inbound_nodes[history.node_index]
    if node.is_input:
        return list(node.output_tensors)
    sources = []
    for parent in node.input_tensors:
        for x in get_source_inputs(parent):
            if all(x is not known for known in sources):
                sources.append(x)
    return sources


def __getattr__(name: str):
    return unsupported_attribute("keras.utils", name)
