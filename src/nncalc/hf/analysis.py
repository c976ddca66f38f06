"""Every figure of a Hugging Face model, from the module tree and one symbolic forward.

Parameters (tied weights once; each reference too), non-embedding parameters (Kaplan et al.
2020: all vocabulary and positional embedding matrices left out — the token and position
tables and an untied output head), MoE active parameters per token, FLOPs in four
conventions, KV cache, and memory for inference and training, each with the formula that
gives it (``Figure.formula``) in the config's own numbers.
"""

from __future__ import annotations

from ..flops import FORMULA_CONVENTIONS, convention
from ..flops.trace import recording
from ..torch import Tensor

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1, "fp8": 1, "int4": 0.5}
# Optimizer state bytes per parameter (fp32 states, as torch keeps them): SGD none (momentum
# one), Adam/AdamW two (exp_avg, exp_avg_sq; plus a float32 ``step`` per tensor, see memory.py),
# 8-bit Adam (bitsandbytes) two of 1 byte (its block-wise scales are not counted).
# Adafactor keeps factored second moments: rows + columns per matrix (see _adafactor_bytes).
OPTIMIZER_STATE_BYTES = {"sgd": 0, "sgd-momentum": 4, "adam": 8, "adamw": 8, "adam-8bit": 2}
OPTIMIZERS = ("sgd", "sgd-momentum", "adam", "adamw", "adafactor", "adam-8bit")


class Options:
    """What to compute: ``seq_len``/``batch`` for FLOPs and memory (None: parameters only)."""

    def __init__(self, seq_len=None, batch=1, convention="nncalc", causal_half=False, recompute=False,
                 dtype=None, kv_cache=False, optimizer="adamw", gpus=1, zero=0, budget=None, solve="context",
                 checkpointing=False):
        self.seq_len, self.batch, self.convention = seq_len, batch, convention
        self.causal_half, self.recompute, self.dtype, self.kv_cache = causal_half, recompute, dtype, kv_cache
        self.optimizer, self.gpus, self.zero, self.budget, self.solve = optimizer, gpus, zero, budget, solve
        self.checkpointing = checkpointing


class Figure:
    """A number and how it is made: ``formula`` (with the config's numbers) and ``rule``."""

    __slots__ = ("key", "value", "formula", "rule")

    def __init__(self, key, value, formula="", rule=""):
        self.key, self.value, self.formula, self.rule = key, value, formula, rule


def n(x) -> str:
    """``1,234,567``; a fraction (int4 bytes, a ZeRO share) with its decimals."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}" if isinstance(x, int) else f"{x:,.2f}"


class Row:
    """One line of the per-module table (``count`` > 1: identical layers shown once)."""

    __slots__ = ("name", "class_name", "shapes", "params", "output_shape", "flops", "count", "depth")

    def __init__(self, name, class_name, shapes, params, output_shape=None, flops=None, count=1, depth=0):
        self.name, self.class_name, self.shapes, self.params = name, class_name, shapes, params
        self.output_shape, self.flops, self.count, self.depth = output_shape, flops, count, depth


def weights_dtype(model, options) -> str:
    if options.dtype:
        return options.dtype
    named = model.cfg.get("torch_dtype") or model.cfg.get("dtype") or "float32"
    return named if named in DTYPE_BYTES else "float32"


class Analysis:
    def __init__(self, model, options: Options):
        self.model, self.options = model, options
        self.dtype = weights_dtype(model, options)
        self.params = list(model.named_parameters())
        self.figures: dict[str, Figure] = {}
        self.buffers = [(name, tuple(b.shape)) for name, b in model.named_buffers()]
        self.trace = None
        if getattr(model, "fixed_input", False):  # vision: the sequence is the image's patches
            if options.seq_len:
                from .config import HFConfigError

                raise HFConfigError(f"--seq-len does not apply to {model.family}: its sequence is the image's "
                                    f"patches and [CLS] (config image_size and patch_size)")
            options.seq_len = model.sequence_length()
        self._parameters()
        if options.seq_len:
            with recording() as trace:
                from .. import torch

                model(torch.empty(options.batch, options.seq_len, dtype=torch.int64))
            self.trace = trace
            self._flops()
        if options.kv_cache or options.seq_len:
            self._kv_cache()
        if options.seq_len:
            self._memory()

    # -- parameters -----------------------------------------------------------------------
    def _parameters(self):
        f, model = self.figures, self.model
        total = sum(p.numel() for _, p in self.params)
        refs = list(model.named_parameters(remove_duplicate=False))
        per_reference = sum(p.numel() for _, p in refs)
        seen, tied = {}, []
        for name, p in refs:
            if id(p) in seen:
                tied.append((name, seen[id(p)], p.numel()))
            else:
                seen[id(p)] = name
        f["total_params"] = Figure("total_params", total, self._total_formula(), "each parameter once")
        tied_text = "; ".join(f"{a} = {b} ({n(c)})" for a, b, c in tied)
        f["params_per_reference"] = Figure("params_per_reference", per_reference,
                                           f"{n(total)} + {n(per_reference - total)}" if tied else n(total),
                                           f"tied: {tied_text}" if tied else "no tied weights")
        f["trainable_params"] = Figure("trainable_params", total, n(total), "every parameter is trainable")
        from ..torch.nn import Embedding

        embeddings = []
        for path, module in model.named_modules():
            if isinstance(module, Embedding):
                embeddings.append((f"{path}.weight", module.weight))
            elif isinstance(module._parameters.get("position_embeddings"), Tensor):  # ViT's learned positions
                embeddings.append((f"{path}.position_embeddings", module._parameters["position_embeddings"]))
        head = model.output_weight()
        if head is not None and all(head is not w for _, w in embeddings):
            embeddings.append((model._first_names()[id(head)], head))
        emb = sum(w.numel() for _, w in embeddings)
        f["non_embedding_params"] = Figure(
            "non_embedding_params", total - emb,
            " − ".join([n(total)] + [n(w.numel()) for _, w in embeddings]),
            "Kaplan et al. 2020: all vocabulary and positional embeddings left out ("
            + ", ".join(name for name, _ in embeddings) + ")")
        self.embedding_names = [name for name, _ in embeddings]
        moe = model.moe()
        self.moe = moe
        if moe:
            inactive = sum((m.experts - m.top_k) * m.expert_params for m in moe)
            routed = sum(m.top_k * m.expert_params for m in moe)
            shared = sum(m.shared_params for m in moe)
            router = sum(m.router_params for m in moe)
            m0 = moe[0]
            f["active_params"] = Figure(
                "active_params", total - inactive,
                f"{n(total)} − {len(moe)} × ({m0.experts} − {m0.top_k}) × {n(m0.expert_params)}"
                if all((m.experts, m.top_k, m.expert_params) == (m0.experts, m0.top_k, m0.expert_params) for m in moe)
                else f"{n(total)} − {n(inactive)}",
                f"per token: every parameter but the routed experts not chosen, MoE layers × (experts − "
                f"top-k) × parameters per expert (routed {n(routed)}, "
                f"shared experts {n(shared)}, routers {n(router)})")
            f["active_routed_params"] = Figure("active_routed_params", routed,
                                               f"{len(moe)} × {m0.top_k} × {n(m0.expert_params)}", "top-k experts")
            f["shared_expert_params"] = Figure("shared_expert_params", shared, n(shared), "used by every token")
            f["router_params"] = Figure("router_params", router, n(router), "the routers (gates)")
            f["active_non_embedding_params"] = Figure("active_non_embedding_params", total - inactive - emb,
                                                      f"{n(total - inactive)} − {n(emb)}", "active, Kaplan's N")
        else:
            f["active_params"] = Figure("active_params", total, n(total), "dense: every parameter, every token")
        bytes_per = DTYPE_BYTES[self.dtype]
        f["weight_bytes"] = Figure("weight_bytes", total * bytes_per, f"{n(total)} × {bytes_per} bytes ({self.dtype})",
                                   "weights in the serving dtype")

    def _total_formula(self) -> str:
        """The total as its parts: ``embeddings + N × one layer + norm + head``. A module is
        opened when a layer list lies below it; a layer list gives its runs of identical
        layers; every other module with parameters is one term."""
        from .table import module_rows

        rows = module_rows(self, expand=False)
        ends = []  # index after each row's subtree
        for i, row in enumerate(rows):
            j = i + 1
            while j < len(rows) and rows[j].depth > row.depth:
                j += 1
            ends.append(j)
        terms = []

        def visit(i):
            row = rows[i]
            if row.class_name == "ModuleList":
                j = i + 1
                while j < ends[i]:
                    child = rows[j]
                    if child.params:
                        terms.append(f"{child.count} × {n(child.params)}" if child.count > 1 else n(child.params))
                    j = ends[j]
            elif any(rows[k].class_name == "ModuleList" for k in range(i + 1, ends[i])):
                j = i + 1
                while j < ends[i]:
                    visit(j)
                    j = ends[j]
            elif row.params:
                terms.append(n(row.params))

        i = 0
        while i < len(rows):
            visit(i)
            i = ends[i]
        return " + ".join(terms) if terms else n(sum(p.numel() for _, p in self.params))

    # -- FLOPs --------------------------------------------------------------------------------
    def op_flops(self, name, ops=None):
        counter = convention(name)
        return sum(counter.count(op, self.options) for op in (self.trace.ops if ops is None else ops))

    def _flops(self):
        o, f = self.options, self.figures
        tokens = o.batch * o.seq_len
        for name in ("nncalc", "torch"):
            value = self.op_flops(name)
            f[f"flops_{name}"] = Figure(f"flops_{name}", value, f"Σ over {len(self.trace.ops):,} recorded operations",
                                        convention(name).__doc__.strip().splitlines()[0])
        for name in FORMULA_CONVENTIONS:
            value, formula, rule = convention(name).forward(self, tokens)
            f[f"flops_{name}"] = Figure(f"flops_{name}", value, formula, rule)
        chosen = f[f"flops_{o.convention}"]
        f["forward_flops"] = Figure("forward_flops", chosen.value, chosen.formula,
                                    f"convention {o.convention}: {chosen.rule}")
        if o.convention == "megatron":
            value, formula, rule = convention("megatron").training(self, o.recompute)
        elif o.convention == "kaplan":
            value, formula, rule = 3 * chosen.value, f"3 × {n(chosen.value)}", "Kaplan: C ≈ 6N per token (3 × forward)"
        else:
            k = 4 if o.recompute else 3
            value, formula = k * chosen.value, f"{k} × {n(chosen.value)}"
            rule = ("forward + backward (2 × forward) + the forward again (full recomputation)" if o.recompute
                    else "forward + backward (the backward costs 2 × the forward)")
        f["training_flops"] = Figure("training_flops", value, formula, rule)

    # -- KV cache -----------------------------------------------------------------------------
    def _kv_cache(self):
        o, f = self.options, self.figures
        kv_dtype = o.dtype or self.dtype
        b = DTYPE_BYTES[kv_dtype]
        layers = self.model.kv_layers()
        if not layers:  # an encoder keeps no cache
            return
        per_token = sum(layer.key + layer.value for layer in layers)
        first = layers[0] if layers else None
        same = first is not None and all((l.key, l.value) == (first.key, first.value) for l in layers)
        formula = (f"{len(layers)} layers × ({n(first.key)} + {n(first.value)}) × {b} bytes" if same
                   else f"{n(per_token)} elements × {b} bytes")
        f["kv_cache_bytes_per_token"] = Figure("kv_cache_bytes_per_token", per_token * b, formula,
                                               self._kv_rule())
        if o.seq_len:
            kept = sum(l.kept(o.seq_len) * (l.key + l.value) for l in layers)
            windows = sorted({l.window for l in layers if l.window})
            f["kv_cache_bytes"] = Figure(
                "kv_cache_bytes", kept * o.batch * b,
                f"{o.batch} × Σ layers kept positions × (key + value) × {b} = {o.batch} × {n(kept)} × {b}",
                "positions kept: the context" + (f"; sliding layers keep min(context, window − 1) with window "
                                                 f"{', '.join(map(str, windows))}" if windows else ""))

    def _kv_rule(self):
        if self.model.family.startswith("deepseek"):
            return ("MLA: per layer the compressed latent (kv_lora_rank) and the rotary key part "
                    "(qk_rope_head_dim), as transformers' cache and DeepSeek's inference keep them")
        return "per layer: key and value of num_key_value_heads × head_dim each (GQA/MQA share them)"

    # -- memory -------------------------------------------------------------------------------
    def largest_activation(self):
        """Elements of the largest tensor one operation of the forward produces."""
        largest = 0
        for op in self.trace.ops:
            d, kind = op.dims, op.kind
            if kind in ("mm", "addmm"):
                size = d[0] * d[2]
            elif kind == "bmm":
                size = d[0] * d[1] * d[3]
            elif kind in ("elementwise", "softmax", "gather", "norm"):
                size = d[0]
            else:
                size = 0
            largest = max(largest, size)
        return largest

    def _memory(self):
        from .memory import memory_figures

        memory_figures(self)

    # -- table --------------------------------------------------------------------------------
    def rows(self, expand=False):
        from .table import module_rows

        return module_rows(self, expand)
