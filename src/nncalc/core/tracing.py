"""Whether a call on symbolic tensors records a node in the model graph.

Keras records a node for every layer call and every ``keras.ops`` operation applied to
``keras.Input`` tensors: those become rows of the summary. But when Keras runs a custom
layer's ``call()`` (or a subclassed model's) to infer its output shape, the layers and
operations used inside are *not* rows of the outer model: the custom layer is one row,
and its sublayers' weights count towards it.

nncalc traces such a ``call()`` on its own symbolic tensors inside :func:`tracing_call`;
while it runs, :func:`recording` is False and layer calls and operations compute shapes
(and build sublayers) without recording graph nodes.
"""

from __future__ import annotations

from contextlib import contextmanager

_depth = 0
_collectors: list = []  # one list per traced call() being run: the calls made inside it


def recording() -> bool:
    """True unless we are inside a traced ``call()`` (then no node may be recorded)."""
    return _depth == 0


@contextmanager
def tracing_call():
    """Run a user ``call()`` for its shapes only: calls made inside record no nodes."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1


@contextmanager
def recording_graph():
    """Record nodes again, even inside a traced ``call()``.

    Keras builds a nested ``Sequential`` on its own ``keras.Input`` tensors, also when that
    happens while a custom layer's ``call()`` is traced: that inner graph is recorded.
    """
    global _depth
    saved, _depth = _depth, 0
    try:
        yield
    finally:
        _depth = saved


class InnerCall:
    """One call of a layer or operation inside a traced ``call()``: no graph node, but what
    a node's cost needs (``operation``, ``call_args``, ``call_kwargs``, ``output_tensors``),
    and the calls made inside it when it is itself a traced user layer (``inner_calls``)."""

    is_input = False

    def __init__(self, operation, call_args, call_kwargs, outputs, inner_calls=None, constant=False):
        from .tensor import KerasTensor, flatten

        outputs = [x for x in flatten(outputs) if isinstance(x, KerasTensor)]
        if constant:
            # A layer called on constants (``pos_emb(ops.arange(50))``) computes once, not per
            # sample: its shapes get a batch axis of 1, as the cost rules expect one.
            def batch_1(value):
                return KerasTensor((1, *value.shape), value.dtype) if isinstance(value, KerasTensor) else value

            call_args = map_structure(batch_1, tuple(call_args))
            call_kwargs = map_structure(batch_1, dict(call_kwargs))
            outputs = [batch_1(x) for x in outputs]
        self.operation, self.call_args, self.call_kwargs = operation, tuple(call_args), dict(call_kwargs)
        self.output_tensors = outputs
        self.inner_calls = inner_calls

    @property
    def name(self) -> str:
        return getattr(self.operation, "name", None) or type(self.operation).__name__


def note_inner_call(operation, args, kwargs, outputs, inner_calls=None, constant=False) -> None:
    """Record a call made inside the innermost traced ``call()`` (its cost adds to that row's);
    ``constant``: a call on constants only (run once, whatever the batch)."""
    if _collectors:
        _collectors[-1].append(InnerCall(operation, args, kwargs, outputs, inner_calls, constant))


# ---------------------------------------------------------------- user layers
def _package_dir() -> str:
    import os

    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def overrides(layer, method: str) -> bool:
    """True when ``layer``'s class defines ``method`` itself rather than inheriting the base's.

    Keras' ``utils.is_default``: a user ``build``/``compute_output_shape`` changes what
    ``__call__`` does (build by running ``call()``, shapes by tracing ``call()``).
    """
    from .layer import Layer

    return getattr(type(layer), method, None) is not getattr(Layer, method, None)


def has_user_call(layer) -> bool:
    """True for a user layer or subclassed model: one whose class defines ``call()``."""
    return callable(getattr(type(layer), "call", None))


def user_line(error: BaseException) -> str:
    """``file:line: source`` of the innermost frame of ``error`` outside nncalc (the user's)."""
    import linecache
    import os

    package, found, tb = _package_dir(), None, error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(package) and "importlib" not in filename:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return ""
    source = linecache.getline(found[0], found[1]).strip()
    return f"line {found[1]} of {os.path.basename(found[0])}" + (f": {source}" if source else "")


_NEEDS_VALUES = ("cannot be used as a boolean", "numerical value", "numpy", "Iterating over a symbolic")


def trace_error(layer, error: BaseException, method: str = "call()"):
    """The one-line error for a ``call()`` that failed while traced, naming the layer and line."""
    from ..errors import LayerError, Unsupported, layer_label

    where = user_line(error)
    cause = str(error) or type(error).__name__
    if isinstance(error, AttributeError) and "KerasTensor" in cause:
        cause = f"{cause} (symbolic tensors have a shape and a dtype, no values)"
    suffix = f" (in {method}, {where})" if where else f" (in {method})"
    if any(text in cause for text in _NEEDS_VALUES):
        return Unsupported(
            f"{layer_label(layer.name, type(layer).__name__)}: {method} needs tensor values, which "
            f"nncalc never computes: {cause}{suffix}"
        )
    return LayerError(layer.name, type(layer).__name__, f"{cause}{suffix}")


def symbolic_copy(value, compute_dtype: str):
    """A fresh symbolic tensor for a traced call: same shape and dtype, no graph history.

    A concrete array (``numpy``) gives its shape; float arrays take the layer's compute
    dtype, as Keras converts them on the way in.
    """
    from .tensor import KerasTensor

    if isinstance(value, KerasTensor):
        copy = KerasTensor(value.shape, value.dtype)
        if value._keras_mask is not None:
            copy._keras_mask = KerasTensor(value._keras_mask.shape, value._keras_mask.dtype)
        return copy
    if is_constant(value):  # a keras.ops result on concrete values (nncalc.ops.base.Constant)
        dtype = value.const_dtype or "float32"
        return KerasTensor(value.const_shape, compute_dtype if dtype.startswith(("float", "bfloat")) else dtype)
    dtype = str(value.dtype)
    if dtype.startswith(("float", "bfloat")):
        dtype = compute_dtype
    return KerasTensor(tuple(int(d) for d in value.shape), dtype)


def is_array(value) -> bool:
    """A concrete tensor (numpy array and the like): something with a shape and a dtype."""
    from .tensor import KerasTensor

    return not isinstance(value, KerasTensor) and hasattr(value, "shape") and hasattr(value, "dtype") \
        and not isinstance(value, type)


def is_constant(value) -> bool:
    """A :class:`nncalc.ops.base.Constant`: a concrete tensor of known shape (``ops.arange(50)``)."""
    return hasattr(value, "const_shape")


def is_concrete(value) -> bool:
    return is_array(value) or is_constant(value)


def concrete_call(layer, args, kwargs, accepts_arrays: bool):
    """How Keras runs a layer call whose tensors are concrete values: ``None`` if some is symbolic.

    Keras calls a layer on concrete tensors eagerly: it builds the layer and computes an
    eager tensor, recording no node (the layer is no row of the model that uses the result;
    a sublayer called so inside a traced ``call()`` still counts towards its owner). So
    ``Embedding(100, 32)(ops.arange(0, 50))`` gives ``"constant"``: the caller returns
    :class:`~nncalc.ops.base.Constant` results, which later ops treat as concrete operands.
    ``"array"``: a user layer or model called on numpy arrays to build it (symbolic outputs);
    a built-in layer refuses numpy arrays at top level (nncalc computes no values), but
    accepts them inside a traced ``call()``.
    """
    from .tensor import KerasTensor, flatten

    leaves = flatten([args, kwargs])
    if any(isinstance(x, KerasTensor) for x in leaves):
        return "array" if accepts_arrays and any(is_array(x) for x in leaves) else None
    if any(is_constant(x) for x in leaves) or (not recording() and any(is_array(x) for x in leaves)):
        return "constant"
    return "array" if accepts_arrays and any(is_array(x) for x in leaves) else None


def as_constants(outputs):
    """The symbolic outputs of an eager call as concrete Constants (same shapes and dtypes)."""
    from ..ops.base import Constant
    from .tensor import KerasTensor

    return map_structure(lambda t: Constant(shape=t.shape, dtype=t.dtype) if isinstance(t, KerasTensor) else t,
                         outputs)


def map_structure(fn, structure):
    """Apply ``fn`` to every leaf of nested lists/tuples/dicts."""
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not hasattr(structure, "_fields"):
        return type(structure)(map_structure(fn, v) for v in structure)
    return fn(structure)


def run_call(layer, args, kwargs, calls=None):
    """Run ``layer.call`` on fresh symbolic tensors for its output spec (Keras'
    ``compute_output_spec``): layers and operations used inside record no node.

    Returns the outputs as fresh symbolic tensors (a constant result gives its shape). The
    layer and operation calls made inside are appended to ``calls`` (:class:`InnerCall`),
    never to an enclosing trace's list.
    """
    import inspect

    from ..errors import NncalcError
    from .tensor import KerasTensor

    def convert(x):
        return symbolic_copy(x, layer.compute_dtype) if isinstance(x, KerasTensor) or is_concrete(x) else x

    args = map_structure(convert, tuple(args))
    kwargs = map_structure(convert, dict(kwargs))
    try:
        parameters = inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        parameters = {}
    tensors = [x for x in _leaves([args, kwargs]) if isinstance(x, KerasTensor)]
    if "mask" in parameters and kwargs.get("mask") is None and len(tensors) == 1 and args:
        first = args[0]
        if isinstance(first, KerasTensor) and first._keras_mask is not None:
            kwargs["mask"] = first._keras_mask
    _collectors.append([] if calls is None else calls)
    with tracing_call():
        try:
            outputs = layer.call(*args, **kwargs)
        except NncalcError:
            raise
        except Exception as error:  # the user's own code failed: say where
            raise trace_error(layer, error) from error
        finally:
            _collectors.pop()

    def to_output(x):
        if isinstance(x, KerasTensor) or (hasattr(x, "shape") and hasattr(x, "dtype")):
            return KerasTensor(tuple(x.shape), str(x.dtype))
        return x

    return map_structure(to_output, outputs)


def _leaves(structure) -> list:
    if isinstance(structure, dict):
        return [x for v in structure.values() for x in _leaves(v)]
    if isinstance(structure, (list, tuple)):
        return [x for v in structure for x in _leaves(v)]
    return [structure]


# ---------------------------------------------------------------- attribute tracking
class TrackedList(list):
    """A list attribute of a user layer: layers appended later are tracked too (Keras' rule)."""

    def __init__(self, values, owner):
        super().__init__(values)
        self._owner = owner
        for value in values:
            owner._track(value)

    def append(self, value):
        self._owner._track(value)
        super().append(value)

    def extend(self, values):
        values = list(values)
        for value in values:
            self._owner._track(value)
        super().extend(values)

    def insert(self, index, value):
        self._owner._track(value)
        super().insert(index, value)

    def __setitem__(self, index, value):
        for item in (value if isinstance(index, slice) else [value]):
            self._owner._track(item)
        super().__setitem__(index, value)

    def __iadd__(self, values):  # type: ignore[misc]  # (list's own: any iterable, in place)
        self.extend(values)
        return self


class TrackedDict(dict):
    """A dict attribute of a user layer: layers stored in it later are tracked too."""

    def __init__(self, values, owner):
        super().__init__(values)
        self._owner = owner
        for value in values.values():
            owner._track(value)

    def __setitem__(self, key, value):
        self._owner._track(value)
        super().__setitem__(key, value)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]
