"""The Layer base class: weights described (never allocated), shapes inferred.

A concrete layer (see ``nncalc.layers``) implements, side by side:

* ``build(input_shape)``: declare its weights with ``add_weight``;
* ``compute_output_shape(input_shape)``: its output shape;
* ``explain_shape(input_shape)`` / ``param_formula()``: how those figures come about.

Calling a layer on symbolic tensors builds it on first use and records a
:class:`~nncalc.core.node.Node`, exactly like the Keras functional API.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import warnings
from types import FrameType
from typing import Optional

from ..errors import LayerError, NncalcError, Unsupported
from .dtypes import DTYPE_BITS, get_policy
from .cost import Cost, free, not_modelled, total_cost
from .explain import NO_PARAMS, OUTPUT_SHAPE, PARAMS, Explanation, Step, Text, num, shape_text
from .naming import auto_name, to_snake_case
from . import masking, tracing
from .node import Node
from .tensor import KerasTensor, TensorOperators, flatten, is_shape, standardize_shape


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the user's line, not at nncalc's code."""
    frame: Optional[FrameType] = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


class Weight:
    """A weight as Keras declares it: name, shape, dtype, trainable. No values."""

    __slots__ = ("name", "shape", "dtype", "trainable", "path")

    def __init__(self, name: str, shape: tuple, dtype: str, trainable: bool, path: str):
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.trainable = trainable
        self.path = path

    @property
    def size(self) -> int:
        """Number of scalars: the product of the shape."""
        return math.prod(self.shape)

    @property
    def nbytes(self) -> float:
        """Bytes it would take in memory (Keras counts bits / 8, so int4 gives halves)."""
        return self.size * DTYPE_BITS[self.dtype] / 8

    def numpy(self):
        raise Unsupported(f"weight '{self.path}' has no values: nncalc never allocates weights")

    # Arithmetic as on a Keras variable (``self.scale * x``, ``x @ self.kernel``,
    # ``self.kernel[:, :3]``): with a symbolic tensor it is an operation of the graph,
    # between weights and numbers a constant of the result's shape (values never computed).
    # Comparisons are left out: nncalc code compares weights by identity.
    for _name in ("add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "pow"):
        locals()[f"__{_name}__"] = getattr(TensorOperators, f"__{_name}__")
        locals()[f"__r{_name}__"] = getattr(TensorOperators, f"__r{_name}__")
    __neg__, __abs__, __getitem__ = TensorOperators.__neg__, TensorOperators.__abs__, TensorOperators.__getitem__
    del _name

    def __repr__(self) -> str:
        return f"<Weight path={self.path}, shape={self.shape}, dtype={self.dtype}>"


class InputSpec:
    """What a layer accepts: a rank (exact, min or max) and fixed sizes on some axes."""

    def __init__(self, ndim=None, min_ndim=None, max_ndim=None, axes=None, name=None):
        self.ndim = ndim
        self.min_ndim = min_ndim
        self.max_ndim = max_ndim
        self.axes = axes or {}
        self.name = name

    def check(self, index: int, shape: tuple, layer_name: str) -> None:
        """Raise Keras' own ``ValueError`` when ``shape`` does not fit."""
        where = f"Input {index} with name '{self.name}' of layer '{layer_name}' is incompatible with the layer: "
        ndim = len(shape)
        if self.ndim is not None and ndim != self.ndim:
            raise ValueError(
                f"{where}expected ndim={self.ndim}, found ndim={ndim}. Full shape received: {shape}"
            )
        if self.max_ndim is not None and ndim > self.max_ndim:
            raise ValueError(f"{where}expected max_ndim={self.max_ndim}, found ndim={ndim}")
        if self.min_ndim is not None and ndim < self.min_ndim:
            raise ValueError(
                f"{where}expected min_ndim={self.min_ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}"
            )
        for axis, value in self.axes.items():
            if value is not None and shape[axis] not in {value, None}:
                raise ValueError(
                    f"{where}expected axis {axis} of input shape to have value {value}, "
                    f"but received input with shape {shape}"
                )


def map_shapes(fn, structure):
    """Apply ``fn`` to every shape tuple in a nested list/dict of shapes."""
    if is_shape(structure):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: map_shapes(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_shapes(fn, s) for s in structure)
    raise ValueError(f"Not a shape: {structure!r}")


def map_tensors(fn, structure):
    """Apply ``fn`` to every KerasTensor in a nested list/tuple/dict."""
    if isinstance(structure, KerasTensor):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: map_tensors(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_tensors(fn, s) for s in structure)
    return structure


def _as_shapes(value):
    """Keras' reading of a ``compute_output_shape`` result: a list of ints/None is a shape."""
    if isinstance(value, list) and value and all(d is None or isinstance(d, int) for d in value):
        return tuple(value)
    if isinstance(value, (list, tuple)) and not is_shape(value):
        return type(value)(_as_shapes(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_shapes(v) for k, v in value.items()}
    return value


def _build_wrapper(build, user: bool):
    """Keras' ``build_wrapper``: every ``build(shape)`` call, direct ones included, records the
    shape (the summary shows ``compute_output_shape`` of it for a layer never called on a
    tensor); a user layer's ``build`` marks it built even without ``super().build()``."""

    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        result = build(self, *args, **kwargs)
        if self.__dict__.get("_build_shapes") is None and tracing.overrides(self, "compute_output_shape"):
            shape = args[0] if args else kwargs.get("input_shape", next(iter(kwargs.values()), None))
            if shape is not None:
                self._build_shapes = shape
        if user:
            self.built = True
        return result

    wrapper._nncalc_wrapped = True  # type: ignore[attr-defined]  # (a mark on the function)
    return wrapper


# Bookkeeping attributes of the base classes, never tracked as sublayers.
_UNTRACKED = frozenset({
    "_layers", "_trainable_variables", "_non_trainable_variables", "_inbound_nodes",
    "_outbound_nodes", "_build_shapes", "_dtype_policy", "_functional", "_operations",
    "_inputs", "_outputs", "_inputs_struct", "_outputs_struct", "_nodes_by_depth", "input_spec",
})


def _is_functional(layer) -> bool:
    """A functional model: built already, so a call on arrays (eager in Keras) changes nothing."""
    from .functional import Functional

    return isinstance(layer, Functional)


def _is_graph_model(layer) -> bool:
    """Functional and Sequential models list their layers from their graph."""
    from .functional import Functional
    from .sequential import Sequential

    return isinstance(layer, (Functional, Sequential))


class Layer:
    """Base of every layer. Holds name, dtype policy, trainable flag, weights and call nodes."""

    # Set in __init__ through __dict__ (see _UNTRACKED): declared here for type checkers.
    _layers: list[Layer]
    _trainable_variables: list[Weight]
    _non_trainable_variables: list[Weight]

    # Keyword arguments every Keras layer accepts besides its own.
    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable: bool = True,
        dtype=None,
        autocast: bool = True,
        name: Optional[str] = None,
        **kwargs,
    ):
        if name is None:
            if getattr(self, "is_operation", False) and not tracing.recording():
                # keras.ops inside a traced call() run on backend tensors in Keras: no
                # Operation object, so no automatic name is used up.
                name = to_snake_case(type(self).__name__)
            else:
                name = auto_name(type(self).__name__)
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name} (of type {type(name)})"
            )
        self.name = name
        self._dtype_policy = get_policy(dtype)
        input_dim = kwargs.pop("input_dim", None)
        input_shape = (input_dim,) if input_dim is not None else kwargs.pop("input_shape", None)
        if input_shape is not None:
            warnings.warn(
                "Do not pass an `input_shape`/`input_dim` argument to a layer. When using "
                "Sequential models, prefer using an `Input(shape)` object as the first layer in "
                "the model instead.",
                stacklevel=_user_stacklevel(),
            )
            self._input_shape_arg = tuple(input_shape)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        if not isinstance(trainable, bool):
            raise ValueError(
                f"Expected `trainable` to be a boolean. Received: trainable={trainable} "
                f"(of type {type(trainable)})"
            )
        self._trainable = trainable
        self.built = False
        self.input_spec = None
        # Kept if a user layer tracked sublayers before calling super().__init__().
        self.__dict__.setdefault("_trainable_variables", [])
        self.__dict__.setdefault("_non_trainable_variables", [])
        self.__dict__.setdefault("_layers", [])
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []
        self._build_shapes = None

    def __init_subclass__(cls, **kwargs):
        """A user's ``compute_output_shape`` may return a list such as ``[None, 7]``: Keras
        reads a list of ints as one shape (a tuple); so does nncalc, wherever it is called."""
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_nncalc_wrapped", False):
            cls.build = _build_wrapper(build, user=cls.__module__.split(".")[0] != "nncalc")
        method = cls.__dict__.get("compute_output_shape")
        if method is None or cls.__module__.split(".")[0] == "nncalc" or getattr(method, "_nncalc_wrapped", False):
            return

        @functools.wraps(method)
        def compute_output_shape(self, *args, **kwargs):
            return _as_shapes(method(self, *args, **kwargs))

        compute_output_shape._nncalc_wrapped = True
        cls.compute_output_shape = compute_output_shape

    # ----------------------------------------------------------- tracking
    def __setattr__(self, name, value):
        """A user layer's attributes that hold layers (or lists/dicts of them) make those
        layers its sublayers, in assignment order, as Keras' tracker does: their weights
        count as the layer's own. nncalc's built-in layers list their sublayers themselves.
        """
        module = type(self).__module__  # (a user class: not nncalc's, nor in a subpackage of it)
        if module != "nncalc" and not module.startswith("nncalc.") and name not in _UNTRACKED \
                and not _is_graph_model(self):
            if isinstance(value, Layer):
                self._track(value)
            elif type(value) is list:
                value = tracing.TrackedList(value, self)
            elif type(value) is dict:
                value = tracing.TrackedDict(value, self)
            elif type(value) is tuple:
                for item in value:
                    self._track(item)
        object.__setattr__(self, name, value)

    def _track(self, value) -> None:
        """Make ``value`` a sublayer if it is a layer (or holds layers), once."""
        if isinstance(value, Layer):
            layers = self.__dict__.setdefault("_layers", [])
            if value is not self and not any(value is layer for layer in layers):
                layers.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self._track(item)
        elif isinstance(value, dict):
            for item in value.values():
                self._track(item)

    # ----------------------------------------------------------- dtype
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights."""
        return self._dtype_policy.variable_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    # ----------------------------------------------------------- weights
    def add_weight(
        self,
        *args,
        shape=None,
        initializer=None,
        dtype=None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        overwrite_with_gradient=False,
        name: Optional[str] = None,
    ) -> Weight:
        """Declare a weight; nothing is allocated, so a 10**12-element kernel costs nothing."""
        if args:  # positional: (shape, initializer, dtype), as in Keras 3
            if len(args) > 3:
                raise TypeError(f"add_weight() takes at most 3 positional arguments but {len(args)} were given.")
            if isinstance(args[0], str):
                raise ValueError(
                    "`name` must be passed as a keyword argument. Received: "
                    f"add_weight('{args[0]}', ...). Use: add_weight(shape=..., name='{args[0]}')."
                )
            shape = args[0]
            if len(args) > 2:
                dtype = args[2]
        shape = () if shape is None else tuple(shape)
        path = f"{self.name}/{name}"
        if any(d is None for d in shape):
            raise ValueError(
                "Shapes used to initialize variables must be fully-defined (no `None` "
                f"dimensions). Received: shape={shape} for variable path='{path}'"
            )
        shape = standardize_shape(shape)
        dtype = self.variable_dtype if dtype is None else get_policy(dtype).variable_dtype
        weight = Weight(name or "variable", shape, dtype, bool(trainable), path)
        if trainable:
            self._trainable_variables.append(weight)
        else:
            self._non_trainable_variables.append(weight)
        if not self.trainable:  # a frozen layer's new weights are frozen too (Keras' rule)
            weight.trainable = False
        return weight

    def add_lora_weights(self, base: Weight, rank: int, a_shape: tuple, b_shape: tuple,
                         constraint, constraint_arg: str, what: str) -> None:
        """Keras' ``enable_lora``: freeze ``base``, add float32 ``lora_<name>_a`` / ``_b``.

        Params grow by a_shape + b_shape scalars (e.g. Dense: d_in × r + r × units).
        """
        if constraint:
            raise ValueError(
                f"Lora is incompatible with {what} constraints. In order to enable lora on this "
                f"layer, remove the `{constraint_arg}` argument."
            )
        for suffix, shape in (("a", a_shape), ("b", b_shape)):
            name = f"lora_{base.name}_{suffix}"
            setattr(self, name, self.add_weight(name=name, shape=shape, dtype="float32"))
        base.trainable = False
        self.lora_enabled = True

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value) -> None:
        """Freezing a layer freezes its weights and every sublayer, as in Keras."""
        value = bool(value)
        self._trainable = value
        for weight in self._trainable_variables:
            weight.trainable = value
        for layer in self._layers:
            layer.trainable = value

    @property
    def weights(self) -> list[Weight]:
        """Own weights then sublayers' weights, each once (a shared weight counts once)."""
        own = self._trainable_variables + self._non_trainable_variables
        if not self._layers and len({id(w) for w in own}) == len(own):
            return own  # (the common case, without the loops below)
        seen: set[int] = set()
        result = []
        for w in own:
            if id(w) not in seen:
                seen.add(id(w))
                result.append(w)
        for layer in self._layers:
            for w in layer.weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    result.append(w)
        return result

    variables = weights

    @property
    def trainable_weights(self) -> list[Weight]:
        return [w for w in self.weights if w.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Weight]:
        return [w for w in self.weights if not w.trainable] if self.trainable else self.weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def count_params(self) -> int:
        """Number of scalars in all of the layer's weights (trainable or not)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`."
            )
        return sum(w.size for w in self.weights)

    def get_weights(self):
        raise Unsupported(
            f"layer '{self.name}' has no weight values: nncalc describes weights without allocating them"
        )

    # ----------------------------------------------------------- shapes
    def build(self, input_shape) -> None:
        """Declare weights for ``input_shape``. Layers without weights need not override.

        As in Keras, building a user layer or subclassed model this way (``model.build(shape)``
        with no ``build`` of its own) builds none of its sublayers: it warns when some are
        left unbuilt, and the summary then shows them "(unbuilt)".
        """
        if tracing.has_user_call(self) and not tracing.overrides(self, "build") \
                and any(not layer.built for layer in self._layers):
            warnings.warn(
                f"`build()` was called on layer '{self.name}', however the layer does not have a "
                "`build()` method implemented and it looks like it has unbuilt state. This will "
                "cause the layer to be marked as built, despite not being actually built, which "
                "may cause failures down the line. Make sure to implement a proper `build()` method.",
                stacklevel=_user_stacklevel(),
            )
        self.built = True

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape``; every concrete layer overrides this."""
        raise Unsupported(f"{type(self).__name__} does not define its output shape")

    def _check_input_spec(self, inputs) -> None:
        if self.input_spec is None:
            return
        specs = flatten(self.input_spec)
        tensors = flatten(inputs)
        if len(tensors) != len(specs):
            raise ValueError(
                f'Layer "{self.name}" expects {len(specs)} input(s), but it received '
                f"{len(tensors)} input tensors. Inputs received: {tensors}"
            )
        for index, (x, spec) in enumerate(zip(tensors, specs)):
            if spec is not None:
                spec.check(index, x.shape, self.name)

    def __call__(self, *args, **kwargs):
        """Apply the layer to symbolic tensors: build once, infer shapes, record a node.

        Every tensor among the arguments (``mha(query, value)``, ``rnn(x, initial_state=s)``)
        is an input of the node; the first argument is checked against ``input_spec``.

        A user layer or subclassed model (a class with its own ``call()``) follows Keras'
        ``Layer.__call__``: it is built by its ``build`` (or, without one, by running
        ``call()`` when it holds unbuilt sublayers), and its output comes from its
        ``compute_output_shape`` or else from tracing ``call()`` on fresh symbolic tensors
        (:func:`nncalc.core.tracing.run_call`). Called on concrete arrays it runs "eagerly":
        built from their shapes, no node recorded.
        """
        if "name" not in self.__dict__:
            raise LayerError(None, type(self).__name__,
                             "you forgot to call `super().__init__()` as the first statement "
                             "in the `__init__()` method. Go add it!")
        inputs_keyword = not args and "inputs" in kwargs
        if inputs_keyword:
            args = (kwargs.pop("inputs"),)
        user_call = tracing.has_user_call(self)
        if len(args) > 1 and not user_call:
            self._check_positional_count(len(args))
        # Keras runs a call on concrete values eagerly (no node); see tracing.concrete_call
        eager = tracing.concrete_call(self, args, kwargs, user_call or _is_functional(self))
        if eager:
            if any(isinstance(x, KerasTensor) for x in flatten([args, kwargs])):
                raise Unsupported(
                    f"layer '{self.name}' ({type(self).__name__}) was called on both symbolic "
                    "tensors and concrete arrays"
                )
            convert = lambda x: tracing.symbolic_copy(x, self.compute_dtype) if tracing.is_concrete(x) else x
            args = tracing.map_structure(convert, tuple(args))
            kwargs = tracing.map_structure(convert, dict(kwargs))
        leaves = flatten([args, kwargs])
        for x in leaves:
            if not isinstance(x, KerasTensor) and hasattr(x, "shape") and hasattr(x, "dtype"):
                raise Unsupported(
                    f"layer '{self.name}' ({type(self).__name__}) was called on a "
                    f"{type(x).__name__}, not on a symbolic tensor: nncalc computes no values; "
                    "call layers on keras.Input(...) tensors"
                )
        tensors = [x for x in leaves if isinstance(x, KerasTensor)]
        if not tensors:
            raise Unsupported(
                f"layer '{self.name}' ({type(self).__name__}) was called without a symbolic "
                "tensor: nncalc computes no values; call layers on keras.Input(...) tensors"
            )
        traced = user_call and not tracing.overrides(self, "compute_output_shape")
        try:
            if args:
                self._check_input_spec(args[0])
            shape_args = map_tensors(lambda t: t.shape, args)
            shape_kwargs = map_tensors(lambda t: t.shape, kwargs)
            if not self.built:
                if not traced:  # Keras' summary shows compute_output_shape(build shapes)
                    self._build_shapes = shape_args[0] if args else None
                if user_call:
                    self._build_user_layer(args, kwargs, shape_args, shape_kwargs)
                else:
                    self.build_for_call(*shape_args, **shape_kwargs)
                self.built = True
            inner_calls = None
            if traced:
                inner_calls = []
                outputs = tracing.run_call(self, args, kwargs, inner_calls)
            else:
                output_shapes = self.output_shape_for_call(*shape_args, **shape_kwargs)
        except NncalcError:
            raise
        except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError) as error:
            # (KeyError: a shape rule indexed a dict of tensors where Keras wants a list)
            raise LayerError(self.name, type(self).__name__, str(error)) from error
        first = args[0] if args else tensors[0]
        if not traced:
            outputs = map_shapes(lambda s: KerasTensor(s, self.output_dtype(first)), output_shapes)
        if eager == "constant" or not tracing.recording():  # inside a traced call(): its cost counts
            tracing.note_inner_call(self, args, kwargs, outputs, inner_calls, constant=eager == "constant")
        if eager == "constant":
            return tracing.as_constants(outputs)  # Keras' eager result: a concrete tensor
        if eager or not tracing.recording():
            return outputs  # shapes only: the call is inside a traced call(), or eager
        mask = masking.node_mask(self, args, kwargs)  # Keras adds it to the node's arguments
        masking.set_output_masks(self, args, kwargs, outputs)
        node = Node(self, args, outputs, kwargs, inputs_keyword=inputs_keyword)
        node.inner_calls = inner_calls
        if mask is not None:
            node.input_tensors.append(mask)
            if mask._keras_history is not None:
                mask._keras_history.operation._outbound_nodes.append(node)
        return outputs

    def _check_positional_count(self, count: int) -> None:
        """Keras binds a call to its layer's ``call()`` signature: more positional arguments than
        it takes is a TypeError ("too many positional arguments"), and one that lands on
        ``training``, which Keras passes itself, is "multiple values for argument 'training'".
        The signatures of Keras' own layers are in :mod:`nncalc.layers.call_signatures`
        (generated from Keras)."""
        from ..layers.call_signatures import POSITIONAL

        for cls in type(self).__mro__:
            if cls.__module__.startswith("nncalc.layers.") and cls.__name__ in POSITIONAL:
                names = POSITIONAL[cls.__name__]
                if names is not None and count > len(names):
                    raise LayerError(self.name, type(self).__name__, "too many positional arguments")
                if names is not None and "training" in names[:count]:
                    raise LayerError(self.name, type(self).__name__, "multiple values for argument 'training'")
                return

    def _build_user_layer(self, args, kwargs, shape_args, shape_kwargs) -> None:
        """Keras' ``_maybe_build`` for a layer with its own ``call()``.

        With its own ``build``: ``build(input_shape)``. Without: if some sublayer is not
        built yet, run ``call()`` once so that the sublayers build themselves, then build.
        """
        if tracing.overrides(self, "build"):
            try:
                self.build_for_call(*shape_args, **shape_kwargs)
            except NncalcError:
                raise
            except Exception as error:
                raise tracing.trace_error(self, error, "build()") from error
            return
        if any(not layer.built for layer in self._layers):
            tracing.run_call(self, args, kwargs)
        self.build(shape_args[0] if args else None)

    def build_for_call(self, input_shape, *args, **kwargs) -> None:
        """Build from the shapes of a call's arguments (tensors replaced by their shapes).

        The default builds from the first argument; a layer taking several tensors
        (``MultiHeadAttention(query, value)``) overrides this and the next method.
        """
        self.build(input_shape)

    def output_shape_for_call(self, input_shape, *args, **kwargs):
        """Output shape(s) for a call's argument shapes; default: ``compute_output_shape(first)``.

        A user layer without ``compute_output_shape`` traces its ``call()`` on symbolic
        tensors of those shapes (a nested model re-running its graph on new shapes).
        """
        if tracing.has_user_call(self) and not tracing.overrides(self, "compute_output_shape"):
            def to_tensor(value):
                if is_shape(value):
                    return KerasTensor(value, self.compute_dtype)
                if isinstance(value, (list, tuple)):
                    return type(value)(to_tensor(v) for v in value)
                if isinstance(value, dict):
                    return {k: to_tensor(v) for k, v in value.items()}
                return value

            outputs = tracing.run_call(self, to_tensor((input_shape,) + args), to_tensor(kwargs))
            return map_tensors(lambda t: t.shape, outputs)
        return self.compute_output_shape(input_shape)

    def output_dtype(self, inputs) -> str:
        """Dtype of the outputs: the layer's compute dtype (as Keras autocasts float inputs)."""
        return self.compute_dtype

    # ----------------------------------------------------------- after calls
    def _last_node(self) -> Node:
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined output.")
        return self._inbound_nodes[-1]

    @property
    def input(self):
        node = self._inbound_nodes[0] if self._inbound_nodes else self._last_node()
        tensors = node.input_tensors
        return tensors[0] if len(tensors) == 1 else tensors

    @property
    def output(self):
        node = self._inbound_nodes[0] if self._inbound_nodes else self._last_node()
        tensors = node.output_tensors
        return tensors[0] if len(tensors) == 1 else tensors

    @property
    def input_shape(self):
        node = self._last_node()
        shapes = [t.shape for t in node.input_tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        node = self._last_node()
        shapes = [t.shape for t in node.output_tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    # ----------------------------------------------------------- explanations
    # Chinese names of weights, for explanations ("kernel" is a Dense layer's weight matrix
    # but a convolution's 卷积核); a layer with other weights extends this.
    weight_names_zh: dict = {"kernel": "权重", "bias": "偏置"}

    def param_formula(self) -> Optional[str]:
        """A compact formula for the parameter total, e.g. ``(784 + 1) × 512``; None for a plain sum."""
        return None

    def param_rule(self) -> Optional[Text]:
        """The parameter formula in words, e.g. "(input features + 1) × units"."""
        return None

    def explain_params(self) -> list[Step]:
        """The total parameter count, then one step per weight: ``kernel (784, 512): 784 × 512``."""
        weights = self.weights
        if not self.built:
            return []
        total = self.count_params()
        if not weights:
            return [Step("params", PARAMS, "0", 0, NO_PARAMS)]
        formula = self.param_formula() or " + ".join(num(w.size) for w in weights)
        steps = [Step("params", PARAMS, formula, total, self.param_rule())]
        for w in weights:
            factors = " × ".join(num(d) for d in w.shape) or "1"
            zh = self.weight_names_zh.get(w.name)
            label = Text(f"{w.name} {shape_text(w.shape)}",
                         f"{zh} {w.name} {shape_text(w.shape)}" if zh else f"{w.name} {shape_text(w.shape)}")
            frozen = None if w.trainable and self.trainable else Text("not trainable", "不可训练")
            steps.append(Step("weight", label, factors, w.size, frozen))
        return steps

    def explain_shape(self, input_shape) -> list[Step]:
        """How the output shape follows from ``input_shape``; layers override with their rule."""
        out = self.compute_output_shape(input_shape)
        return [Step("shape", OUTPUT_SHAPE, shape_text(out) if is_shape(out) else str(out), out)]

    def explain_for_call(self, input_shape, *args, **kwargs) -> list[Step]:
        """Shape steps for a call's argument shapes; default: ``explain_shape(first argument)``.

        A layer taking several tensors (attention's query/value/key) overrides this.
        """
        return self.explain_shape(input_shape)

    def explain(self) -> Explanation:
        """Parameters and output shape of this layer's last call, each derived."""
        shape_steps = []
        if self._inbound_nodes and tracing.has_user_call(self) \
                and not tracing.overrides(self, "compute_output_shape"):
            # A user call() traced for its shapes: the output is what the trace gave.
            shapes = [t.shape for t in self._inbound_nodes[-1].output_tensors]
            out = shapes[0] if len(shapes) == 1 else shapes
            text = shape_text(out) if is_shape(out) else ", ".join(shape_text(s) for s in out)
            shape_steps = [Step("shape", OUTPUT_SHAPE, text, out,
                                Text("traced from the layer's call()", "由该层的 call() 符号追踪得到"))]
        elif self._inbound_nodes:
            node = self._inbound_nodes[-1]
            if node.input_tensors:
                shape_args = map_tensors(lambda t: t.shape, node.call_args)
                shape_kwargs = map_tensors(lambda t: t.shape, node.call_kwargs)
                shape_steps = self.explain_for_call(*shape_args, **shape_kwargs)
        return Explanation(params=self.explain_params(), shape=shape_steps)

    # ----------------------------------------------------------- cost
    def compute_cost(self, input_shape, output_shape) -> Cost:
        """MACs and FLOPs of one call, per sample (convention: :mod:`nncalc.core.cost`).

        Every layer kind states its own; the default says the layer is not modelled,
        so that no figure is ever a silent 0.
        """
        return not_modelled(type(self).__name__)

    def cost_for_call(self, output_shape, input_shape, *args, **kwargs) -> Cost:
        """Cost for a call's argument shapes; default: ``compute_cost(first argument, outputs)``.

        A layer taking several tensors (attention's query/value/key) overrides this.
        """
        return self.compute_cost(input_shape, output_shape)

    def node_cost(self, node: Node) -> Cost:
        """The cost of one recorded call of this layer (an input node computes nothing)."""
        if node.is_input:
            return free()
        inner = getattr(node, "inner_calls", None)
        if inner is not None:  # a traced call(): what the layers and operations inside compute
            return total_cost((c.operation.node_cost(c) for c in inner), (c.name for c in inner))
        shape_args = map_tensors(lambda t: t.shape, node.call_args)
        shape_kwargs = map_tensors(lambda t: t.shape, node.call_kwargs)
        shapes = [t.shape for t in node.output_tensors]
        output_shape = shapes[0] if len(shapes) == 1 else shapes
        return self.cost_for_call(output_shape, *shape_args, **shape_kwargs)

    # ----------------------------------------------------------- TF profiler convention
    def tf_flops(self, input_shape, output_shape) -> dict:
        """What TensorFlow's profiler counts for one call at batch 1: ``{TF op type: float ops}``
        (``{}`` when it counts nothing); see :mod:`nncalc.core.tf_flops`.

        Every layer kind states its own rule; the default says the layer is not modelled,
        so that no figure is ever a silent 0.
        """
        from .tf_flops import not_modelled as tf_not_modelled

        return tf_not_modelled(type(self).__name__)

    def tf_flops_for_call(self, output_shape, input_shape, *args, **kwargs) -> dict:
        """TF profiler count for a call's argument shapes; default: ``tf_flops(first argument, outputs)``.

        A layer taking several tensors (attention's query/value/key) overrides this.
        """
        return self.tf_flops(input_shape, output_shape)

    def node_tf_flops(self, node: Node):
        """The TF profiler count (a :class:`~nncalc.core.tf_flops.TFFlops`) of one recorded call."""
        from .tf_flops import TFFlops, TFUnknown, as_tf_flops

        if node.is_input:
            return TFFlops()
        inner = getattr(node, "inner_calls", None)
        if inner is not None:  # a traced call(): the layers and operations run inside it
            from .tf_flops import tf_total

            return tf_total((c.operation.node_tf_flops(c) for c in inner), (c.name for c in inner))
        shape_args = map_tensors(lambda t: t.shape, node.call_args)
        shape_kwargs = map_tensors(lambda t: t.shape, node.call_kwargs)
        shapes = [t.shape for t in node.output_tensors]
        output_shape = shapes[0] if len(shapes) == 1 else shapes
        try:
            return as_tf_flops(self.tf_flops_for_call(output_shape, *shape_args, **shape_kwargs))
        except TFUnknown as error:
            return TFFlops(unknown=error.reason)

    # ----------------------------------------------------------- misc
    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable, "dtype": self._dtype_policy.name}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
