"""A symbolic ``torch.Tensor``: a shape and a dtype on the "meta" device, no data.

Every operation computes its result's shape with torch's rules and records what it costs
(:func:`nncalc.flops.trace.emit`): products as ``mm``/``bmm``, elementwise functions as
``elementwise`` with their result count, reductions by their input count; views, copies
and dtype casts cost nothing.
"""

from __future__ import annotations

from ..flops.trace import emit
from . import _dtype
from ._shapes import ShapeError, Size, broadcast, matmul_shapes, numel, view_shape, wrap_dim


def _shape_of(x):
    return x.shape if isinstance(x, Tensor) else ()


def _dtype_of(x, other):
    if isinstance(x, Tensor):
        return x.dtype
    if isinstance(x, float) and not other.is_floating_point:
        return _dtype.float32
    return other


class Tensor:
    """A tensor of known shape and dtype and no values."""

    __slots__ = ("shape", "dtype", "requires_grad", "__weakref__")
    device = "meta"
    is_meta = True

    def __init__(self, shape, dtype=None, requires_grad=False):
        self.shape = Size(int(d) for d in shape)
        self.dtype = dtype or _dtype.float32
        self.requires_grad = requires_grad

    # -- what it is -------------------------------------------------------------------
    def size(self, dim=None):
        return self.shape if dim is None else self.shape[wrap_dim(dim, self.ndim)]

    def dim(self) -> int:
        return len(self.shape)

    ndim = property(dim)

    def numel(self) -> int:
        return numel(self.shape)

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> float:
        return self.numel() * self.dtype.bits / 8

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __repr__(self):
        return f"tensor(..., device='meta', size={tuple(self.shape)}, dtype={self.dtype!r})"

    def __bool__(self):
        raise RuntimeError("nncalc: a symbolic tensor has no value to test (the shapes are known, the data is not)")

    # -- free: views, copies, casts ---------------------------------------------------
    def _like(self, shape, dtype=None):
        return Tensor(shape, dtype or self.dtype)

    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
            return self._like(self.shape, shape[0])
        return self._like(view_shape(self.shape, shape))

    reshape = view

    def contiguous(self, *args, **kwargs):
        return self

    def to(self, *args, **kwargs):
        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, _dtype.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
        return self if dtype is None or dtype is self.dtype else self._like(self.shape, dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def float(self):
        return self.to(_dtype.float32)

    def half(self):
        return self.to(_dtype.float16)

    def bfloat16(self):
        return self.to(_dtype.bfloat16)

    def detach(self):
        return self

    def clone(self, *args, **kwargs):
        return self._like(self.shape)

    def transpose(self, dim0, dim1):
        shape = list(self.shape)
        a, b = wrap_dim(dim0, self.ndim), wrap_dim(dim1, self.ndim)
        shape[a], shape[b] = shape[b], shape[a]
        return self._like(shape)

    @property
    def T(self):
        return self._like(tuple(reversed(self.shape)))

    def permute(self, *dims):
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        order = [wrap_dim(d, self.ndim) for d in dims]
        if sorted(order) != list(range(self.ndim)):
            raise ShapeError("permute(): dims do not match the tensor's dimensions")
        return self._like([self.shape[d] for d in order])

    def unsqueeze(self, dim):
        shape = list(self.shape)
        shape.insert(wrap_dim(dim, self.ndim + 1), 1)
        return self._like(shape)

    def squeeze(self, dim=None):
        if dim is None:
            return self._like([d for d in self.shape if d != 1])
        d = wrap_dim(dim, self.ndim)
        return self._like(self.shape[:d] + self.shape[d + 1:]) if self.shape and self.shape[d] == 1 else self

    def flatten(self, start_dim=0, end_dim=-1):
        if not self.shape:
            return self._like((1,))
        s, e = wrap_dim(start_dim, self.ndim), wrap_dim(end_dim, self.ndim)
        return self._like(self.shape[:s] + (numel(self.shape[s:e + 1]),) + self.shape[e + 1:])

    def expand(self, *sizes):
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        lead = len(sizes) - self.ndim
        shape = [self.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes)]
        broadcast(self.shape, shape)
        return self._like(shape)

    def split(self, split_size, dim=0):
        d = wrap_dim(dim, self.ndim)
        total = self.shape[d]
        sizes = list(split_size) if isinstance(split_size, (list, tuple)) else \
            [min(split_size, total - i) for i in range(0, total, split_size)]
        if sum(sizes) != total:
            raise ShapeError(f"split_with_sizes expects split_sizes to sum exactly to {total}")
        return tuple(self._like(self.shape[:d] + (s,) + self.shape[d + 1:]) for s in sizes)

    def chunk(self, chunks, dim=0):
        total = self.shape[wrap_dim(dim, self.ndim)]
        return self.split(-(-total // chunks), dim)

    def __getitem__(self, index):
        if not isinstance(index, tuple):
            index = (index,)
        shape, d = [], 0
        if Ellipsis in index:
            at = index.index(Ellipsis)
            fill = self.ndim - (len([i for i in index if i is not None]) - 1)
            index = index[:at] + (slice(None),) * fill + index[at + 1:]
        for item in index:
            if item is None:
                shape.append(1)
                continue
            if isinstance(item, slice):
                shape.append(len(range(*item.indices(self.shape[d]))))
            elif isinstance(item, Tensor):
                shape.extend(item.shape)
            elif not isinstance(item, int):
                raise TypeError(f"nncalc: unsupported index {item!r}")
            d += 1
        return self._like(shape + list(self.shape[d:]))

    # -- elementwise ------------------------------------------------------------------
    def _binary(self, other, name):
        shape = broadcast(self.shape, _shape_of(other))
        emit("elementwise", (numel(shape),), name)
        return Tensor(shape, _dtype.promote(self.dtype, _dtype_of(other, self.dtype)))

    def _rbinary(self, other, name):
        return self._binary(other, name)

    def _unary(self, name, dtype=None):
        emit("elementwise", (self.numel(),), name)
        return self._like(self.shape, dtype)

    def __add__(self, o): return self._binary(o, "add")
    def __radd__(self, o): return self._binary(o, "add")
    def __sub__(self, o): return self._binary(o, "sub")
    def __rsub__(self, o): return self._binary(o, "sub")
    def __mul__(self, o): return self._binary(o, "mul")
    def __rmul__(self, o): return self._binary(o, "mul")
    def __truediv__(self, o): return self._binary(o, "div")
    def __rtruediv__(self, o): return self._binary(o, "div")
    def __pow__(self, o): return self._binary(o, "pow")
    def __neg__(self): return self._unary("neg")
    def __iadd__(self, o): return self._binary(o, "add")
    def __imul__(self, o): return self._binary(o, "mul")
    def __itruediv__(self, o): return self._binary(o, "div")

    add, sub, mul, div, pow = __add__, __sub__, __mul__, __truediv__, __pow__

    def rsqrt(self): return self._unary("rsqrt")
    def sqrt(self): return self._unary("sqrt")
    def exp(self): return self._unary("exp")
    def tanh(self): return self._unary("tanh")
    def sigmoid(self): return self._unary("sigmoid")
    def neg(self): return self._unary("neg")
    def cos(self): return self._unary("cos")
    def sin(self): return self._unary("sin")

    def masked_fill(self, mask, value):
        return self._binary(mask, "masked_fill")

    # -- reductions -------------------------------------------------------------------
    def _reduce(self, name, dim=None, keepdim=False, dtype=None):
        emit("reduction", (self.numel(),), name)
        if dim is None:
            return self._like((), dtype)
        dims = {wrap_dim(d, self.ndim) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))}
        shape = [1 if i in dims else s for i, s in enumerate(self.shape) if keepdim or i not in dims]
        return self._like(shape, dtype)

    def sum(self, dim=None, keepdim=False, dtype=None):
        return self._reduce("sum", dim, keepdim, dtype)

    def mean(self, dim=None, keepdim=False, dtype=None):
        return self._reduce("mean", dim, keepdim, dtype)

    def softmax(self, dim, dtype=None):
        emit("softmax", (self.numel(),), "softmax")
        return self._like(self.shape, dtype)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        d = wrap_dim(dim, self.ndim)
        shape = self.shape[:d] + (k,) + self.shape[d + 1:]
        emit("gather", (numel(shape),), "topk")
        return self._like(shape), Tensor(shape, _dtype.int64)

    # -- products ---------------------------------------------------------------------
    def matmul(self, other):
        out, batch, m, k, n = matmul_shapes(self.shape, other.shape)
        if other.ndim <= 2 or batch == 1 and self.ndim <= 2:
            emit("mm", (batch * m, k, n), "matmul")
        else:
            emit("bmm", (batch, m, k, n), "matmul")
        return Tensor(out, _dtype.promote(self.dtype, other.dtype))

    __matmul__ = matmul

    def bmm(self, other):
        if self.ndim != 3 or other.ndim != 3:
            raise ShapeError("batch1 and batch2 must be 3D tensors")
        return self.matmul(other)
