"""nncalc's convention: every operation the forward performs.

2 FLOPs per multiply-add of a product (``mm``, ``bmm``, convolutions, fused attention), plus
1 per bias added (``addmm``, a convolution's bias), 1 per result of an elementwise function
(add, mul, rsqrt, silu, tanh ...: each counted as one operation, as nncalc counts Keras
activations), 1 per input element of a reduction (sum, mean), softmax 3 per element (exp, sum,
divide), a fused layer norm 7 per element (mean, subtract, square, variance sum, scale by
1/σ, × weight, + bias) and 2 per normalized row (+ ε, rsqrt), an RMS norm 4 per element and
2 per row; lookups, copies, views and casts 0.

Attention's score and value products and its softmax count the full (query × key) matrix,
as eager attention computes it (the causal mask is added to every score). With
``causal_half`` they count only the (query, key) pairs the mask keeps: Σᵢ min(past + i + 1,
window) keys for query i (about half the square for a causal prompt).
"""

from __future__ import annotations


def visible_pairs(q_len: int, past: int, window) -> int:
    """Σ over queries i < q_len of the keys it may see: min(past + i + 1, window)."""
    lo, hi = past + 1, past + q_len  # keys seen by the first and the last query, unwindowed
    if window is None or window >= hi:
        return (lo + hi) * q_len // 2
    if window <= lo:
        return window * q_len
    below = window - lo  # queries that see fewer than `window` keys
    return (lo + window - 1) * below // 2 + window * (q_len - below)


def _fraction(op, options):
    info = op.attention
    if info is None or not getattr(options, "causal_half", False):
        return None
    q_len, k_len, causal, window, past = info
    if not causal and window is None:
        return None
    return visible_pairs(q_len, past, window), q_len * k_len


def count(op, options=None) -> int:
    kind, d = op.kind, op.dims
    if kind == "mm":
        flops = 2 * d[0] * d[1] * d[2]
    elif kind == "addmm":
        flops = 2 * d[0] * d[1] * d[2] + d[0] * d[2]
    elif kind == "bmm":
        flops = 2 * d[0] * d[1] * d[2] * d[3]
    elif kind == "conv":
        batch, positions, per_output, out_channels, bias = d
        flops = batch * positions * out_channels * (2 * per_output + (1 if bias else 0))
    elif kind == "sdpa":
        b, h, q, k, dk, dv = d
        flops = 2 * b * h * q * k * (dk + dv) + 4 * b * h * q * k  # products, scale, softmax
    elif kind in ("elementwise", "reduction"):
        flops = d[0]
    elif kind == "softmax":
        flops = 3 * d[0]
    elif kind == "norm":
        n, width, weight, bias = d
        per_element = (7 if op.name == "layer_norm" else 4) - (0 if weight else 1) - (0 if bias or op.name != "layer_norm" else 1)
        flops = per_element * n + 2 * (n // width)
    else:  # gather, and anything that moves data only
        return 0
    fraction = _fraction(op, options)
    if fraction is not None:
        kept, full = fraction
        flops = flops * kept // full
    return flops


RULES = {
    "mm": "2 × m × k × n", "addmm": "2 × m × k × n + m × n (bias)", "bmm": "2 × b × m × k × n",
    "conv": "2 × outputs × (in channels per group × kernel) + bias", "sdpa": "2 × b × h × q × k × (d + dv) + 4 × b × h × q × k",
    "elementwise": "1 per result", "reduction": "1 per input element", "softmax": "3 per element",
    "norm": "layer norm 7, RMS norm 4 per element + 2 per row", "gather": "0",
}
