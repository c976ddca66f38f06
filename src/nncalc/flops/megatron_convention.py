"""Narayanan et al. 2021 ("Efficient Large-Scale Language Model Training on GPU Clusters
Using Megatron-LM", section 5.1): a GPT model of l layers, hidden size h, vocabulary V, at
batch B and sequence s costs F = 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)) FLOPs per training
iteration with full activation recomputation (4 passes over the layers, 3 over the logit
layer). Its forward: 24·B·s·l·h²·(1 + s/(6h)) + 2·B·s·h·V; without recomputation
72·B·s·l·h²·(1 + s/(6h)) + 6·B·s·h·V. The formula assumes the paper's block (4h MLP,
multi-head attention of width h) and is applied as published, whatever the architecture.
"""

from __future__ import annotations

from fractions import Fraction


def _terms(analysis):
    dims = analysis.model.dims()
    o = analysis.options
    return o.batch, o.seq_len, dims["layers"], dims["hidden"], dims["vocab"]


def forward(analysis, tokens):
    from ..hf.analysis import n

    B, s, l, h, V = _terms(analysis)
    value = 24 * B * s * l * h * h * (1 + Fraction(s, 6 * h)) + 2 * B * s * h * V
    formula = f"24 × {B} × {n(s)} × {l} × {n(h)}² × (1 + {n(s)} / (6 × {n(h)})) + 2 × {B} × {n(s)} × {n(h)} × {n(V)}"
    return int(value), formula, "Narayanan et al. 2021: 24·B·s·l·h²·(1 + s/6h) + 2·B·s·h·V"


def training(analysis, recompute):
    from ..hf.analysis import n

    B, s, l, h, V = _terms(analysis)
    if recompute:
        value = 96 * B * s * l * h * h * (1 + Fraction(s, 6 * h) + Fraction(V, 16 * l * h))
        formula = f"96 × {B} × {n(s)} × {l} × {n(h)}² × (1 + {n(s)} / (6 × {n(h)}) + {n(V)} / (16 × {l} × {n(h)}))"
        return int(value), formula, "Narayanan et al. 2021, with full recomputation"
    value = 72 * B * s * l * h * h * (1 + Fraction(s, 6 * h)) + 6 * B * s * h * V
    formula = f"72 × {B} × {n(s)} × {l} × {n(h)}² × (1 + {n(s)} / (6 × {n(h)})) + 6 × {B} × {n(s)} × {n(h)} × {n(V)}"
    return int(value), formula, "Narayanan et al. 2021, without recomputation (3 passes)"
