"""torch's shape rules: broadcasting, view sizes, matmul, dimension wrapping."""

from __future__ import annotations


class ShapeError(RuntimeError):
    """An operation whose shapes torch would reject (torch raises RuntimeError too)."""


class Size(tuple):
    """``torch.Size``: a tuple of ints."""

    def numel(self) -> int:
        n = 1
        for d in self:
            n *= d
        return n

    def __repr__(self):
        return f"torch.Size({list(self)})"


def numel(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def wrap_dim(dim: int, rank: int) -> int:
    """A dimension index in range(rank), negative ones counted from the end (as torch)."""
    size = max(rank, 1)
    if not -size <= dim < size:
        raise ShapeError(f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size


def broadcast(a, b) -> tuple:
    """The broadcast shape of ``a`` and ``b`` (numpy's rule, as torch)."""
    result = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            raise ShapeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {max(len(a), len(b)) - i}")
        result.append(y if x == 1 else x)
    return tuple(reversed(result))


def view_shape(shape, new) -> tuple:
    """The shape ``view``/``reshape`` gives (one -1 inferred)."""
    if len(new) == 1 and isinstance(new[0], (tuple, list)):
        new = tuple(new[0])
    total = numel(shape)
    if list(new).count(-1) > 1:
        raise ShapeError("only one dimension can be inferred")
    known = numel(d for d in new if d != -1)
    if -1 in new:
        if known == 0 or total % known:
            raise ShapeError(f"shape '{list(new)}' is invalid for input of size {total}")
        new = tuple(total // known if d == -1 else d for d in new)
    elif known != total:
        raise ShapeError(f"shape '{list(new)}' is invalid for input of size {total}")
    return tuple(int(d) for d in new)


def matmul_shapes(a, b):
    """(output shape, batch count, m, k, n) of ``a @ b`` with torch's rules."""
    if not a or not b:
        raise ShapeError("both arguments to matmul need to be at least 1D")
    a2 = (1,) + tuple(a) if len(a) == 1 else tuple(a)
    b2 = tuple(b) + (1,) if len(b) == 1 else tuple(b)
    m, k = a2[-2], a2[-1]
    k2, n = b2[-2], b2[-1]
    if k != k2:
        raise ShapeError(f"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})")
    batch = broadcast(a2[:-2], b2[:-2])
    out = batch + ((m,) if len(a) > 1 else ()) + ((n,) if len(b) > 1 else ())
    return out, numel(batch), m, k, n
