"""Dtypes and dtype policies: how many bits a weight takes, what a layer computes in."""

from __future__ import annotations

# Bits per element, as Keras' ``dtype_utils.DTYPE_TO_SIZE``.
DTYPE_BITS = {
    "bfloat16": 16, "float16": 16, "float32": 32, "float64": 64, "float8_e4m3fn": 8,
    "float8_e5m2": 8, "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64, "int4": 4,
    "int8": 8, "int16": 16, "int32": 32, "int64": 64, "complex64": 64, "complex128": 128,
    "bool": 1,
}
_ALIASES = {"float": "float32", "int": "int64", "double": "float64", "half": "float16"}
MIXED_POLICIES = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}

_global_policy = "float32"


def standardize_dtype(dtype) -> str:
    """'float' -> 'float32'; objects with a ``name`` (numpy dtypes) give their name."""
    if dtype is None:
        return "float32"
    name = getattr(dtype, "name", dtype)
    name = _ALIASES.get(name, name)
    if name not in DTYPE_BITS and name != "string":
        raise ValueError(f"Invalid dtype: {dtype}")
    return name


class DTypePolicy:
    """A layer's dtype policy: the dtype of its weights and the dtype it computes in."""

    def __init__(self, name: str):
        self.name = name
        if name in MIXED_POLICIES:
            self.variable_dtype, self.compute_dtype = "float32", MIXED_POLICIES[name]
        else:
            self.variable_dtype = self.compute_dtype = standardize_dtype(name)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self.name}">'


def get_policy(dtype) -> DTypePolicy:
    """``dtype=None`` -> the global policy; a string -> that policy (Keras' message otherwise)."""
    if dtype is None:
        return DTypePolicy(_global_policy)
    if isinstance(dtype, DTypePolicy):
        return dtype
    if isinstance(dtype, dict):  # a serialized policy: {"class_name": "DTypePolicy", "config": {"name": ...}}
        config = dtype.get("config")
        dtype = config.get("name", dtype) if isinstance(config, dict) else dtype
    name = getattr(dtype, "name", dtype)
    if isinstance(name, str) and name in MIXED_POLICIES:
        return DTypePolicy(name)
    try:
        return DTypePolicy(standardize_dtype(name))
    except (ValueError, TypeError):
        raise ValueError(
            "Cannot interpret `dtype` argument. Expected a string or an instance of "
            f"DTypePolicy. Received: dtype={dtype}"
        ) from None


def set_global_policy(policy) -> None:
    """``keras.mixed_precision.set_global_policy``."""
    global _global_policy
    _global_policy = get_policy(policy).name


def global_policy() -> DTypePolicy:
    return DTypePolicy(_global_policy)
