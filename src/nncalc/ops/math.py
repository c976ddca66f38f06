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
        from ..core import cost

        return cost.not_modelled("top_k")


def top_k(x, k, sorted=True):
    values, indices = apply(TopK, (x,), k=k, sorted=sorted)
    return values, indices


class Erf(UnaryOperation):
    """``erf(x)``, element by element: shape and dtype kept."""


def erf(x):
    return apply(Erf, (x,))
