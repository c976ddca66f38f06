"""Memory for inference and training, from the figures of :mod:`.analysis`.

Inference = weights + KV cache (context × batch) + the largest activation tensor of the eager
forward (attention scores, logits or an MLP intermediate: the allocator's true peak also
holds the residual stream and a few temporaries, which are not modelled).

Training, per GPU = weights + gradients (both in the training dtype) + fp32 master weights
(under mixed precision: a 16-bit dtype) + optimizer states + activations, with ZeRO
(Rajbhandari et al. 2020) stage 1 sharding optimizer states and master weights over the
GPUs, stage 2 gradients too, stage 3 weights too. Activations follow Korthikanti et al. 2022
(eq. 1, 16-bit, no sequence parallelism): per layer s·b·h·(34 + 5·a·s/h) bytes, or with full
checkpointing 2·s·b·h per layer (each layer's input); their block is GPT's (4h MLP).
"""

from __future__ import annotations

from .analysis import DTYPE_BYTES, OPTIMIZER_STATE_BYTES, Figure, n


def activation_bytes(dtype) -> int:
    """Bytes of one activation value: float32 stays, anything else computes in 16 bits."""
    return 4 if dtype == "float32" else 2


def _adafactor_bytes(params) -> int:
    """Adafactor's factored second moment: rows + columns for a matrix, the full tensor for
    a vector, fp32 (no first moment: transformers' default beta1=None), and its ``RMS``, a
    0-d float32 tensor per parameter tensor."""
    total = 4 * len(params)
    for _, p in params:
        shape = tuple(p.shape)
        if len(shape) >= 2:
            lead = 1
            for d in shape[:-2]:
                lead *= d
            total += lead * (shape[-2] + shape[-1]) * 4
        else:
            total += p.numel() * 4
    return total


def inference_bytes(analysis, batch, context):
    """(weights, KV cache, largest activation) bytes at ``batch`` × ``context``."""
    from .. import torch
    from ..flops.trace import recording

    model = analysis.model
    kv_b = DTYPE_BYTES[analysis.options.dtype or analysis.dtype]
    kv = batch * kv_b * sum(l.kept(context) * (l.key + l.value) for l in model.kv_layers())
    with recording() as trace:
        model(torch.empty(batch, context, dtype=torch.int64))
    saved, analysis.trace = analysis.trace, trace
    largest = analysis.largest_activation() * activation_bytes(analysis.dtype)
    analysis.trace = saved
    return analysis.figures["weight_bytes"].value, kv, largest


def memory_figures(analysis):
    o, f = analysis.options, analysis.figures
    total = f["total_params"].value
    weights = f["weight_bytes"].value
    act_b = activation_bytes(analysis.dtype)
    largest = analysis.largest_activation() * act_b
    kv = f["kv_cache_bytes"].value if "kv_cache_bytes" in f else 0
    f["peak_activation_bytes"] = Figure("peak_activation_bytes", largest,
                                        f"{n(largest // act_b)} elements × {act_b} bytes",
                                        "the largest tensor one operation of the eager forward makes")
    f["inference_bytes"] = Figure("inference_bytes", weights + kv + largest,
                                  f"{n(weights)} + {n(kv)} + {n(largest)}", "weights + KV cache + largest activation")
    # training
    train_b = 4 if analysis.dtype == "float32" else 2
    mixed = train_b < 4
    grads = total * train_b
    weights_t = total * train_b
    master = total * 4 if mixed else 0
    tensors = len(analysis.params)
    if o.optimizer == "adafactor":
        states = _adafactor_bytes(analysis.params)
        states_formula = f"Σ matrices (rows + columns) × 4 + vectors × 4 + {len(analysis.params)} × 4 (RMS)"
    else:
        per = OPTIMIZER_STATE_BYTES[o.optimizer]
        steps = 4 * tensors if o.optimizer in ("adam", "adamw") else 0
        states = total * per + steps
        states_formula = f"{n(total)} × {per}" + (f" + {tensors} × 4 (step counters)" if steps else "")
    f["optimizer_state_bytes"] = Figure("optimizer_state_bytes", states, states_formula,
                                        f"{o.optimizer}: its state tensors, as torch keeps them")
    gpus, zero = o.gpus, o.zero
    share = lambda value, stage: value / gpus if zero >= stage and gpus > 1 else value  # noqa: E731
    dims = analysis.model.dims()
    s, b, h, a, layers = o.seq_len, o.batch, dims["hidden"], dims["heads"], dims["layers"]
    if o.checkpointing:
        acts = layers * 2 * s * b * h * act_b // 2
        acts_formula = f"{layers} × 2 × {n(s)} × {b} × {n(h)}" + (" × 2" if act_b == 4 else "")
    else:
        acts = layers * s * b * h * (34 + 5 * a * s // h) * act_b // 2
        acts_formula = f"{layers} × {n(s)} × {b} × {n(h)} × (34 + 5 × {a} × {n(s)} / {n(h)})" + \
            (" × 2" if act_b == 4 else "")
    parts = [("weights", share(weights_t, 3), f"{n(total)} × {train_b}"),
             ("gradients", share(grads, 2), f"{n(total)} × {train_b}"),
             ("master weights (fp32)", share(master, 1), f"{n(total)} × 4" if mixed else "0 (float32 training)"),
             (f"optimizer states ({o.optimizer})", share(states, 1), states_formula),
             ("activations" + (" (checkpointed)" if o.checkpointing else ""), acts, acts_formula)]
    analysis.training_parts = parts
    value = sum(p[1] for p in parts)
    f["training_bytes"] = Figure("training_bytes", value, " + ".join(n(p[1]) for p in parts),
                                 f"per GPU ({gpus} GPU{'s' if gpus > 1 else ''}, ZeRO stage {zero}): "
                                 + ", ".join(p[0] for p in parts))
    if o.budget:
        _solve(analysis)


def _solve(analysis):
    """The largest context (or batch) whose inference memory fits the budget (binary search:
    the memory only grows with either)."""
    o, f = analysis.options, analysis.figures
    limit = analysis.model.cfg.get("max_position_embeddings") or (1 << 24)
    if o.solve == "batch":
        fits = lambda x: sum(inference_bytes(analysis, x, o.seq_len)) <= o.budget  # noqa: E731
        high, what = 1 << 20, "batch"
    else:
        fits = lambda x: sum(inference_bytes(analysis, o.batch, x)) <= o.budget  # noqa: E731
        high, what = limit, "context"
    if not fits(1):
        f["budget_solution"] = Figure("budget_solution", 0, f"weights alone: {n(f['weight_bytes'].value)} bytes",
                                      f"nothing fits in {n(o.budget)} bytes")
        return
    lo, hi = 1, high
    if fits(hi):
        lo = hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    w, kv, act = inference_bytes(analysis, lo if what == "batch" else o.batch, o.seq_len if what == "batch" else lo)
    capped = " (the model's max_position_embeddings)" if what == "context" and lo == limit else ""
    f["budget_solution"] = Figure("budget_solution", lo, f"{n(w)} + {n(kv)} + {n(act)} ≤ {n(o.budget)}",
                                  f"the largest {what} whose inference memory fits the budget{capped}")
