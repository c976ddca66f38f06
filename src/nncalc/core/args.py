"""Argument checks shared by layers, with Keras' own error messages."""

from __future__ import annotations

ACTIVATIONS = frozenset(
    "relu leaky_relu relu6 softmax celu elu selu softplus softsign squareplus soft_shrink "
    "sparse_plus silu gelu glu tanh tanh_shrink threshold sigmoid sparse_sigmoid exponential "
    "hard_sigmoid hard_silu hard_tanh hard_shrink linear mish log_softmax log_sigmoid "
    "sparsemax swish hard_swish".split()
)


def standardize_tuple(value, n: int, name: str, allow_zero: bool = False) -> tuple:
    """An int or n ints -> a tuple of n positive ints (``keras.utils.argument_validation``)."""
    error_msg = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if isinstance(value, int):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(error_msg) from None
        if len(values) != n:
            raise ValueError(error_msg)
        for single in values:
            try:
                int(single)
            except (ValueError, TypeError):
                raise ValueError(
                    error_msg + f"including element {single} of type {type(single)}"
                ) from None
    bad = {v for v in values if (v < 0 if allow_zero else v <= 0)}
    if bad:
        requirement = ">= 0" if allow_zero else "> 0"
        raise ValueError(
            error_msg + f", including values {bad} that do not satisfy `value {requirement}`"
        )
    return values


def standardize_padding(value, allow_causal: bool = False) -> str | list | tuple:
    """'VALID' -> 'valid'; only 'valid', 'same' (and 'causal' for 1D convolutions); explicit
    per-side paddings (a list or tuple) are returned as they are."""
    if isinstance(value, (list, tuple)):
        return value
    padding = str(value).lower()
    allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
    if padding not in allowed:
        raise ValueError(
            f"The `padding` argument must be a list/tuple or one of {allowed}. Received: {padding}"
        )
    return padding


def standardize_data_format(data_format) -> str:
    """None -> 'channels_last' (Keras' default image data format)."""
    if data_format is None:
        return "channels_last"
    data_format = str(data_format).lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return data_format


def activation_name(identifier) -> str:
    """The name of an activation given as None, a string or a callable."""
    if identifier is None:
        return "linear"
    if isinstance(identifier, str):
        if identifier in ACTIVATIONS:
            return identifier
    elif callable(identifier):
        return getattr(identifier, "__name__", type(identifier).__name__)
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")
