"""A node records one call of a layer: the tensors that went in and came out."""

from __future__ import annotations

from .tensor import KerasHistory, KerasTensor, flatten


class Node:
    """``layer(inputs) -> outputs``, once. A layer called twice (shared) has two nodes."""

    def __init__(self, operation, call_args=(), outputs=(), call_kwargs=None, inputs_keyword=False):
        self.operation = operation
        # The call's arguments as given (tensors and other values), for re-running shapes.
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        # Keras lists a node's input tensors as it flattens (args, kwargs), kwargs by sorted key: a
        # first argument passed as ``inputs=`` sorts among the keywords (``layer(inputs=x, mask=m)``
        # is connected to m, then x).
        arguments = ([(), {"inputs": self.call_args[0], **self.call_kwargs}] if inputs_keyword
                     else [self.call_args, self.call_kwargs])
        self.input_tensors: list[KerasTensor] = [x for x in flatten(arguments) if isinstance(x, KerasTensor)]
        self.outputs: list[KerasTensor] = flatten(outputs)
        operation._inbound_nodes.append(self)
        for x in self.input_tensors:
            if x._keras_history is not None:
                x._keras_history.operation._outbound_nodes.append(self)
        node_index = len(operation._inbound_nodes) - 1
        for i, tensor in enumerate(self.outputs):
            tensor._keras_history = KerasHistory(operation, node_index, i)
        self.is_input = not self.input_tensors

    @property
    def output_tensors(self) -> list[KerasTensor]:
        return self.outputs

    @property
    def parent_nodes(self) -> list["Node"]:
        """The nodes whose outputs this node consumes."""
        parents = []
        for x in self.input_tensors:
            history = x._keras_history
            if history is not None:
                parents.append(history.operation._inbound_nodes[history.node_index])
        return parents

    def __repr__(self) -> str:
        return f"<Node operation={self.operation.name}, id={id(self)}>"
