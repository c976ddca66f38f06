"""TensorFlow's own float-operation count of a Keras 3 model (the ``keras-flops`` method).

This is the reference for nncalc's ``--flops-convention tf``: it needs real TensorFlow and
Keras (the dev/test virtualenv), never nncalc.

    python tests/analysis/tf_profiler.py MODEL [--batch N] [--nodes]

MODEL is a Keras config (``model.to_json()`` output, ``.json``), or a saved ``.keras`` /
``.h5`` model. The answer is JSON on stdout::

    {"total": 7755299312, "by_op": {"Conv2D": 7711850496, "AddV2": 16133056, ...}}

and with ``--nodes`` also ``"nodes": [{"name": "resnet50_1/conv1_conv_1/convolution",
"op": "Conv2D", "float_ops": 236027904}, ...]`` (every graph node the profiler counts,
in graph order; the node names carry the Keras layer names as name scopes).

As a library::

    from tests.analysis.tf_profiler import profile_keras_model
    profile_keras_model(model)            # {"total": int, "by_op": {op_type: int}}

Method, exactly what ``keras-flops`` (``get_flops``) does, in Keras 3 / TF 2.x terms:

1. ``tf.function(lambda x: model(x, training=False))`` traced into a concrete function
   whose input signature is the model's input structure with batch size 1 (every other
   dimension must be known);
2. frozen with ``convert_variables_to_constants_v2`` (variables become ``Const`` nodes;
   ``lower_control_flow=True``, the default, so a ``While``/``If`` becomes top-level
   ``Enter``/``Merge``/``Switch``/``Exit`` nodes and a loop body is in the graph once);
3. the frozen GraphDef imported into a fresh ``tf.Graph`` and given to
   ``tf.compat.v1.profiler.profile(graph, run_meta=RunMetadata(), cmd="op",
   options=ProfileOptionBuilder.float_operation())``.

The profiler counts an op only if Python registered a ``flops`` statistic for its type
(``tensorflow/python/profiler/internal/flops_registry.py``, plus ``Conv2D``, ``Conv3D``,
``DepthwiseConv2dNative``, ``BiasAdd`` in ``nn_ops.py`` and ``MatMul``/``BatchMatMul*``):
everything else (Relu, Sigmoid, Tanh, Exp, Erf, Einsum, Max, Conv3DBackpropInputV2, ...)
counts 0, and so does an op whose shapes are not fully known. No grappler pass runs,
so nothing is constant-folded or fused. See ``TF_PROFILER_RULES.md`` for the per-layer rules.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _tf():
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return tf


@contextlib.contextmanager
def _quiet_stdout():
    """Keep TensorFlow's C++ chatter off file descriptor 1 (the CLI prints JSON there)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def input_signature(model, batch_size: int = 1):
    """The model's input structure as ``tf.TensorSpec``s with the batch axis set."""
    tf = _tf()
    from keras import tree

    def spec(tensor):
        shape = [batch_size, *tensor.shape[1:]]
        if any(d is None for d in shape):
            raise ValueError(f"input {tensor.name!r} has an unknown dimension: {tuple(tensor.shape)}")
        return tf.TensorSpec(shape, tensor.dtype)

    try:
        structure = model.input  # the model's own input structure (tensor, list or dict)
    except (AttributeError, ValueError):  # a Sequential model never called on a tensor
        inputs = list(model.inputs or [])
        if not inputs:
            raise ValueError("the model has no known inputs; build it on keras.Input first") from None
        structure = inputs[0] if len(inputs) == 1 else inputs
    return tree.map_structure(spec, structure)


def frozen_graph(model, batch_size: int = 1):
    """The inference graph of ``model`` at ``batch_size``, variables frozen, in a new tf.Graph."""
    tf = _tf()
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    specs = input_signature(model, batch_size)
    function = tf.function(lambda inputs: model(inputs, training=False))
    concrete = function.get_concrete_function(specs)
    frozen = convert_variables_to_constants_v2(concrete)
    graph = tf.Graph()
    with graph.as_default():
        tf.graph_util.import_graph_def(frozen.graph.as_graph_def(), name="")
    return graph


def profile_graph(graph, nodes: bool = False) -> dict:
    """``tf.compat.v1.profiler.profile(graph, cmd="op", float_operation())`` as a dict."""
    tf = _tf()
    builder = tf.compat.v1.profiler.ProfileOptionBuilder
    options = builder(builder.float_operation()).with_empty_output().build()
    with _quiet_stdout():
        by_type = tf.compat.v1.profiler.profile(
            graph, run_meta=tf.compat.v1.RunMetadata(), cmd="op", options=options
        )
    by_op = {}
    # The "op" view nests the op types in one chain (sorted by total float ops): each
    # node's own share is ``float_ops``; ``total_float_ops`` includes the rest of the chain.
    stack = list(by_type.children)
    while stack:
        node = stack.pop()
        if node.float_ops:
            by_op[node.name] = by_op.get(node.name, 0) + int(node.float_ops)
        stack.extend(node.children)
    result = {"total": int(by_type.total_float_ops), "by_op": dict(sorted(by_op.items(), key=lambda kv: (-kv[1], kv[0])))}
    if sum(by_op.values()) != result["total"]:
        raise AssertionError(f"op breakdown {by_op} does not add up to {result['total']}")
    if nodes:
        with _quiet_stdout():
            by_name = tf.compat.v1.profiler.profile(
                graph, run_meta=tf.compat.v1.RunMetadata(), cmd="graph", options=options
            )
        counted = {}
        stack = list(by_name.children)
        while stack:
            node = stack.pop()
            if node.float_ops:
                counted[node.name] = int(node.float_ops)
            stack.extend(node.children)
        result["nodes"] = [
            {"name": op.name, "op": op.type, "float_ops": counted[op.name]}
            for op in graph.get_operations()
            if op.name in counted
        ]
    return result


def profile_keras_model(model, batch_size: int = 1, nodes: bool = False) -> dict:
    """TF profiler float operations of ``model`` in inference at ``batch_size`` (default 1).

    Returns ``{"total": int, "by_op": {op_type: int}}`` (op types with a non-zero count),
    plus ``"nodes"`` (per graph node) when ``nodes`` is true.
    """
    return profile_graph(frozen_graph(model, batch_size), nodes=nodes)


def graph_ops(model, batch_size: int = 1):
    """Every op of the frozen graph as ``(name, type, output shapes)`` (for investigations)."""
    graph = frozen_graph(model, batch_size)
    return [(op.name, op.type, [tuple(o.shape.as_list()) if o.shape.rank is not None else None for o in op.outputs])
            for op in graph.get_operations()]


def load_model(path: str):
    """A Keras model from a JSON config, or a ``.keras`` / ``.h5`` file."""
    import keras

    if path.endswith(".json"):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        return keras.models.model_from_json(text)
    return keras.models.load_model(path, compile=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="Keras config (.json) or saved model (.keras, .h5)")
    parser.add_argument("--batch", type=int, default=1, help="batch size (default 1, as keras-flops)")
    parser.add_argument("--nodes", action="store_true", help="also list every counted graph node")
    args = parser.parse_args(argv)
    with _quiet_stdout():
        model = load_model(args.model)
    result = profile_keras_model(model, batch_size=args.batch, nodes=args.nodes)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
