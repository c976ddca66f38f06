"""Keras' dtype promotion (``keras.src.backend.common.dtypes.result_type``), rule for rule.

The TensorFlow backend's choices are used (Python ``int`` is ``int64``, 64-bit types stay
64-bit), with ``floatx() == "float32"``. Python ``int``/``float`` are *weak* types: they
take the other operand's dtype (``int32 tensor + 1 -> int32``, ``int32 + 1.5 -> float32``).
"""

from __future__ import annotations

from functools import lru_cache

BOOL_TYPES = ("bool",)
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
WEAK_TYPES = ("int", "float")
COMPLEX_TYPES = ("complex64", "complex128")
FLOAT8_TYPES = ("float8_e4m3fn", "float8_e5m2")
FLOATX = "float32"
PYTHON_DTYPES = {bool: "bool", int: "int64", float: "float32", str: "string", complex: "complex128"}


def _lattice() -> dict:
    b1, = BOOL_TYPES
    u1, u2, u4, u8, i1, i2, i4, i8 = INT_TYPES
    bf, f2, f4, f8 = FLOAT_TYPES
    i_, f_ = WEAK_TYPES
    c64, c128 = COMPLEX_TYPES
    return {
        b1: [i_], u1: [i2, u2], u2: [i4, u4], u4: [i8, u8], u8: [f_], i_: [u1, i1, c64],
        i1: [i2], i2: [i4], i4: [i8], i8: [f_], f_: [bf, f2], bf: [f4], f2: [f4],
        f4: [f8, c64], f8: [c128], c64: [c128], c128: [],
    }


def _upper_bounds() -> dict:
    lattice = _lattice()
    bounds = {node: {node} for node in lattice}
    for n in lattice:
        while True:
            new = set().union(*(lattice[b] for b in bounds[n]))
            if new.issubset(bounds[n]):
                break
            bounds[n] |= new
    return bounds


UPPER_BOUNDS = _upper_bounds()


@lru_cache(512)
def _least_upper_bound(*nodes):
    n = set(nodes)
    try:
        bounds = [UPPER_BOUNDS[x] for x in n]
    except KeyError:
        dtype = next(x for x in n if x not in UPPER_BOUNDS)
        raise ValueError(f"dtype={dtype!r} is not a valid dtype for Keras type promotion.") from None
    common = set.intersection(*bounds)
    least = (common & n) or {c for c in common if common.issubset(UPPER_BOUNDS[c])}
    if len(least) == 1:
        return least.pop()
    raise ValueError(
        f"Input dtypes {tuple(str(x) for x in nodes)} have no available implicit dtype promotion "
        "path. Try explicitly casting inputs to the desired output type."
    )


def standardize(dtype) -> str:
    """A dtype name: Python types map as on the TensorFlow backend, numpy dtypes by name."""
    if dtype in PYTHON_DTYPES:
        return PYTHON_DTYPES[dtype]
    if dtype == "int":
        return "int64"
    from ..core.dtypes import standardize_dtype

    return standardize_dtype(dtype)


def _weak(dtype: str) -> str:
    if dtype == "bool":
        return dtype
    if "float" in dtype:
        return "float"
    if "int" in dtype:
        return "int"
    return "complex"


def _resolve_weak(dtype: str) -> str:
    kind = "f" if dtype == "bfloat16" else dtype[:1]
    return {"b": "bool", "i": "int32", "u": "uint32"}.get(kind, "float32")


def result_type(*dtypes) -> str:
    """``keras.backend.result_type``: the promoted dtype of operands (``None`` is floatx)."""
    if not dtypes:
        return FLOATX
    for d in dtypes:
        if d in FLOAT8_TYPES:
            raise ValueError("There is no implicit conversions from float8 dtypes to others. "
                             f"You must cast it internally. Received: {dtypes}")
    dtypes = [FLOATX if d is None else d for d in dtypes]
    weak = [d is int or d is float for d in dtypes]
    names = [standardize(d) for d in dtypes]
    if len(names) == 1:
        out, out_weak = names[0], weak[0]
    elif len(set(names)) == 1 and not all(weak):
        out, out_weak = names[0], False
    elif all(weak):
        out, out_weak = _least_upper_bound(*set(names)), True
    else:
        out = _least_upper_bound(*{_weak(d) if w else d for d, w in zip(names, weak)})
        out_weak = out in WEAK_TYPES
    out_weak = out != "bool" and out_weak
    if out_weak:
        out = _resolve_weak(out)
    return out


def dtype_of(value):
    """What Keras passes to ``result_type`` for an operand: its dtype, else its Python type."""
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        dtype = getattr(value, "const_dtype", None)
    return dtype if dtype is not None else type(value)
