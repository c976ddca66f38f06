"""The Model base class: a layer made of layers, with Keras' model methods.

``keras.Model(inputs, outputs)`` returns a :class:`~nncalc.core.functional.Functional`;
``keras.Sequential`` is in :mod:`nncalc.core.sequential`. Training methods are
accepted and do nothing: nncalc describes a model, it never runs it.
"""

from __future__ import annotations

import re

from ..errors import Unsupported
from .explain import NO_PARAMS, PARAMS, Step, Text, num
from .layer import Layer

SUM_OF_LAYERS = Text("the sum of its layers' parameters", "其各层参数之和")


def _is_functional_call(args, kwargs) -> bool:
    return (
        len(args) == 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


def _inject_functional_model_class(cls):
    """Keras' ``inject_functional_model_class``: put Functional where Model is among the bases."""
    from .functional import Functional

    if cls is Model:
        return Functional
    if cls is object or issubclass(cls, Functional):
        return cls
    cls.__bases__ = tuple(_inject_functional_model_class(base) for base in cls.__bases__)
    return cls


class NoValue:
    """What ``evaluate``/``predict`` return: nothing to compute with, said clearly when used.

    A script may call them and ignore the result; any use of the result (unpacking,
    indexing, arithmetic, conversion) stops with one line saying why there is no value.
    """

    def __init__(self, what: str):
        self._what = what

    def _refuse(self, *args, **kwargs):
        raise Unsupported(f"{self._what} has no value: nncalc describes the model, it computes nothing")

    __iter__ = __getitem__ = __len__ = __float__ = __int__ = __index__ = __bool__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = __array__ = __format__ = _refuse

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()

    def __repr__(self) -> str:
        return f"<no value: {self._what}>"


class _NoHistory(dict):
    def __missing__(self, key):
        raise Unsupported(f"fit() trained nothing, so there is no '{key}' history")


class History:
    """What ``fit`` returns; nncalc trains nothing, so the history is empty."""

    def __init__(self):
        self.history: dict = _NoHistory()
        self.epoch: list = []


class Model(Layer):
    """Base of Sequential and Functional models."""

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_call(args, kwargs):
            from .functional import Functional

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        """Keras' ``Model.__init__``: a functional subclass (``super().__init__(inputs=...,
        outputs=...)``) becomes a Functional subclass; any other subclass is a layer whose
        ``call()`` nncalc traces (see ``Layer.__call__``), its sublayers tracked as attributes.
        """
        from .functional import Functional

        if _is_functional_call(args, kwargs):
            if not isinstance(self, Functional):
                _inject_functional_model_class(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(
                f"Model.__init__() got unexpected positional arguments {args}; "
                "pass `inputs` and `outputs` for a functional model"
            )
        Layer.__init__(self, **kwargs)

    compiled = False
    optimizer = None

    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def explain_params(self) -> list[Step]:
        """A model's parameters: the sum over its layers (each weight counted once)."""
        if not self.built:
            return []
        total = self.count_params()
        parts = [(layer, layer.count_params()) for layer in self.layers if layer.built and layer.weights]
        if not parts:
            return [Step("params", PARAMS, "0", 0, NO_PARAMS)]
        formula = " + ".join(num(count) for _, count in parts)
        if sum(count for _, count in parts) != total:  # layers share weights: count each once
            formula = " + ".join(num(w.size) for w in self.weights)
        steps = [Step("params", PARAMS, formula, total, SUM_OF_LAYERS)]
        for layer, count in parts:
            steps.append(Step("weight", f"{layer.name} ({type(layer).__name__})", num(count), count))
        return steps

    def get_layer(self, name=None, index=None) -> Layer:
        """The layer called ``name``, or the layer at ``index`` in ``layers``."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print the Keras 3 summary table of this model (same arguments as Keras)."""
        from .. import session
        from ..summary import summarize_model

        summary = summarize_model(self, expand_nested=expand_nested, layer_range=layer_range)
        session.record_summary(summary)
        # Record-only mode (nncalc.summarize of a script) still hands the text to a
        # print_fn: the script may use it (``captured[0]``), as it would under Keras.
        if session.style == "keras3" or (session.style == "none" and print_fn is not None):
            from ..render.keras3 import print_summary

            print_summary(summary, line_length=line_length, positions=positions,
                          print_fn=print_fn, show_trainable=show_trainable)
        elif session.style in ("keras2", "tf_keras"):
            from importlib import import_module

            renderer = import_module(f"..render.{session.style}", __package__)
            renderer.print_summary(summary, line_length=line_length, positions=positions,
                                   print_fn=print_fn, show_trainable=show_trainable)

    # -------------------------------------------------------------- training API
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Remember the optimizer (Keras creates it here); nothing is compiled."""
        from .. import optimizers

        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self.compiled = True

    def fit(self, *args, **kwargs):
        """Train nothing, but build the optimizer as Keras' first ``fit`` does.

        From then on ``summary()`` shows the "Optimizer params" line, as in Keras.
        """
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model.")
        if not self.optimizer.built:
            self.optimizer.build(self.trainable_weights)
        return History()

    def evaluate(self, *args, **kwargs):
        """Accepted; the result has no value (see :class:`NoValue`)."""
        return NoValue(f"model '{self.name}'.evaluate()")

    def predict(self, *args, **kwargs):
        """Accepted; the result has no value (see :class:`NoValue`)."""
        return NoValue(f"model '{self.name}'.predict()")

    def save(self, *args, **kwargs):
        raise Unsupported(f"model '{self.name}': save() is not supported yet")

    def save_weights(self, *args, **kwargs):
        raise Unsupported(f"model '{self.name}': nncalc has no weight values to save")

    def load_weights(self, *args, **kwargs):
        """Weights are never loaded: shapes and counts do not depend on them."""
        return None

    def _layer_range_bounds(self, layers, layer_range):
        """``layer_range=("start", "end")``: regexes matched against layer names (Keras rule)."""
        if layer_range is None:
            return 0, len(layers)
        if len(layer_range) != 2:
            raise ValueError(
                "layer_range must be a list or tuple of length 2. Received: "
                f"layer_range = {layer_range} of length {len(layer_range)}"
            )
        if not all(isinstance(x, str) for x in layer_range):
            raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
        lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
        upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
        if not lower or not upper:
            raise ValueError(
                "Passed layer_names do not match the layer names in the model. "
                f"Received: {layer_range}"
            )
        if min(lower) > max(upper):
            return min(upper), max(lower) + 1
        return min(lower), max(upper) + 1
