"""Output size of a sliding window (convolution, pooling) along one axis.

Keras (``ops/operation_utils.py``) computes, for input size I, window K,
stride S and dilation D:

* ``padding='valid'``: ``floor((I - D·(K - 1) - 1) / S) + 1`` — the window must fit,
  rounding *down*; with D = 1 this is ``floor((I - K) / S) + 1``;
* ``padding='same'`` (and ``'causal'``): ``floor((I - 1) / S) + 1``, which equals
  ``ceil(I / S)`` — rounding *up*, whatever K is.

A *transposed* convolution goes the other way (``backend/common/backend_utils.py``,
``_get_output_shape_given_tf_padding``). With the dilated kernel size
K' = D·(K - 1) + 1 and ``output_padding`` P:

* ``'valid'``, no P: ``(I - 1)·S + K' + max(K', S) - K'`` = ``(I - 1)·S + max(K', S)``;
* ``'valid'`` with P: ``(I - 1)·S + K' + P``;
* ``'same'``, no P: ``I·S``;
* ``'same'`` with P: ``(I - 1)·S + (K' mod 2) + P`` (Keras' rule, as written).

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


CAUSAL_RULE = Text(
    "padding='causal' (D × (K - 1) zeros on the left only, so no output sees later steps): "
    "ceil(I / S) for input size I, stride S; rounded up, whatever the kernel size "
    "(Keras computes floor((I - 1) / S) + 1)",
    "填充 padding='causal'（因果填充：只在左侧补 D × (K - 1) 个零，输出不会看到之后的时间步）："
    "ceil(I / S)，I 为输入尺寸，S 为步长；向上取整，与核尺寸无关（Keras 按 floor((I - 1) / S) + 1 计算）",
)


def window_rule(padding: str, dilation: int = 1) -> Text:
    """The rounding rule, in words, for ``padding``."""
    if padding == "valid":
        return VALID_RULE if dilation == 1 else VALID_DILATED_RULE
    if padding == "causal":
        return CAUSAL_RULE
    return Text(SAME_RULE.en.format(padding=padding), SAME_RULE.zh.format(padding=padding))


def check_padding(padding) -> None:
    """Keras' error for a padding its shape rule does not know (e.g. a list of pads)."""
    if padding not in ("valid", "same", "causal"):
        raise ValueError(f"`padding` must be either `'valid'` or `'same'`. Received {padding}.")


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
    check_padding(padding)
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


# ------------------------------------------------------------------ transposed convolution
TRANSPOSE_RULES = {
    ("valid", False): Text(
        "transposed, padding='valid': (I - 1) × S + max(K, S) for input size I, kernel size K, "
        "stride S (Keras: (I - 1) × S + K + max(K, S) - K); the kernel's last step overhangs "
        "the strided input",
        "转置卷积，填充 padding='valid'：(I - 1) × S + max(K, S)，I 为输入尺寸，K 为核尺寸，S 为步长"
        "（Keras 按 (I - 1) × S + K + max(K, S) - K 计算）",
    ),
    ("valid", True): Text(
        "transposed, padding='valid' with output_padding P: (I - 1) × S + K + P for input size I, "
        "kernel size K, stride S",
        "转置卷积，填充 padding='valid'，输出填充 output_padding 为 P：(I - 1) × S + K + P，"
        "I 为输入尺寸，K 为核尺寸，S 为步长",
    ),
    ("same", False): Text(
        "transposed, padding='same': I × S for input size I, stride S; each input position "
        "becomes S output positions, whatever the kernel size",
        "转置卷积，填充 padding='same'：I × S，I 为输入尺寸，S 为步长；每个输入位置变为 S 个输出位置，"
        "与核尺寸无关",
    ),
    ("same", True): Text(
        "transposed, padding='same' with output_padding P: (I - 1) × S + (K mod 2) + P for input "
        "size I, kernel size K, stride S (Keras' rule: K mod 2 is 1 for an odd kernel, 0 for an even one)",
        "转置卷积，填充 padding='same'，输出填充 output_padding 为 P：(I - 1) × S + (K mod 2) + P，"
        "I 为输入尺寸，K 为核尺寸，S 为步长（Keras 的规则：奇数核 K mod 2 为 1，偶数核为 0）",
    ),
}
DILATED_KERNEL_NOTE = Text(
    "; with dilation D, K is the dilated size D × (K - 1) + 1",
    "；膨胀率为 D 时，K 取膨胀后的尺寸 D × (K - 1) + 1",
)


def transpose_rule(padding: str, output_padding, dilation: int = 1) -> Text:
    """The transposed-convolution size rule, in words."""
    rule = TRANSPOSE_RULES[(padding, output_padding is not None)]
    if dilation > 1:
        return Text(rule.en + DILATED_KERNEL_NOTE.en, rule.zh + DILATED_KERNEL_NOTE.zh)
    return rule


def transpose_output(size, kernel: int, stride: int, padding: str, output_padding=None,
                     dilation: int = 1) -> Derived:
    """Output size of a transposed convolution along one axis, with Keras' formula."""
    if padding not in ("valid", "same"):
        raise ValueError(
            f"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}"
        )
    if size is None:
        return Derived(None, "None")
    k = effective_kernel(kernel, dilation)
    k_text = str(k) if dilation == 1 else f"({dilation} × ({kernel} - 1) + 1)"
    if padding == "valid":
        if output_padding is None:
            return Derived((size - 1) * stride + max(k, stride),
                           f"({size} - 1) × {stride} + max({k_text}, {stride})")
        return Derived((size - 1) * stride + k + output_padding,
                       f"({size} - 1) × {stride} + {k_text} + {output_padding}")
    if output_padding is None:
        return Derived(size * stride, f"{size} × {stride}")
    return Derived((size - 1) * stride + k % 2 + output_padding,
                   f"({size} - 1) × {stride} + {k_text} mod 2 + {output_padding}")


def transpose_outputs(input_shape, sizes, strides, padding: str, output_paddings, dilations,
                      data_format: str) -> list[Derived]:
    """One :class:`Derived` output size per spatial axis of a transposed convolution."""
    return [
        transpose_output(input_shape[axis], sizes[i], strides[i], padding,
                         None if output_paddings is None else output_paddings[i], dilations[i])
        for i, axis in enumerate(spatial_axes(len(sizes), data_format))
    ]
