"""Functional models: a graph of layer calls from input tensors to output tensors.

``map_graph`` orders the graph exactly as Keras does (``keras/src/ops/function.py``):
a depth-first walk back from the outputs, node depths counted from the outputs,
then layers sorted by decreasing depth and, within one depth, by the order the
walk first met them. That order is the row order of ``summary()``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..errors import ModelError, Unsupported
from .layer import Layer, map_tensors
from .model import Model
from .node import Node
from .tensor import KerasTensor, flatten, is_shape


def _build_map(outputs):
    """Nodes in topological order (inputs first) and each operation's first-visit index.

    Keras' recursive depth-first walk, with an explicit stack (a 100,000-layer chain
    would exceed Python's recursion limit): same visiting order, same results.
    """
    finished: set[int] = set()
    in_progress: set[int] = set()
    ordered: list[Node] = []
    indices: dict[object, int] = {}

    def enter(tensor: KerasTensor):
        """Start visiting ``tensor``'s node; return it, or None if there is nothing to do."""
        history = tensor._keras_history
        if history is None:
            return None
        operation = history.operation
        node = operation._inbound_nodes[history.node_index]
        if id(node) in finished:
            return None
        if id(node) in in_progress:
            raise ModelError(f"Tensor {tensor} from operation '{operation.name}' is part of a cycle.")
        indices.setdefault(operation, len(indices))
        in_progress.add(id(node))
        return node

    for output in flatten(outputs):
        node = enter(output)
        if node is None:
            continue
        stack = [(node, iter(() if node.is_input else node.input_tensors))]
        while stack:
            node, pending = stack[-1]
            for x in pending:
                child = enter(x)
                if child is not None:
                    stack.append((child, iter(() if child.is_input else child.input_tensors)))
                    break
            else:
                stack.pop()
                finished.add(id(node))
                in_progress.discard(id(node))
                ordered.append(node)
    return ordered, indices


def map_graph(inputs, outputs):
    """Return ``(nodes_by_depth, operations)`` of the graph between ``inputs`` and ``outputs``."""
    ordered, indices = _build_map(outputs)
    in_graph = set(map(id, ordered))
    node_depths: dict[Node, int] = {}
    op_depths: dict[object, int] = {}
    for node in reversed(ordered):
        depth = node_depths.setdefault(node, 0)
        depth = max(depth, op_depths.get(node.operation, 0))
        op_depths[node.operation] = depth
        node_depths[node] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depths[parent] = max(depth + 1, node_depths.get(parent, 0))
    for x in inputs:  # inputs not connected to any output still belong to the model
        operation = x._keras_history.operation
        if operation not in op_depths:
            node = operation._inbound_nodes[x._keras_history.node_index]
            if node.is_input:
                op_depths[operation] = 0
                indices[operation] = -1
                node_depths[node] = 0

    nodes_by_depth: dict[int, list[Node]] = defaultdict(list)
    for node, depth in node_depths.items():
        nodes_by_depth[depth].append(node)
    ops_by_depth: dict[int, list] = defaultdict(list)
    for operation, depth in op_depths.items():
        ops_by_depth[depth].append(operation)
    operations = []
    for depth in sorted(ops_by_depth, reverse=True):
        operations.extend(sorted(ops_by_depth[depth], key=lambda op: indices[op]))

    computable = set(map(id, inputs))
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            for x in node.input_tensors:
                if id(x) not in computable:
                    raise ModelError(
                        f"Graph disconnected: cannot find parent for tensor {x} at layer "
                        f"'{node.operation.name}': it is not computed from the model's inputs"
                    )
            computable.update(map(id, node.outputs))
    counts = Counter(op.name for op in operations)
    for op in operations:
        if counts[op.name] != 1:
            raise ModelError(
                f'The name "{op.name}" is used {counts[op.name]} times in the model. '
                "All operation names should be unique."
            )
    return dict(nodes_by_depth), operations


class Functional(Model):
    """``keras.Model(inputs, outputs)``: the layers between the inputs and the outputs."""

    def __init__(self, inputs, outputs, name=None, trainable=None, **kwargs):
        for label, structure in (("inputs", inputs), ("outputs", outputs)):
            for x in flatten(structure):
                if not isinstance(x, KerasTensor):
                    raise ModelError(
                        f"All `{label}` values must be KerasTensors. Received: {label}={structure} "
                        f"including invalid value {x} of type {type(x)}"
                    )
        Layer.__init__(self, name=name, **kwargs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs = flatten(inputs)
        self._outputs = flatten(outputs)
        if not self._inputs:
            raise ModelError(f"`inputs` argument cannot be empty. Received: inputs={inputs}")
        if not self._outputs:
            raise ModelError(f"`outputs` argument cannot be empty. Received: outputs={outputs}")
        for x in self._inputs:
            history = x._keras_history
            if history is None or not history.operation._inbound_nodes[history.node_index].is_input:
                raise Unsupported(
                    "a model whose inputs are intermediate tensors (not keras.Input tensors) "
                    f"is not supported yet: input {x.name}"
                )
        self._nodes_by_depth, self._operations = map_graph(self._inputs, self._outputs)
        if trainable is not None:
            # As in Keras, set before the layers are tracked: it does not reach into them.
            self.trainable = trainable
        # keras.ops operations revived from a config (nncalc.io.revived) are graph nodes, not layers.
        self._layers = [op for op in self._operations
                        if isinstance(op, Layer) and not getattr(op, "is_operation", False)]
        self.built = True

    # ------------------------------------------------------------------ graph
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    @property
    def operations(self) -> list[Layer]:
        return list(self._operations)

    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = map_tensors(lambda t: t.shape, self._inputs_struct)
        return shapes[0] if isinstance(shapes, list) and len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = map_tensors(lambda t: t.shape, self._outputs_struct)
        return shapes[0] if isinstance(shapes, list) and len(shapes) == 1 else shapes

    def _check_input_spec(self, inputs) -> None:
        tensors = flatten(inputs)
        if len(tensors) != len(self._inputs):
            raise ValueError(
                f'Layer "{self.name}" expects {len(self._inputs)} input(s), but it received '
                f"{len(tensors)} input tensors. Inputs received: {tensors}"
            )
        for index, (x, expected) in enumerate(zip(tensors, self._inputs)):
            got, want = tuple(x.shape), tuple(expected.shape)
            if got and got[-1] == 1:
                got = got[:-1]
            if want and want[-1] == 1:
                want = want[:-1]
            if len(got) != len(want) or any(
                a is not None and b is not None and a != b for a, b in zip(want, got)
            ):
                raise ValueError(
                    f"Input {index} of layer \"{self.name}\" is incompatible with the layer: "
                    f"expected shape={tuple(expected.shape)}, found shape={tuple(x.shape)}"
                )

    def compute_output_shape(self, input_shape):
        """Run the graph on shapes: each node's layer maps its input shapes to output shapes."""
        flat_shapes = flatten_shapes(input_shape)
        known = {id(x): shape for x, shape in zip(self._inputs, flat_shapes)}
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                if node.is_input:
                    continue
                shape_args = map_tensors(lambda t: known[id(t)], node.call_args)
                shape_kwargs = map_tensors(lambda t: known[id(t)], node.call_kwargs)
                result = node.operation.output_shape_for_call(*shape_args, **shape_kwargs)
                for tensor, shape in zip(node.outputs, flatten_shapes(result)):
                    known[id(tensor)] = shape
        return map_tensors(lambda t: known[id(t)], self._outputs_struct)

    def node_cost(self, node):
        """A nested model's cost: the sum of its own graph's calls (shapes as it was built)."""
        from .cost import total_cost

        nodes = [n for depth in sorted(self._nodes_by_depth, reverse=True) for n in self._nodes_by_depth[depth]]
        return total_cost((n.operation.node_cost(n) for n in nodes), (n.operation.name for n in nodes))

    def node_tf_flops(self, node):
        """A nested model's TF profiler count: the sum of its own graph's calls."""
        from .tf_flops import tf_total

        nodes = [n for depth in sorted(self._nodes_by_depth, reverse=True) for n in self._nodes_by_depth[depth]]
        return tf_total((n.operation.node_tf_flops(n) for n in nodes), (n.operation.name for n in nodes))


def flatten_shapes(structure) -> list[tuple]:
    """A nested list/dict of shapes -> a flat list of shape tuples (dicts by sorted key)."""
    if is_shape(structure):
        return [tuple(structure)]
    if isinstance(structure, dict):
        return [s for key in sorted(structure) for s in flatten_shapes(structure[key])]
    return [s for item in structure for s in flatten_shapes(item)]
