"""The base of nncalc's keras_hub layers: sublayers from attributes, cost from a traced ``call()``.

keras_hub writes its layers as Keras users write theirs: ``build`` creates sublayers
(``EinsumDense``, ``Dense``, norms) as attributes and builds them on explicit shapes,
``compute_output_shape`` gives the output (most layers return their input's shape) and
``call()`` does the arithmetic with ``keras.ops``. :class:`HubLayer` follows that:

* an attribute holding a layer (or a list of layers) makes it a sublayer, in assignment
  order, as Keras' tracker does, so its weights count as the owner's;
* the output shape comes from ``compute_output_shape`` when the class defines one (Keras
  then does not trace ``call()``), otherwise from ``call()`` traced on symbolic tensors;
* MACs and FLOPs are those of the layers and ``keras.ops`` operations its ``call()`` runs
  (:mod:`nncalc.core.tracing`), traced when the analysis asks for them. The ``call()``
  methods here compute a forward pass without cache: the attention masks (padding and
  causal, integer comparisons) are left out of the figures.
"""

from __future__ import annotations

from ...core import tracing
from ...core.layer import Layer

# Bookkeeping attributes of nncalc's Layer, never sublayers.
_NOT_SUBLAYERS = frozenset({"_layers", "_trainable_variables", "_non_trainable_variables", "_inbound_nodes",
                            "_outbound_nodes", "_build_shapes", "_dtype_policy", "input_spec"})


class HubLayer(Layer):
    """A keras_hub layer (see the module docstring)."""

    supports_masking = False

    def __setattr__(self, name, value):
        if name not in _NOT_SUBLAYERS:
            if isinstance(value, Layer):
                self._track(value)
            elif isinstance(value, (list, tuple)) and any(isinstance(v, Layer) for v in value):
                self._track(value)
        object.__setattr__(self, name, value)

    def _first_positional(self, args, kwargs):
        """A call made with keywords only (``layer(decoder_sequence=x, ...)``, as Whisper's backbone
        calls its decoders): its first ``call()`` argument moved to the front, by name."""
        if args or not hasattr(self, "call"):
            return args, kwargs
        import inspect

        names = [p.name for p in inspect.signature(self.call).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if names and names[0] in kwargs:
            kwargs = dict(kwargs)
            return (kwargs.pop(names[0]),), kwargs
        return args, kwargs

    def explain_params(self):
        """Params: its own weights plus each sublayer's count (a weight shared counts once)."""
        from ...core.explain import PARAMS, Step, Text, num, shape_text

        if not self.built or not self._layers:
            return super().explain_params()
        total = self.count_params()
        parts = [(Text(f"{w.name} {shape_text(w.shape)}", f"{w.name} {shape_text(w.shape)}"), w.size)
                 for w in self._trainable_variables + self._non_trainable_variables]
        parts += [(Text(f"{layer.name} ({type(layer).__name__})", f"{layer.name} ({type(layer).__name__})"),
                   layer.count_params()) for layer in self._layers if layer.built and layer.weights]
        formula = " + ".join(num(count) for _, count in parts)
        if sum(count for _, count in parts) != total:  # a weight shared with another sublayer
            formula = " + ".join(num(w.size) for w in self.weights)
        steps = [Step("params", PARAMS, formula, total, Text("its weights and its sublayers' parameters",
                                                             "自身权重与各子层参数之和"))]
        steps += [Step("weight", label, num(count), count) for label, count in parts]
        return steps

    def explain_for_call(self, *args, **kwargs):
        args, kwargs = self._first_positional(args, kwargs)
        return super().explain_for_call(*args, **kwargs)

    def _traced_calls(self, node):
        """The calls its ``call()`` makes for this node's arguments (traced once per node), or
        None when the node needs no trace (an input, or a call traced already)."""
        if node.is_input or getattr(node, "inner_calls", None) is not None or not hasattr(self, "call"):
            return None
        calls = getattr(node, "_hub_calls", None)
        if calls is None:
            calls = []
            tracing.run_call(self, node.call_args, node.call_kwargs, calls)
            node._hub_calls = calls
        return calls

    def node_cost(self, node):
        """MACs and FLOPs: the sum over what its ``call()`` runs."""
        from ...core.cost import total_cost

        calls = self._traced_calls(node)
        if calls is None:
            return super().node_cost(node)
        return total_cost((c.operation.node_cost(c) for c in calls), (c.name for c in calls))

    def node_tf_flops(self, node):
        """TensorFlow's profiler count: the sum over what its ``call()`` runs."""
        from ...core.tf_flops import tf_total

        calls = self._traced_calls(node)
        if calls is None:
            return super().node_tf_flops(node)
        return tf_total((c.operation.node_tf_flops(c) for c in calls), (c.name for c in calls))


def build_layer(layer: Layer, *shapes) -> Layer:
    """``layer.build(*shapes)``; returns the layer (keras_hub builds every sublayer by hand)."""
    layer.build(*shapes)
    layer.built = True
    return layer
