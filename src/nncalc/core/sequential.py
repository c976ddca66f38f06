"""``keras.Sequential``: a stack of layers, each fed the previous one's output.

As in Keras, once the first layer's input shape is known (an ``Input``, or an
``input_shape=`` argument on the first layer) the model rebuilds its internal
functional graph after every ``add``: each rebuild calls every layer again and
creates a new ``Functional``, which consumes an automatic name.
"""

from __future__ import annotations

from ..errors import ModelError
from .layer import Layer
from .model import Model
from .tensor import KerasTensor, standardize_shape
from .tracing import recording_graph


class Sequential(Model):
    """A linear stack of layers."""

    def __init__(self, layers=None, trainable=True, name=None):
        Layer.__init__(self, trainable=trainable, name=name)
        self._functional = None
        self._layers = []
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Append a layer (or the layer behind a ``keras.Input`` tensor)."""
        from ..layers.core import InputLayer

        if not self._layers and getattr(layer, "_input_shape_arg", None) is not None:
            self.add(InputLayer(shape=layer._input_shape_arg))
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            origin = layer._keras_history.operation
            if isinstance(origin, InputLayer):
                layer = origin
        if not isinstance(layer, Layer):
            raise ModelError(
                "Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer} (of type {type(layer)})"
            )
        names = self._layer_names()
        if layer.name in names:
            raise ModelError(
                "All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Update the `name` "
                "argument to pass a unique name."
            )
        if isinstance(layer, InputLayer) and self._layers and isinstance(self._layers[0], InputLayer):
            raise ModelError(
                f"Sequential model '{self.name}' has already been configured to use input shape "
                f"{self._layers[0].batch_shape}. You cannot add a different Input layer to it."
            )
        self._layers.append(layer)
        names.add(layer.name)
        self._names_cache = (self._layers, len(self._layers), names)
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            self._functional = None

    def _layer_names(self) -> set:
        """The names of ``self._layers`` (kept, so that adding N layers costs O(N), not O(N^2))."""
        cached = self.__dict__.get("_names_cache")
        if cached is None or cached[0] is not self._layers or cached[1] != len(self._layers):
            cached = (self._layers, len(self._layers), {layer.name for layer in self._layers})
            self._names_cache = cached
        return cached[2]

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        layer = self._layers.pop()
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        from ..layers.core import InputLayer

        self.built = False
        self._functional = None
        if isinstance(self._layers[0], InputLayer) and len(self._layers) > 1:
            self.build(self._layers[0].batch_shape)
        elif len(self._layers) > 1:
            try:
                input_shape = self._layers[0].input_shape
            except AttributeError:
                return
            self.build(input_shape)

    def build(self, input_shape=None):
        """Put an InputLayer first (if missing), call every layer, wrap them in a Functional."""
        from ..layers.core import InputLayer
        from .functional import Functional

        try:
            input_shape = standardize_shape(input_shape)
        except (ValueError, TypeError):
            return  # several inputs: Keras does not build either
        if not self._layers:
            raise ModelError(
                f"Sequential model {self.name} cannot be built because it has no layers. "
                "Call `model.add(layer)`."
            )
        if isinstance(self._layers[0], InputLayer):
            if self._layers[0].batch_shape != input_shape:
                raise ModelError(
                    f"Sequential model '{self.name}' has already been configured to use input "
                    f"shape {self._layers[0].batch_shape}. You cannot build it with input_shape "
                    f"{input_shape}"
                )
        else:
            dtype = self._layers[0].compute_dtype
            self._layers = [InputLayer(batch_shape=input_shape, dtype=dtype)] + self._layers
        inputs = self._layers[0].output
        x = inputs
        with recording_graph():  # its own graph, even when built inside a traced call()
            for layer in self._layers[1:]:
                x = layer(x)
        self._functional = Functional(inputs=inputs, outputs=x)
        self.built = True

    @property
    def layers(self):
        """The added layers, without the automatic InputLayer."""
        from ..layers.core import InputLayer

        if self._layers and isinstance(self._layers[0], InputLayer):
            return self._layers[1:]
        return self._layers[:]

    def compute_output_shape(self, input_shape):
        if self._functional is not None:
            return self._functional.compute_output_shape(input_shape)
        for layer in self.layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def node_cost(self, node):
        """A nested Sequential's cost: the sum of its layers' calls."""
        if self._functional is not None:
            return self._functional.node_cost(node)
        from .cost import total_cost

        called = [layer for layer in self.layers if layer._inbound_nodes]
        return total_cost((l.node_cost(l._inbound_nodes[-1]) for l in called), (l.name for l in called))

    def node_tf_flops(self, node):
        """A nested Sequential's TF profiler count: the sum of its layers' calls."""
        if self._functional is not None:
            return self._functional.node_tf_flops(node)
        from .tf_flops import tf_total

        called = [layer for layer in self.layers if layer._inbound_nodes]
        return tf_total((l.node_tf_flops(l._inbound_nodes[-1]) for l in called), (l.name for l in called))

    def _check_input_spec(self, inputs) -> None:
        if self._functional is not None:
            self._functional._check_input_spec(inputs)

    def _require_functional(self, what: str):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined {what} yet.")
        return self._functional

    @property
    def inputs(self):
        return self._require_functional("inputs").inputs

    @property
    def outputs(self):
        return self._require_functional("outputs").outputs

    @property
    def input(self):
        return self._require_functional("input").input

    @property
    def output(self):
        return self._require_functional("output").output

    @property
    def input_shape(self):
        return self._require_functional("input shape").input_shape

    @property
    def output_shape(self):
        return self._require_functional("output shape").output_shape
