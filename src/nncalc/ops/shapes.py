"""Shape rules of ``keras.src.ops.operation_utils``, rule for rule (errors included)."""

from __future__ import annotations

import math
import operator


def canonicalize_axis(axis, num_dims: int) -> int:
    """An axis in [-num_dims, num_dims) as a non-negative index."""
    axis = operator.index(axis)
    if not -num_dims <= axis < num_dims:
        raise ValueError(f"axis {axis} is out of bounds for an array with dimension {num_dims}.")
    return axis + num_dims if axis < 0 else axis


def to_tuple_or_list(value):
    if value is None:
        return value
    if not isinstance(value, (int, tuple, list)):
        raise ValueError(f"`value` must be an integer, tuple or list. Received: value={value}")
    return (value,) if isinstance(value, int) else value


def broadcast_shapes(shape1, shape2) -> tuple:
    """Align on the last axes; a 1 takes the other size, ``None`` stays unknown unless the other is fixed."""
    shape1, shape2 = list(shape1), list(shape2)
    origin1, origin2 = shape1, shape2
    if len(shape1) > len(shape2):
        shape2 = [1] * (len(shape1) - len(shape2)) + shape2
    if len(shape1) < len(shape2):
        shape1 = [1] * (len(shape2) - len(shape1)) + shape1
    out = list(shape1)
    for i, (a, b) in enumerate(zip(shape1, shape2)):
        if a == 1:
            out[i] = b
        elif a is None:
            out[i] = None if b == 1 else b
        elif b == 1 or b is None or b == a:
            out[i] = a
        else:
            raise ValueError(
                f"Cannot broadcast shape, the failure dim has value {a}, which cannot be "
                f"broadcasted to {b}. Input shapes are: {origin1} and {origin2}."
            )
    return tuple(out)


def matmul_shape(shape1, shape2) -> tuple:
    """``(..., n, k) @ (..., k, m) -> (broadcast ..., n, m)``; a 1-D operand loses its temporary axis."""
    shape1, shape2 = tuple(shape1), tuple(shape2)
    x1_1d, x2_1d = len(shape1) == 1, len(shape2) == 1
    if x1_1d:
        shape1 = (1, shape1[0])
    if x2_1d:
        shape2 = (shape2[0], 1)
    if shape1[-1] is not None and shape2[-2] is not None and shape1[-1] != shape2[-2]:
        raise ValueError(
            "Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received "
            f"`x1.shape={shape1}` and `x2.shape={shape2}`."
        )
    out = list(broadcast_shapes(shape1[:-2], shape2[:-2])) + [shape1[-2], shape2[-1]]
    if x1_1d:
        del out[-2]
    if x2_1d:
        del out[-1]
    return tuple(out)


def _is_int(dim) -> bool:
    return isinstance(dim, int) or type(dim).__name__.startswith(("int", "uint"))


def reshape_shape(input_shape, newshape, arg: str = "newshape") -> tuple:
    """``-1`` becomes the size that keeps the element count (or ``None`` when a dim is unknown)."""
    if hasattr(newshape, "shape") and not isinstance(newshape, (tuple, list)):
        shape = tuple(newshape.shape)
        return (None,) * shape[0] if len(shape) == 1 and shape[0] is not None else (None,)
    if isinstance(newshape, int):
        newshape = (newshape,)
    count = 0
    for dim in newshape:
        if not _is_int(dim):
            continue
        if dim < -1:
            raise ValueError(f"Each dimension in `{arg}` must be a non-negative integer, or `-1` for "
                             f"a single unknown dimension. Received: {arg}={newshape}.")
        count += dim == -1
    if count > 1:
        raise ValueError(f"There must be at most one unknown dimension (-1) in `{arg}`. "
                         f"Received: {arg}={newshape}.")
    newshape = tuple(int(d) if _is_int(d) else None for d in newshape)
    if None in input_shape or None in newshape:
        return tuple(None if d == -1 else d for d in newshape)
    size = math.prod(input_shape)
    if count == 0:
        if size != math.prod(newshape):
            raise ValueError("The total size of the tensor must be unchanged. Received: "
                             f"input_shape={tuple(input_shape)}, {arg}={newshape}")
        return newshape
    known = math.prod(d for d in newshape if d != -1)
    if known == 0 or size % known != 0:
        raise ValueError(
            "The total size of the tensor must be unchanged, however, the input size cannot by "
            f"divided by the specified dimensions in {arg}. Received: input_shape={tuple(input_shape)}, "
            f"{arg}={newshape}")
    return tuple(size // known if d == -1 else d for d in newshape)


def transpose_shape(input_shape, axes) -> tuple:
    """The input's dims in the order ``axes`` gives (reversed when ``axes`` is None)."""
    input_shape = list(input_shape)
    if axes is None:
        return tuple(input_shape[::-1])
    ndim = len(input_shape)
    if len(axes) != ndim:
        raise ValueError("axis must be a list of the same length as the input shape, "
                         f"expected {ndim}, but received {len(axes)}.")
    normalized = []
    for ax in axes:
        if not isinstance(ax, int) or ax < -ndim or ax >= ndim:
            raise ValueError(f"Each axis in `axes` must be an integer in [-{ndim}, {ndim}). "
                             f"Received: axes={list(axes)}.")
        normalized.append(ax % ndim)
    if len(set(normalized)) != ndim:
        raise ValueError("`axes` must be a valid permutation of the input dimensions (no duplicates). "
                         f"Received: axes={list(axes)} for input of rank {ndim}.")
    return tuple(input_shape[ax] for ax in normalized)


def expand_dims_shape(input_shape, axis) -> tuple:
    """A size-1 axis inserted at each of ``axis`` (positions in the output)."""
    input_shape = list(input_shape)
    if axis is None:
        axis = len(input_shape)
    axis = to_tuple_or_list(axis)
    out_ndim = len(axis) + len(input_shape)
    axis = [canonicalize_axis(a, out_ndim) for a in axis]
    it = iter(input_shape)
    return tuple(1 if ax in axis else next(it) for ax in range(out_ndim))


def reduce_shape(shape, axis=None, keepdims=False) -> tuple:
    """The reduced axes removed (or kept as 1 with ``keepdims``); ``axis=None`` reduces all."""
    shape = list(shape)
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    if isinstance(axis, int):
        axis = (axis,)
    axis = tuple(canonicalize_axis(a, len(shape)) for a in axis)
    if keepdims:
        for ax in axis:
            shape[ax] = 1
        return tuple(shape)
    for ax in sorted(axis, reverse=True):
        del shape[ax]
    return tuple(shape)


def take_along_axis_shape(input_shape, indices_shape, axis) -> tuple:
    input_shape, indices_shape = list(input_shape), list(indices_shape)
    if axis is None:
        input_shape = [None] if None in input_shape else [math.prod(input_shape)]
    if len(input_shape) != len(indices_shape):
        raise ValueError("`x` and `indices` must have the same number of dimensions, "
                         f"but receive shape {input_shape} and {indices_shape}.")
    axis = canonicalize_axis(axis, len(input_shape)) if axis is not None else 0
    input_shape[axis] = indices_shape[axis]
    return broadcast_shapes(input_shape, indices_shape)


def shape_equal(shape1, shape2, axis=None, allow_none=True) -> bool:
    """Keras' ``shape_equal``: equal ranks and sizes, ignoring ``axis`` and (optionally) ``None``."""
    if len(shape1) != len(shape2):
        return False
    shape1, shape2 = list(shape1), list(shape2)
    if axis is not None:
        if isinstance(axis, int):
            axis = [axis]
        for ax in axis:
            shape1[ax] = -1
            shape2[ax] = -1
    if allow_none:
        for i in range(len(shape1)):
            if shape1[i] is None:
                shape1[i] = shape2[i]
            if shape2[i] is None:
                shape2[i] = shape1[i]
    return shape1 == shape2


def conv_shape(input_shape, filters, kernel_size, strides=1, padding="valid",
               data_format="channels_last", dilation_rate=1) -> tuple:
    """Keras' ``compute_conv_output_shape``: valid ``floor((I - D·(K-1) - 1) / S) + 1``,
    same/causal ``floor((I - 1) / S) + 1``; ``None`` stays ``None``."""
    input_shape = tuple(input_shape)
    kernel_size = tuple(kernel_size)
    if data_format == "channels_last":
        spatial, kernel_shape = input_shape[1:-1], kernel_size + (input_shape[-1], filters)
    else:
        spatial, kernel_shape = input_shape[2:], kernel_size + (input_shape[1], filters)
    if len(kernel_shape) != len(input_shape):
        raise ValueError("Kernel shape must have the same length as input, but received kernel of shape "
                         f"{kernel_shape} and input of shape {input_shape}.")
    if isinstance(dilation_rate, int):
        dilation_rate = (dilation_rate,) * len(spatial)
    if isinstance(strides, int):
        strides = (strides,) * len(spatial)
    if len(dilation_rate) != len(spatial):
        raise ValueError("Dilation must be None, scalar or tuple/list of length of inputs' spatial shape, "
                         f"but received `dilation_rate={dilation_rate}` and input of shape {input_shape}.")
    out = []
    for size, k, d, s in zip(spatial, kernel_shape[:-2], dilation_rate, strides):
        if size is None:
            out.append(None)
        elif padding == "valid":
            value = (size - d * (k - 1) - 1) // s + 1
            if value <= 0:
                raise ValueError(
                    f"Computed output size would be zero or negative. Received `inputs shape={input_shape}`, "
                    f"`kernel shape={kernel_shape}`, `dilation_rate={list(dilation_rate)}`, "
                    f"`strides={strides}`, `padding={padding}`.")
            out.append(value)
        elif padding in ("same", "causal"):
            out.append((size - 1) // s + 1)
        else:
            raise ValueError(f"`padding` must be either `'valid'` or `'same'`. Received {padding}.")
    if data_format == "channels_last":
        return (input_shape[0],) + tuple(out) + (kernel_shape[-1],)
    return (input_shape[0], kernel_shape[-1]) + tuple(out)
