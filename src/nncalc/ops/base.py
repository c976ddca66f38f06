"""The base of every ``keras.ops`` operation: a weightless Layer that computes an output spec.

An operation follows Keras' ``Operation``: ``compute_output_spec(*args, **kwargs)`` gets
the call's arguments (symbolic tensors, constants, Python values) and returns the
output's :class:`Spec` (shape and dtype) — or a list of them. Applied to at least one
symbolic tensor it records a node (through ``Layer.__call__``: a row ``add (Add)`` of the
summary); applied to constants only (``ops.arange(10)``, ``ops.ones((8, 3))``) it records
nothing, consumes no automatic name (Keras computes those eagerly) and gives a
:class:`Constant`: a tensor of known shape and dtype whose values nncalc never computes.
"""

from __future__ import annotations

from ..core import cost, tracing
from ..core.explain import OUTPUT_SHAPE, Step, Text, shape_text
from ..core.layer import Layer
from ..core.naming import to_snake_case
from ..core.tensor import KerasTensor, TensorOperators, flatten, is_shape, standardize_shape
from ..errors import LayerError, NncalcError
from .dtypes import FLOATX, dtype_of, standardize


class Spec:
    """An output's shape and dtype (Keras' ``KerasTensor`` returned by ``compute_output_spec``)."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = standardize_shape(shape)  # as Keras' KerasTensor does (a negative size is an error)
        self.dtype = standardize(dtype)

    def __repr__(self) -> str:
        return f"Spec({self.shape}, {self.dtype})"


class Constant(TensorOperators):
    """A concrete tensor (a numpy array, a config's ``__tensor__``, an eager op's result).

    Only its shape and dtype are known. It has no ``dtype`` attribute on purpose, so that
    layers reject it like any other concrete value; ``const_dtype`` holds it.
    """

    def __init__(self, value=None, dtype=None, shape=None):
        if shape is None:
            dims, level = [], value
            while isinstance(level, (list, tuple)):
                dims.append(len(level))
                level = level[0] if level else None
            if dtype is None and value is not None:
                dtype = type(level) if isinstance(level, (bool, int, float)) else None
                dtype = None if dtype is None else standardize(dtype)
            shape = dims
        self.const_shape = tuple(shape)
        self.const_dtype = dtype

    @property
    def shape(self):
        return self.const_shape

    @property
    def ndim(self) -> int:
        return len(self.const_shape)

    def __repr__(self) -> str:
        return f"<constant shape={self.const_shape}, dtype={self.const_dtype}>"


def as_operand(value):
    """Numpy arrays (and other concrete tensors with shape and dtype) become Constants."""
    if isinstance(value, (KerasTensor, Constant)) or value is None:
        return value
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        try:
            return Constant(shape=tuple(int(d) for d in shape), dtype=standardize(dtype))
        except (TypeError, ValueError):
            return value
    return value


def operand_shape(value) -> tuple:
    """Shape of one operand: a tensor's, a constant's, a nested list's, or () for a number."""
    if isinstance(value, (KerasTensor, Constant)):
        return tuple(value.shape)
    if is_shape(value):
        return tuple(value)
    if isinstance(value, (list, tuple)):
        return Constant(list(value)).const_shape
    return ()


def operand_dtype(value):
    """What Keras' ``result_type`` sees for an operand (a Python type for a Python number)."""
    if isinstance(value, (list, tuple)) and not isinstance(value, KerasTensor):
        dtype = Constant(list(value)).const_dtype
        return dtype or FLOATX
    return dtype_of(value)


def any_symbolic(*structures) -> bool:
    return any(isinstance(x, KerasTensor) for x in flatten(list(structures)))


def _shape_or_text(spec) -> str:
    return shape_text(spec) if is_shape(spec) else str(spec)


class Operation(Layer):
    """A ``keras.ops`` operation in a functional graph: no weights, always built."""

    operation = Text("computed element by element", "逐元素计算")  # what it does, for explanations
    shape_rule = None  # how its output shape follows (Text), for explanations
    is_operation = True  # not in Functional.layers (as in Keras), yet a row of the summary
    flops_per_element = 1  # per output element; None: layout only (no arithmetic)

    def __init__(self, name=None, **config):
        super().__init__(name=name)
        self.built = True
        self._specs = None
        self._in_shapes = None

    # ------------------------------------------------------------------ calling
    def compute_output_spec(self, *args, **kwargs):
        raise NotImplementedError(type(self).__name__)

    def _spec(self, args, kwargs):
        try:
            return self.compute_output_spec(*args, **kwargs)
        except NncalcError:
            raise
        except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError) as error:
            raise LayerError(self.name, type(self).__name__, str(error)) from error

    def __call__(self, *args, **kwargs):
        args = tuple(_convert(a) for a in args)
        kwargs = {k: _convert(v) for k, v in kwargs.items()}
        specs = self._spec(args, kwargs)
        self._specs = specs
        self._in_shapes = [tuple(x.shape) for x in flatten([args, kwargs])
                           if isinstance(x, (KerasTensor, Constant))]
        if not any_symbolic(args, kwargs):
            return _map_specs(lambda s: Constant(shape=s.shape, dtype=s.dtype), specs)
        outputs = super().__call__(*args, **kwargs)
        for tensor, spec in zip(flatten(outputs), flatten(_map_specs(lambda s: s, specs))):
            tensor.dtype = spec.dtype
        return outputs

    def eager(self, *args, **kwargs):
        """The call when no argument is symbolic: a Constant (or several), no node."""
        return self(*args, **kwargs)

    def output_shape_for_call(self, *args, **kwargs):
        if self._specs is not None:
            return _map_specs(lambda s: s.shape, self._specs)
        return self.compute_output_shape(args[0] if args else None)

    def compute_output_shape(self, input_shape):
        return input_shape

    def output_dtype(self, inputs) -> str:
        return inputs.dtype if isinstance(inputs, KerasTensor) else FLOATX

    # ------------------------------------------------------------------ explaining
    def output_shapes(self):
        shapes = flatten(_map_specs(lambda s: s, self._specs))
        shapes = [s.shape for s in shapes]
        return shapes[0] if len(shapes) == 1 else shapes

    def explain_for_call(self, *args, **kwargs):
        if self._specs is None:  # built by hand (mask ops): the generic step
            return super().explain_for_call(*args, **kwargs)
        out = self.output_shapes()
        ins = ", ".join(shape_text(s) for s in self._in_shapes)
        outs = _shape_or_text(out) if is_shape(out) else ", ".join(shape_text(s) for s in out)
        rule = self.shape_rule or self.operation
        return [Step("shape", OUTPUT_SHAPE, f"{ins} → {outs}" if ins else outs, out, rule)]

    # ------------------------------------------------------------------ TF profiler
    # What TensorFlow's profiler counts for the op Keras' TF backend runs (--flops-convention
    # tf; tests/analysis/TF_PROFILER_RULES.md): {TF op type: float ops per output element},
    # {} when it counts nothing (layout ops, unregistered types such as Relu or Exp), None
    # when not modelled (said, never a silent 0).
    tf_ops = None

    def tf_flops_for_call(self, output_shape, *args, **kwargs):
        """TF profiler at batch 1: ``tf_ops[op] × output elements`` for each op type."""
        from ..core import tf_flops

        if self.tf_ops is None:
            return tf_flops.not_modelled(type(self).__name__)
        if not self.tf_ops:
            return {}
        n = tf_flops.batch_1_elements(output_shape)
        return {op: per_element * n for op, per_element in self.tf_ops.items()}

    # ------------------------------------------------------------------ cost
    def cost_for_call(self, output_shape, *args, **kwargs):
        """FLOPs = output elements × flops_per_element (1; softmax: 3); layout ops: 0."""
        if self.flops_per_element is None:
            return cost.free()
        shapes = output_shape if isinstance(output_shape, list) else [output_shape]
        terms = []
        for shape in shapes:
            factors = [cost.elements(shape)]
            if self.flops_per_element != 1:
                factors.append(cost.Factor(self.flops_per_element, str(self.flops_per_element),
                                           Text("per element", "每个元素")))
            terms.append(cost.flops(self.operation, *factors))
        return cost.Cost(terms)


def _convert(value):
    if isinstance(value, list) and any(isinstance(v, (KerasTensor, Constant)) or hasattr(v, "dtype")
                                       for v in value):
        return [as_operand(v) for v in value]
    return as_operand(value)


def _map_specs(fn, specs):
    if isinstance(specs, Spec):
        return fn(specs)
    if isinstance(specs, (list, tuple)):
        return [_map_specs(fn, s) for s in specs]
    return specs


def apply(cls, args=(), kwargs=None, python_operator=False, **config):
    """``cls(**config)(*args, **kwargs)``, naming the operation only when it records a node.

    Keras creates an Operation (consuming an automatic name: ``add``, ``add_1``...) only for
    symbolic arguments of a functional graph. On concrete values, and inside a custom
    layer's ``call()`` (which Keras traces on backend tensors, see ``core.tracing``), it
    computes with the backend directly: no Operation, no name. There a Python operator
    (``python_operator``: ``x + y``) is the backend's own (TensorFlow's AddV2), not the
    ``keras.ops`` function (whose ``add`` uses BiasAdd at times).
    """
    kwargs = kwargs or {}
    if any_symbolic(args, kwargs) and tracing.recording():
        return cls(**config)(*args, **kwargs)
    operation = cls(name=to_snake_case(cls.__name__), **config)
    operation.python_operator = python_operator
    return operation(*args, **kwargs)
