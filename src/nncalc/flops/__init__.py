"""FLOPs as data: the primitive operations a symbolic forward performs, and conventions
that turn them into one count.

While a :mod:`nncalc.torch` forward runs on shape-only tensors, every operation it performs
is recorded as an :class:`~nncalc.flops.trace.Op` (``mm(m, k, n)``, ``bmm(b, m, k, n)``,
``elementwise(kind, n)``, ...) tagged with the module that ran it. A *convention* is a
module of this package with ``count(op, options) -> int``: adding one is adding a module.

* ``nncalc``: every operation (2 per multiply-add, 1 per elementwise result, softmax 3 per
  element, reductions 1 per input element); attention's full score matrix unless
  ``causal_half`` (then only the (query, key) pairs the mask keeps).
* ``torch``: exactly what ``torch.utils.flop_counter.FlopCounterMode`` counts (mm, addmm,
  bmm, baddbmm, convolution, scaled-dot-product attention; 2 per multiply-add; nothing else).
* ``kaplan`` and ``megatron`` are closed formulas over the model's figures, not over ops:
  see :mod:`nncalc.flops.kaplan` and :mod:`nncalc.flops.megatron`.
"""

OP_CONVENTIONS = ("nncalc", "torch")
FORMULA_CONVENTIONS = ("kaplan", "megatron")
CONVENTIONS = OP_CONVENTIONS + FORMULA_CONVENTIONS


def convention(name: str):
    """The module of convention ``name`` (imported on first use)."""
    if name not in CONVENTIONS:
        raise ValueError(f"unknown FLOPs convention {name!r} (one of {', '.join(CONVENTIONS)})")
    import importlib

    return importlib.import_module(f"{__name__}.{name}_convention")
