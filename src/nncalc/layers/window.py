"""Output size of a sliding window (convolution, pooling) along one axis.

Keras (``ops/operation_utils.py``) computes, for input size I, window K,
stride S and dilation D:

* ``padding='valid'``: ``floor((I - D·(K - 1) - 1) / S) + 1`` — the window must fit,
  rounding *down*; with D = 1 this is ``floor((I - K) / S) + 1``;
* ``padding='same'`` (and ``'causal'``): ``floor((I - 1) / S) + 1``, which equals
  ``ceil(I / S)`` — rounding *up*, whatever K is.

An unknown size (None) stays unknown.
"""

from __future__ import annotations

from ..core.explain import Derived, Text

VALID_RULE = Text(
    "padding='valid' (no padding): floor((I - K) / S) + 1 for input size I, kernel size K, "
    "stride S; rounded down",
    "填充 padding='valid'（不填充）：floor((I - K) / S) + 1，I 为输入尺寸，K 为核尺寸，S 为步长；向下取整",
)
VALID_DILATED_RULE = Text(
    "padding='valid' (no padding): floor((I - D × (K - 1) - 1) / S) + 1 for input size I, "
    "kernel size K, dilation D, stride S; rounded down",
    "填充 padding='valid'（不填充）：floor((I - D × (K - 1) - 1) / S) + 1，I 为输入尺寸，K 为核尺寸，"
    "D 为膨胀率，S 为步长；向下取整",
)
SAME_RULE = Text(
    "padding='{padding}' (zero padding keeps every position): ceil(I / S) for input size I, "
    "stride S; rounded up, whatever the kernel size (Keras computes floor((I - 1) / S) + 1)",
    "填充 padding='{padding}'（补零，保留每个位置）：ceil(I / S)，I 为输入尺寸，S 为步长；向上取整，"
    "与核尺寸无关（Keras 按 floor((I - 1) / S) + 1 计算）",
)


def window_output(size, kernel: int, stride: int, padding: str, dilation: int = 1) -> Derived:
    """The output size along one axis and the formula that gives it."""
    if padding == "valid":
        if size is None:
            return Derived(None, "None")
        if dilation == 1:
            value = (size - kernel) // stride + 1
            return Derived(value, f"floor(({size} - {kernel}) / {stride}) + 1")
        value = (size - dilation * (kernel - 1) - 1) // stride + 1
        return Derived(value, f"floor(({size} - {dilation} × ({kernel} - 1) - 1) / {stride}) + 1")
    if size is None:
        return Derived(None, "None")
    return Derived((size - 1) // stride + 1, f"ceil({size} / {stride})")


def window_rule(padding: str, dilation: int = 1) -> Text:
    """The rounding rule, in words, for ``padding``."""
    if padding == "valid":
        return VALID_RULE if dilation == 1 else VALID_DILATED_RULE
    return Text(SAME_RULE.en.format(padding=padding), SAME_RULE.zh.format(padding=padding))


def effective_kernel(kernel: int, dilation: int) -> int:
    """The extent a dilated kernel covers: D·(K - 1) + 1."""
    return dilation * (kernel - 1) + 1


def spatial_axes(rank: int, data_format: str) -> list[int]:
    """Indices of the spatial axes in a batched input."""
    return list(range(1, rank + 1)) if data_format == "channels_last" else list(range(2, rank + 2))


def spatial_outputs(input_shape, window: str, sizes, strides, padding: str, dilations,
                    data_format: str) -> list[Derived]:
    """One :class:`Derived` output size per spatial axis; an empty output is an error.

    ``window`` names the window in the message ("kernel size", "pool size").
    """
    derived = []
    for i, axis in enumerate(spatial_axes(len(sizes), data_format)):
        size = input_shape[axis]
        out = window_output(size, sizes[i], strides[i], padding, dilations[i])
        if out.value is not None and out.value <= 0:
            raise ValueError(
                f"{window} {effective_kernel(sizes[i], dilations[i])} is larger than the input "
                f"({size}) along spatial axis {i + 1} with padding='valid': computed output size "
                f"{out.value} would be zero or negative (input shape {input_shape}, "
                f"{window.replace(' ', '_')}={tuple(sizes)}, strides={tuple(strides)}"
                + (f", dilation_rate={tuple(dilations)})" if max(dilations) > 1 else ")")
            )
        derived.append(out)
    return derived
