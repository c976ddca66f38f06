"""torch's dtypes as names and sizes (``torch.float16.itemsize == 2``)."""

from __future__ import annotations


class dtype:
    __slots__ = ("name", "bits", "is_floating_point")

    def __init__(self, name: str, bits: int, is_floating_point: bool):
        self.name, self.bits, self.is_floating_point = name, bits, is_floating_point

    @property
    def itemsize(self) -> int:
        return max(1, self.bits // 8)

    def __repr__(self):
        return f"torch.{self.name}"


float32 = float = dtype("float32", 32, True)
float64 = double = dtype("float64", 64, True)
float16 = half = dtype("float16", 16, True)
bfloat16 = dtype("bfloat16", 16, True)
float8_e4m3fn = dtype("float8_e4m3fn", 8, True)
float8_e5m2 = dtype("float8_e5m2", 8, True)
int64 = long = dtype("int64", 64, False)
int32 = int = dtype("int32", 32, False)
int16 = short = dtype("int16", 16, False)
int8 = dtype("int8", 8, False)
uint8 = dtype("uint8", 8, False)
bool = dtype("bool", 8, False)

BY_NAME = {d.name: d for d in (float32, float64, float16, bfloat16, float8_e4m3fn, float8_e5m2,
                               int64, int32, int16, int8, uint8, bool)}
BY_NAME.update(float=float32, double=float64, half=float16, long=int64, int=int32)


def promote(a: dtype, b: dtype) -> dtype:
    """The result dtype of a binary op (floating beats integer, then the wider wins)."""
    if a is b:
        return a
    if a.is_floating_point != b.is_floating_point:
        return a if a.is_floating_point else b
    if a.bits != b.bits:
        return a if a.bits > b.bits else b
    return float32 if a.is_floating_point else a
