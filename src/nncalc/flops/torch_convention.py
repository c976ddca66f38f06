"""What ``torch.utils.flop_counter.FlopCounterMode`` counts (torch 2.13, flop_counter.py).

Only ops with a registered formula count: ``mm``, ``addmm`` (the bias not counted), ``bmm``,
``baddbmm``, convolutions and the fused scaled-dot-product attention kernels; each at 2 FLOPs
per multiply-add (mm_flop: ``m * k * 2 * n``; conv_flop_count: ``batch * prod(w_shape) *
prod(out spatial) * 2``; sdpa_flop_count: ``2·b·h·s_q·s_k·d_q + 2·b·h·s_q·s_k·d_v``).
Elementwise functions, norms, softmax, reductions and lookups count 0.
"""

from __future__ import annotations


def count(op, options=None) -> int:
    kind, d = op.kind, op.dims
    if kind in ("mm", "addmm"):
        return 2 * d[0] * d[1] * d[2]
    if kind == "bmm":
        return 2 * d[0] * d[1] * d[2] * d[3]
    if kind == "conv":
        batch, positions, per_output, out_channels, _bias = d
        return 2 * batch * positions * per_output * out_channels
    if kind == "sdpa":
        b, h, q, k, dk, dv = d
        return 2 * b * h * q * k * dk + 2 * b * h * q * k * dv
    return 0


RULES = {"mm": "2 × m × k × n", "addmm": "2 × m × k × n (bias not counted)", "bmm": "2 × b × m × k × n",
         "conv": "2 × batch × kernel size × output positions", "sdpa": "2 × b × h × q × k × (d + dv)"}
