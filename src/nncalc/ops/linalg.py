"""``keras.ops.linalg``: shapes and dtypes of ``keras/src/ops/linalg.py``'s ``compute_output_spec``.

``norm`` reduces like ``sum`` (an int or bool input gives floatx); ``inv`` and
``cholesky`` keep the shape of a square matrix (batch ``(..., M, M)``), ``det`` drops
the two matrix axes, ``eig``/``eigh`` give ``(..., M)`` values and ``(..., M, M)``
vectors, ``qr`` gives ``(..., M, K)`` and ``(..., K, N)`` (K = min(M, N); mode
'complete': ``(..., M, M)`` and ``(..., M, N)``), ``svd`` ``u, s, v``, ``lu_factor``
``(..., M, N)`` and ``(..., K)``; ``solve``/``solve_triangular`` take ``b``'s shape.

Costs: a vector (or Frobenius) norm is 2 FLOPs per input element (a square, an add);
decompositions, inverses and solves are iterative or pivoted: not counted, and said so.
"""

from __future__ import annotations

from ..core import cost
from ..core.explain import Text
from .base import Operation, Spec, apply, operand_shape
from .dtypes import FLOATX
from .numpy import _dtype
from .shapes import reduce_shape


def _rank(shape, least: int) -> None:
    if len(shape) < least:
        if least == 1:
            raise ValueError("Expected input to have rank >= 1. Received scalar input.")
        raise ValueError(f"Expected input to have rank >= 2. Received input with shape {tuple(shape)}.")


def _square(shape) -> None:
    if shape[-2] != shape[-1]:
        raise ValueError(f"Expected a square matrix. Received non-square input with shape {tuple(shape)}")


class Norm(Operation):
    """``norm(x, ord=None, axis=None, keepdims=False)``: the axes reduced (as ``sum``); floatx for ints."""

    operation = Text("norm (a square and an add per element)", "范数（每个元素一次平方、一次加法）")
    shape_rule = Text("the reduced axes are removed (kept as 1 with keepdims)", "去掉被归约的维度（keepdims 时保留为 1）")

    def __init__(self, ord=None, axis=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(ord, str) and ord not in ("fro", "nuc"):
            raise ValueError("Invalid `ord` argument. Expected one of {'fro', 'nuc'} when using string. "
                             f"Received: ord={ord}")
        self.ord, self.axis, self.keepdims = ord, [axis] if isinstance(axis, int) else axis, keepdims

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        dtype = _dtype(x)
        if "int" in dtype or dtype == "bool":
            dtype = FLOATX
        axes = tuple(range(len(shape))) if self.axis is None else self.axis
        if len(axes) == 1 and isinstance(self.ord, str):
            raise ValueError(f"Invalid `ord` argument for vector norm. Received: ord={self.ord}")
        if len(axes) == 2 and self.ord not in (None, "fro", "nuc", float("inf"), float("-inf"), 1, -1, 2, -2):
            raise ValueError(f"Invalid `ord` argument for matrix norm. Received: ord={self.ord}")
        self._matrix = len(axes) == 2 and self.ord not in (None, "fro")
        return Spec(reduce_shape(shape, axis=self.axis, keepdims=self.keepdims), dtype)

    def cost_for_call(self, output_shape, *args, **kwargs):
        """FLOPs = 2 × input elements (vector and Frobenius norms); matrix norms by SVD: not counted."""
        if self._matrix or not self._in_shapes:
            return cost.not_modelled(f"Norm(ord={self.ord!r})")
        return cost.Cost([cost.flops(self.operation, cost.elements(self._in_shapes[0]),
                                     cost.Factor(2, "2", Text("per element", "每个元素")))])


class _Matrix(Operation):
    """A linear-algebra routine on ``(..., M, N)`` matrices; its FLOPs are not counted."""

    operation = Text("linear algebra on matrices", "矩阵线性代数运算")

    def cost_for_call(self, output_shape, *args, **kwargs):
        return cost.not_modelled(type(self).__name__)


class Inv(_Matrix):
    """``inv(x)``: a square matrix, shape kept."""

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        _rank(shape, 2)
        _square(shape)
        return Spec(shape, _dtype(x))


class Cholesky(Inv):
    """``cholesky(x, upper=False)``: a square matrix, shape kept."""

    def __init__(self, upper=False, **kwargs):
        super().__init__(**kwargs)
        self.upper = upper


class Det(_Matrix):
    """``det(x)``: ``(..., M, M)`` → ``(...)``."""

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        _rank(shape, 2)
        _square(shape)
        return Spec(shape[:-2], _dtype(x))


class Eig(_Matrix):
    """``eig(x)``: eigenvalues ``(..., M)`` and eigenvectors ``(..., M, M)``."""

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        _rank(shape, 2)  # Keras checks squareness first: an IndexError (rank < 2) fails the same way
        _square(shape)
        return [Spec(shape[:-1], _dtype(x)), Spec(shape, _dtype(x))]


class Eigh(Eig):
    """``eigh(x)``: as ``eig``."""


class LuFactor(_Matrix):
    """``lu_factor(x)``: ``(..., M, N)`` and pivots ``(..., min(M, N))``."""

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        _rank(shape, 2)
        m, n = shape[-2:]
        k = min(m, n)  # a None size fails (TypeError) as in Keras
        return [Spec(shape[:-2] + (m, n), _dtype(x)), Spec(shape[:-2] + (k,), _dtype(x))]


class Qr(_Matrix):
    """``qr(x, mode='reduced')``: q ``(..., M, K)`` and r ``(..., K, N)``; 'complete': ``(..., M, M)``, ``(..., M, N)``."""

    def __init__(self, mode="reduced", **kwargs):
        super().__init__(**kwargs)
        self.mode = mode

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        if len(shape) < 2:
            raise ValueError(f"Input should have rank >= 2. Received: input.shape = {tuple(shape)}")
        m, n = shape[-2:]
        if m is None or n is None:
            raise ValueError("Input should have its last 2 dimensions fully-defined. Received: "
                             f"input.shape = {tuple(shape)}")
        k, base = min(m, n), tuple(shape[:-2])
        if self.mode == "reduced":
            return [Spec(base + (m, k), _dtype(x)), Spec(base + (k, n), _dtype(x))]
        return [Spec(base + (m, m), _dtype(x)), Spec(base + (m, n), _dtype(x))]


class SVD(_Matrix):
    """``svd(x)``: u ``(..., M, M)``, s ``(..., K)``, v ``(..., N, N)`` (not full: ``(..., M, K)``,
    ``(..., K, N)``); only s without ``compute_uv``."""

    def __init__(self, full_matrices=True, compute_uv=True, **kwargs):
        super().__init__(**kwargs)
        self.full_matrices, self.compute_uv = full_matrices, compute_uv

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        _rank(shape, 2)
        rows, columns = shape[-2:]
        batches = tuple(shape[:-2])
        k = min(rows, columns)
        s = Spec(batches + (k,), _dtype(x))
        if not self.compute_uv:
            return s
        if self.full_matrices:
            u, v = batches + (rows, rows), batches + (columns, columns)
        else:
            u, v = batches + (rows, k), batches + (k, columns)
        return [Spec(u, _dtype(x)), s, Spec(v, _dtype(x))]


class Solve(_Matrix):
    """``solve(a, b)``: a square ``a``; the result has ``b``'s shape and dtype."""

    def compute_output_spec(self, a, b):
        ashape, bshape = operand_shape(a), operand_shape(b)
        _rank(ashape, 2)
        _square(ashape)
        _rank(bshape, 1)
        if len(ashape) == len(bshape) and ashape[-2] != bshape[-2]:
            raise ValueError("Incompatible shapes between `a` and `b`. Expected `a.shape[-2] == b.shape[-2]`. "
                             f"Received: a.shape={tuple(ashape)}, b.shape={tuple(bshape)}")
        if len(ashape) == len(bshape) - 1 and ashape[-1] != bshape[-1]:
            raise ValueError("Incompatible shapes between `a` and `b`. Expected `a.shape[-1] == b.shape[-1]`. "
                             f"Received: a.shape={tuple(ashape)}, b.shape={tuple(bshape)}")
        return Spec(bshape, _dtype(b))


class SolveTriangular(Solve):
    """``solve_triangular(a, b, lower=False)``: as ``solve``."""

    def __init__(self, lower=False, **kwargs):
        super().__init__(**kwargs)
        self.lower = lower


def norm(x, ord=None, axis=None, keepdims=False):
    return apply(Norm, (x,), ord=ord, axis=axis, keepdims=keepdims)


def inv(x):
    return apply(Inv, (x,))


def cholesky(x, upper=False):
    return apply(Cholesky, (x,), upper=upper)


def det(x):
    return apply(Det, (x,))


def eig(x):
    return tuple(apply(Eig, (x,)))


def eigh(x):
    return tuple(apply(Eigh, (x,)))


def lu_factor(x):
    return tuple(apply(LuFactor, (x,)))


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"`mode` argument value not supported. Expected one of {{'reduced', 'complete'}}. "
                         f"Received: mode={mode}")
    return tuple(apply(Qr, (x,), mode=mode))


def svd(x, full_matrices=True, compute_uv=True):
    out = apply(SVD, (x,), full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(out) if isinstance(out, list) else out


def solve(a, b):
    return apply(Solve, (a, b))


def solve_triangular(a, b, lower=False):
    return apply(SolveTriangular, (a, b), lower=lower)


# TF profiler (--flops-convention tf, measured: tests/analysis/tf_profiler_cases.py ``ops_*``):
# MatrixInverse, Cholesky, MatrixDeterminant, SelfAdjointEigV2, Qr, Svd and MatrixSolve have no
# registered "flops" statistic: the profiler counts 0. Norm, Eig, LuFactor, SolveTriangular: not modelled.
Inv.tf_ops = Cholesky.tf_ops = Det.tf_ops = Eigh.tf_ops = Qr.tf_ops = SVD.tf_ops = {}
Solve.tf_ops = {}
SolveTriangular.tf_ops = None
