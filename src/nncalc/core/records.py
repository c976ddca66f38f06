"""``@record``: the part of ``dataclasses.dataclass`` nncalc uses, without its import cost.

``import dataclasses`` imports ``inspect`` (and with it ``ast``, ``dis``, ``tokenize``,
``enum`` classes): about 37 M instructions, 15–20 ms, a tenth of ``nncalc summary`` of a
small script. The summary's data classes need only this: fields declared by annotations
in order, defaults, ``field(default_factory=..., repr=False, compare=False)``, and
``frozen=True`` (read-only and hashable). Like ``dataclass``, :func:`record` writes an
``__init__``, ``__repr__`` and ``__eq__`` (and ``__hash__`` when frozen) for the fields:

    @record(frozen=True)
    class Text:
        en: str
        zh: str = ""

No inheritance of fields between records, no ``__post_init__``, no ordering: add them
here when a class needs them. Type checkers see records as dataclasses
(``typing.dataclass_transform``; on Python 3.10 the marker exists for them only).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Callable, TypeVar, overload

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
elif TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_):  # Python 3.10 at run time: nothing to mark (typing_extensions not imported)
        return lambda function: function

_MISSING: Any = object()
_C = TypeVar("_C", bound=type)


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record (``dataclasses.FrozenInstanceError``)."""


class Field:
    __slots__ = ("default", "default_factory", "repr", "compare")

    def __init__(self, default=_MISSING, default_factory=_MISSING, repr=True, compare=True):
        self.default, self.default_factory = default, default_factory
        self.repr, self.compare = repr, compare


def field(*, default: Any = _MISSING, default_factory: Any = _MISSING, repr: bool = True,
          compare: bool = True) -> Any:
    """A field's options, as ``dataclasses.field`` (typed ``Any``, as the field's value)."""
    return Field(default, default_factory, repr, compare)


def _frozen_setattr(self, name, value):
    raise FrozenRecordError(f"cannot assign to field '{name}'")


def _frozen_delattr(self, name):
    raise FrozenRecordError(f"cannot delete field '{name}'")


@overload
def record(cls: _C, /) -> _C: ...


@overload
def record(cls: None = None, /, *, frozen: bool = False) -> Callable[[_C], _C]: ...


@dataclass_transform(field_specifiers=(field,))
def record(cls=None, /, *, frozen: bool = False):
    """Make ``cls`` a record of its annotated fields (``@record`` or ``@record(frozen=True)``)."""
    if cls is None:
        return lambda c: _make(c, frozen)
    return _make(cls, frozen)


def _make(cls, frozen: bool):
    names = [n for n in cls.__dict__.get("__annotations__", {})
             if not str(cls.__annotations__[n]).startswith("ClassVar")]
    fields = {}
    for name in names:
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, Field) else Field(default=value)
        fields[name] = spec
        if spec.default is _MISSING and name in cls.__dict__:
            delattr(cls, name)  # a field(default_factory=...) is not a class attribute
        elif spec.default is not _MISSING:
            setattr(cls, name, spec.default)

    # __init__: one generated function, as fast as a hand-written one
    scope = {"_MISSING": _MISSING, "_setattr": object.__setattr__}
    params, body = [], []
    for name, spec in fields.items():
        if spec.default_factory is not _MISSING:
            scope[f"_factory_{name}"] = spec.default_factory
            params.append(f"{name}=_MISSING")
            value = f"_factory_{name}() if {name} is _MISSING else {name}"
        elif spec.default is not _MISSING:
            scope[f"_default_{name}"] = spec.default
            params.append(f"{name}=_default_{name}")
            value = name
        else:
            if any(p.find("=") > 0 for p in params):
                raise TypeError(f"non-default argument '{name}' follows default argument")
            params.append(name)
            value = name
        body.append(f"_setattr(self, {name!r}, {value})" if frozen else f"self.{name} = {value}")
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass")
    exec(source, scope)  # noqa: S102 - code made from the class's own field names
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init

    shown = [n for n, f in fields.items() if f.repr]
    compared = tuple(n for n, f in fields.items() if f.compare)

    def __repr__(self):
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in shown)
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (tuple(getattr(self, n) for n in compared)
                == tuple(getattr(other, n) for n in compared))

    cls.__repr__, cls.__eq__ = __repr__, __eq__
    if frozen:
        cls.__setattr__, cls.__delattr__ = _frozen_setattr, _frozen_delattr
        cls.__hash__ = lambda self: hash(tuple(getattr(self, n) for n in compared))
    else:
        cls.__hash__ = None  # mutable and compared by value: unhashable, as a dataclass
    cls.__match_args__ = tuple(fields)  # type: ignore[misc]  # (made here, as dataclass does)
    return cls
