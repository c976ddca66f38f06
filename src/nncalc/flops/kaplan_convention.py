"""Kaplan et al. 2020 ("Scaling Laws for Neural Language Models", Table 1): per token,
C_forward = 2N + 2 · n_layer · n_ctx · d_attn, with N the non-embedding parameters (for a
mixture of experts: the active ones) and d_attn the attention width (heads × head dim);
training C ≈ 3 × forward (6N per token). A closed formula, not a count of operations.
"""

from __future__ import annotations


def forward(analysis, tokens):
    from ..hf.analysis import n

    dims = analysis.model.dims()
    key = "active_non_embedding_params" if "active_non_embedding_params" in analysis.figures else "non_embedding_params"
    big_n = analysis.figures[key].value
    ctx = analysis.options.seq_len
    per_token = 2 * big_n + 2 * dims["layers"] * ctx * dims["d_attn"]
    formula = (f"{n(tokens)} tokens × (2 × {n(big_n)} + 2 × {dims['layers']} × {n(ctx)} × {n(dims['d_attn'])})")
    return tokens * per_token, formula, "Kaplan et al. 2020: 2N + 2·n_layer·n_ctx·d_attn per token (N non-embedding)"
