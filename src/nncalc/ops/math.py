"""``keras.ops`` math: ``top_k``, ``erf`` (``keras/src/ops/math.py``)."""

from __future__ import annotations

from ..core.explain import Text
from .base import Operation, Spec, apply, operand_shape
from .numpy import UnaryOperation, _dtype


class TopK(Operation):
    """``top_k(x, k)``: (values, indices), the last axis becomes k; indices are int32."""

    operation = Text("top-k selection", "取前 k 个")
    shape_rule = Text("the last axis becomes k", "最后一维变为 k")

    def __init__(self, k, sorted=True, **kwargs):
        super().__init__(**kwargs)
        self.k, self.sorted = k, sorted

    def compute_output_spec(self, x):
        shape = list(operand_shape(x))
        shape[-1] = self.k
        return [Spec(shape, _dtype(x)), Spec(shape, "int32")]

    def cost_for_call(self, output_shape, *args, **kwargs):
        """FLOPs = input elements, as a reduction (one comparison per element read): exact for
        k = 1 (an argmax), a lower bound for larger k, whose count depends on the algorithm."""
        from ..core import cost

        shape = self._in_shapes[0] if self._in_shapes else output_shape[0]
        return cost.Cost([cost.flops(Text("top-k selection: one comparison per element read",
                                          "取前 k 个：每读一个元素比较一次"), cost.elements(shape))])


def top_k(x, k, sorted=True):
    values, indices = apply(TopK, (x,), k=k, sorted=sorted)
    return values, indices


class Erf(UnaryOperation):
    """``erf(x)``, element by element: shape and dtype kept."""


def erf(x):
    return apply(Erf, (x,))


# ------------------------------------------------------------------ Fourier transforms
def _complex_pair(x, least_rank: int, fixed_axes=()):
    """Keras' checks of an ``(real, imag)`` pair: two tensors of one shape, rank, fixed axes."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"Input `x` should be a tuple of two tensors - real and imaginary. Received: x={x}")
    real, imag = (tuple(operand_shape(part)) for part in x)
    if real != imag:
        raise ValueError("Input `x` should be a tuple of two tensors - real and imaginary. Both the real and "
                         f"imaginary parts should have the same shape. Received: x[0].shape = {real}, "
                         f"x[1].shape = {imag}")
    if len(real) < least_rank:
        raise ValueError(f"Input should have rank >= {least_rank}. Received: input.shape = {real}")
    if any(real[a] is None for a in fixed_axes):
        where = "last dimension" if fixed_axes == (-1,) else f"{fixed_axes} axes"
        raise ValueError(f"Input should have its {where} fully-defined. Received: input.shape = {real}")
    return real, _dtype(x[0]), _dtype(x[1])


class _Fourier(Operation):
    """A Fourier transform; nncalc does not count its FLOPs (said, never a silent 0)."""

    operation = Text("Fourier transform", "傅里叶变换")

    def cost_for_call(self, output_shape, *args, **kwargs):
        from ..core import cost

        return cost.not_modelled(type(self).__name__)


class FFT(_Fourier):
    """``fft((real, imag))`` along the last axis (it must be known): both shapes kept."""

    shape_rule = Text("the shapes are kept", "形状不变")
    least_rank, fixed_axes = 1, (-1,)

    def compute_output_spec(self, x):
        shape, real, imag = _complex_pair(x, self.least_rank, self.fixed_axes)
        return [Spec(shape, real), Spec(shape, imag)]


class FFT2(FFT):
    """``fft2((real, imag))`` over the last two axes (they must be known): both shapes kept."""

    least_rank, fixed_axes = 2, (-2, -1)


class IFFT2(FFT2):
    """``ifft2((real, imag))``: as ``fft2``."""


class RFFT(_Fourier):
    """``rfft(x, fft_length=None)``: the last axis becomes ``fft_length // 2 + 1`` (default: its size)."""

    shape_rule = Text("the last axis becomes fft_length // 2 + 1", "最后一维变为 fft_length // 2 + 1")

    def __init__(self, fft_length=None, **kwargs):
        super().__init__(**kwargs)
        self.fft_length = fft_length

    def compute_output_spec(self, x):
        shape = tuple(operand_shape(x))
        if len(shape) < 1:
            raise ValueError(f"Input should have rank >= 1. Received: input.shape = {shape}")
        length = self.fft_length if self.fft_length is not None else shape[-1]
        new = shape[:-1] + (None if length is None else length // 2 + 1,)
        return [Spec(new, _dtype(x)), Spec(new, _dtype(x))]


class IRFFT(_Fourier):
    """``irfft((real, imag), fft_length=None)``: the last axis becomes fft_length (default 2·(n - 1))."""

    shape_rule = Text("the last axis becomes fft_length, by default 2 × (n - 1)",
                      "最后一维变为 fft_length，默认 2 × (n - 1)")

    def __init__(self, fft_length=None, **kwargs):
        super().__init__(**kwargs)
        self.fft_length = fft_length

    def compute_output_spec(self, x):
        shape, real, _ = _complex_pair(x, 1)
        if self.fft_length is not None:
            last = self.fft_length
        else:
            last = None if shape[-1] is None else 2 * (shape[-1] - 1)
        return Spec(shape[:-1] + (last,), real)


class STFT(_Fourier):
    """``stft(x, sequence_length, sequence_stride, fft_length)``: the last axis of size n becomes
    (frames, fft_length // 2 + 1), frames = 1 + (n + padding - fft_length) // stride, padding =
    2 · (fft_length // 2) when centered; real and imaginary parts."""

    shape_rule = Text("the last axis n becomes (1 + (n + padding - fft_length) // stride, fft_length // 2 + 1)",
                      "最后一维 n 变为 (1 + (n + padding - fft_length) // stride, fft_length // 2 + 1)")

    def __init__(self, sequence_length, sequence_stride, fft_length, window="hann", center=True, **kwargs):
        super().__init__(**kwargs)
        self.sequence_length, self.sequence_stride, self.fft_length = sequence_length, sequence_stride, fft_length
        self.window, self.center = window, center

    def compute_output_spec(self, x):
        shape = tuple(operand_shape(x))
        frames = None
        if shape[-1] is not None:
            padded = 0 if self.center is False else (self.fft_length // 2) * 2
            frames = 1 + (shape[-1] + padded - self.fft_length) // self.sequence_stride
        new = shape[:-1] + (frames, self.fft_length // 2 + 1)
        return [Spec(new, _dtype(x)), Spec(new, _dtype(x))]


class ISTFT(_Fourier):
    """``istft((real, imag), ...)``: the last two axes (frames, bins) become one of size
    length, or (frames - 1) · stride + fft_length (minus 2 · (fft_length // 2) when centered)."""

    shape_rule = Text("(frames, bins) become (frames - 1) × stride + fft_length (minus the centering padding)",
                      "(帧数, 频点) 变为 (帧数 - 1) × stride + fft_length（居中时减去填充）")

    def __init__(self, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True,
                 **kwargs):
        super().__init__(**kwargs)
        self.sequence_length, self.sequence_stride, self.fft_length = sequence_length, sequence_stride, fft_length
        self.length, self.window, self.center = length, window, center

    def compute_output_spec(self, x):
        shape, real, _ = _complex_pair(x, 2)
        if shape[-2] is not None:
            size = (shape[-2] - 1) * self.sequence_stride + self.fft_length
            if self.length is not None:
                size = self.length
            elif self.center:
                size = size - (self.fft_length // 2) * 2
        else:
            size = self.length
        return Spec(shape[:-2] + (size,), real)


def _pair(x):
    return tuple(x) if isinstance(x, list) else x


def fft(x):
    return tuple(apply(FFT, (_pair(x),)))


def fft2(x):
    return tuple(apply(FFT2, (_pair(x),)))


def ifft2(x):
    return tuple(apply(IFFT2, (_pair(x),)))


def rfft(x, fft_length=None):
    return tuple(apply(RFFT, (x,), fft_length=fft_length))


def irfft(x, fft_length=None):
    return apply(IRFFT, (_pair(x),), fft_length=fft_length)


def _check_stride(sequence_stride):
    if not isinstance(sequence_stride, int) or sequence_stride <= 0:
        raise ValueError(f"`sequence_stride` must be a positive integer. Received: sequence_stride={sequence_stride}")


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    _check_stride(sequence_stride)
    return tuple(apply(STFT, (x,), sequence_length=sequence_length, sequence_stride=sequence_stride,
                       fft_length=fft_length, window=window, center=center))


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    _check_stride(sequence_stride)
    return apply(ISTFT, (_pair(x),), sequence_length=sequence_length, sequence_stride=sequence_stride,
                 fft_length=fft_length, length=length, window=window, center=center)


# TF profiler (--flops-convention tf, measured: tests/analysis/tf_profiler_cases.py ``ops_*``): TopKV2 and
# the FFT / RFFT / IRFFT ops have no registered "flops" statistic, so the profiler counts 0 for them.
# STFT / ISTFT also build the window and frames with counted Mul/AddV2/Sub/...: not modelled.
TopK.tf_ops = FFT.tf_ops = RFFT.tf_ops = IRFFT.tf_ops = {}


def _ifft2_tf_flops(self, output_shape, *args, **kwargs):
    """TF profiler: Keras' TF ifft2 is fft2 of the conjugate, then both parts divided by h·w:
    Neg 2N (−imag, −fft_imag) + RealDiv 2N + Mul 2 (the scalar h·w, twice), N = elements of one part."""
    from ..core.tf_flops import batch_1_elements

    n = batch_1_elements(output_shape[0])
    return {"Neg": 2 * n, "RealDiv": 2 * n, "Mul": 2}


IFFT2.tf_flops_for_call = _ifft2_tf_flops
