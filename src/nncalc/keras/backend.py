"""``keras.backend``: the parts that matter to model building."""

from __future__ import annotations

from ..core.naming import reset_uids
from ._unsupported import unsupported_attribute


def clear_session(free_memory=True):
    """Restart automatic names (``dense``, ``dense_1`` ...) as Keras does."""
    reset_uids()


def backend() -> str:
    return "tensorflow"


def image_data_format() -> str:
    return "channels_last"


def floatx() -> str:
    return "float32"


def is_keras_tensor(x) -> bool:
    """True for the symbolic tensors a functional model is built from (``keras.Input(...)``)."""
    from ..core.tensor import KerasTensor

    return isinstance(x, KerasTensor)


def __getattr__(name: str):
    return unsupported_attribute("keras.backend", name)
