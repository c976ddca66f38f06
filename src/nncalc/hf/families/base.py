"""What every family's causal-LM module shares: tying, the KV-cache layout, layer types."""

from __future__ import annotations

from ...torch import nn
from ..config import Config, HFConfigError


class KVLayer:
    """What one layer's KV cache keeps per token: key and value elements, and the sliding
    window (None: every position is kept)."""

    __slots__ = ("key", "value", "window")

    def __init__(self, key, value, window=None):
        self.key, self.value, self.window = key, value, window

    def kept(self, context: int) -> int:
        """Positions kept after a prefill of ``context`` tokens: all of them, or with a window
        ``sliding_window - 1`` (transformers' DynamicSlidingWindowLayer keeps the last W − 1:
        the next token attends to those and itself)."""
        return context if self.window is None else min(context, self.window - 1)


class CausalLM(nn.Module):
    """The ``<Family>ForCausalLM`` module: ``model`` and ``lm_head`` (built by subclasses)."""

    class_name = "ForCausalLM"
    embedding_names = ("embed_tokens", "wte", "wpe", "embed_in", "embed_positions", "word_embeddings")

    def __init__(self, cfg: Config, family: str):
        super().__init__()
        self.cfg, self.family = cfg, family

    def tie(self, cfg: Config, source=None):
        """``lm_head.weight = embed_tokens.weight`` when ``tie_word_embeddings`` (the default of
        the family's config class): one parameter, two names."""
        if cfg.get("tie_word_embeddings", False):
            embedding = source if source is not None else self.model.embed_tokens
            self.lm_head.weight = embedding.weight

    def _first_names(self) -> dict:
        """id(parameter) -> the name it is counted under (its first, as torch yields it)."""
        names = self.__dict__.get("_first_name_map")
        if names is None:
            names = {id(p): name for name, p in self.named_parameters()}
            object.__setattr__(self, "_first_name_map", names)
        return names

    def dims(self) -> dict:
        """Layers, hidden size, attention width (heads × query head dim) and vocabulary, for
        the closed-formula FLOPs conventions."""
        cfg = self.cfg
        hidden, heads = cfg.positive("hidden_size"), cfg.positive("num_attention_heads")
        head_dim = cfg.get("head_dim") or hidden // heads
        if self.family.startswith("deepseek"):
            head_dim = cfg.qk_nope_head_dim + cfg.qk_rope_head_dim
        return {"layers": cfg.positive("num_hidden_layers"), "hidden": hidden, "heads": heads,
                "d_attn": heads * head_dim, "vocab": cfg.positive("vocab_size")}

    def kv_layers(self) -> list:
        raise NotImplementedError

    def output_weight(self):
        """The output projection's weight (``lm_head.weight``), or None."""
        head = self._modules.get("lm_head")
        return getattr(head, "weight", None) if head is not None else None

    def moe(self):
        """Per-layer MoE description, or None for a dense model (see families.moe)."""
        return None


def check_heads(heads: int, kv_heads: int, head_dim: int) -> None:
    """What transformers' attention needs of the head counts (it fails later, at the forward)."""
    if head_dim <= 0:
        raise HFConfigError(f"config: head_dim is 0 (hidden_size smaller than num_attention_heads = {heads})")
    if heads % kv_heads:
        raise HFConfigError(f"config: num_attention_heads ({heads}) must be a multiple of "
                            f"num_key_value_heads ({kv_heads})")


def layer_types_of(cfg: Config, family: str):
    """Each layer's attention kind ("full_attention" / "sliding_attention") and the window,
    as the family's config class derives them."""
    n = cfg.positive("num_hidden_layers")
    window = cfg.get("sliding_window")
    if family in ("qwen2", "qwen3", "qwen2_moe", "qwen3_moe") and not cfg.get("use_sliding_window", False):
        window = None
    if family in ("qwen2", "qwen3"):  # sliding from max_window_layers on
        default = ["sliding_attention" if window is not None and i >= cfg.get("max_window_layers", 28)
                   else "full_attention" for i in range(n)]
    elif family == "qwen2_moe":  # every other layer below max_window_layers
        default = ["sliding_attention" if window is not None and (i + 1) % 2 and i < cfg.get("max_window_layers", 28)
                   else "full_attention" for i in range(n)]
    elif family == "qwen3_moe":  # no layer types: every layer slides when the window is used
        default = ["sliding_attention" if window else "full_attention"] * n
    elif family == "gemma2":
        default = ["sliding_attention" if (i + 1) % 2 else "full_attention" for i in range(n)]
    elif family == "gemma3_text":
        pattern = cfg.get("sliding_window_pattern", 6)
        default = ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(n)]
    elif family in ("mistral", "mixtral", "phi3"):
        default = ["sliding_attention" if window else "full_attention"] * n
    else:
        default = ["full_attention"] * n
        window = None
    types = cfg.get("layer_types") if family in ("qwen2", "qwen3", "gemma2", "gemma3_text", "qwen2_moe") else None
    types = list(types) if types else default
    if len(types) != n:
        raise HFConfigError(f"config: layer_types has {len(types)} entries for {n} layers")
    for t in types:
        if t not in ("full_attention", "sliding_attention"):
            raise HFConfigError(f"config: layer type {t!r} is not supported by nncalc yet")
    if "sliding_attention" in types and not window:
        raise HFConfigError("config: sliding_attention layers need a sliding_window")
    return types, window
