"""GPT-2 (transformers ``models/gpt2/modeling_gpt2.py``).

``transformer``: ``wte`` (vocab × n_embd), ``wpe`` (n_positions × n_embd), blocks ``h.N`` of
``ln_1``, ``attn`` (``c_attn``: one Conv1D n_embd → 3·n_embd, ``c_proj``), ``ln_2``, ``mlp``
(``c_fc`` n_embd → n_inner (default 4·n_embd), ``c_proj``), then ``ln_f``; ``lm_head`` tied to
``wte``. GPT-2's Conv1D stores its weight transposed, (in, out), and runs ``addmm``.
"""

from __future__ import annotations

from ... import torch
from ...torch import nn
from ...torch.nn import functional as F
from ..blocks import activation, eager_attention
from .base import CausalLM, KVLayer, check_heads

DEFAULTS = {"gpt2": dict(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12, n_inner=None,
                         activation_function="gelu_new", layer_norm_epsilon=1e-5, scale_attn_weights=True,
                         tie_word_embeddings=True, add_cross_attention=False)}
ALIASES = {"gpt2": {"hidden_size": "n_embd", "max_position_embeddings": "n_positions",
                    "num_attention_heads": "n_head", "num_hidden_layers": "n_layer"}}


class Conv1D(nn.Module):
    """GPT-2's linear layer: weight (in, out), bias (out,); y = x · W + b (one addmm)."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.empty(nf))

    def forward(self, x):
        nx, nf = self.weight.shape
        F.linear(torch.empty(x.numel() // nx, nx), torch.empty(nf, nx), self.bias)
        return torch.empty(*x.shape[:-1], nf)


class Attention(nn.Module):
    role = "Attention"

    def __init__(self, cfg):
        super().__init__()
        self.embed, self.heads = cfg.positive("n_embd"), cfg.positive("n_head")
        check_heads(self.heads, self.heads, self.embed // self.heads)
        self.c_attn = Conv1D(3 * self.embed, self.embed)
        self.c_proj = Conv1D(self.embed, self.embed)
        self.attn_dropout, self.resid_dropout = nn.Dropout(), nn.Dropout()
        self.scaling = (self.embed // self.heads) ** -0.5 if cfg.get("scale_attn_weights", True) else 1.0

    def forward(self, x):
        b, s, _ = x.shape
        q, k, v = self.c_attn(x).split(self.embed, dim=2)
        shape = (b, s, -1, self.embed // self.heads)
        q, k, v = (t.view(*shape).transpose(1, 2) for t in (q, k, v))
        out = eager_attention(q, k, v, self.scaling)
        return self.resid_dropout(self.c_proj(out.reshape(b, s, -1)))


class MLP(nn.Module):
    role = "MLP"

    def __init__(self, inner, cfg):
        super().__init__()
        embed = cfg.positive("n_embd")
        self.c_fc = Conv1D(inner, embed)
        self.c_proj = Conv1D(embed, inner)
        self.act = activation(cfg.activation_function)
        self.dropout = nn.Dropout()

    def forward(self, x):
        return self.dropout(self.c_proj(self.act(self.c_fc(x))))


class Block(nn.Module):
    role = "DecoderLayer"

    def __init__(self, cfg):
        super().__init__()
        embed = cfg.positive("n_embd")
        eps = cfg.get("layer_norm_epsilon", 1e-5)
        self.ln_1 = nn.LayerNorm(embed, eps=eps)
        self.attn = Attention(cfg)
        self.ln_2 = nn.LayerNorm(embed, eps=eps)
        self.mlp = MLP(cfg.get("n_inner") or 4 * embed, cfg)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT2Model(nn.Module):
    role = "Model"

    def __init__(self, cfg):
        super().__init__()
        embed = cfg.positive("n_embd")
        self.wte = nn.Embedding(cfg.positive("vocab_size"), embed)
        self.wpe = nn.Embedding(cfg.positive("n_positions"), embed)
        self.drop = nn.Dropout()
        self.h = nn.ModuleList(Block(cfg) for _ in range(cfg.positive("n_layer")))
        self.ln_f = nn.LayerNorm(embed, eps=cfg.get("layer_norm_epsilon", 1e-5))

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]).unsqueeze(0))
        x = self.drop(x)
        for block in self.h:
            x = block(x)
        return self.ln_f(x)


class GPT2LMHeadModel(CausalLM):
    class_name = "GPT2LMHeadModel"

    def __init__(self, cfg, family):
        super().__init__(cfg, family)
        if cfg.get("add_cross_attention", False):
            from ..config import HFConfigError

            raise HFConfigError("gpt2 with add_cross_attention is not supported by nncalc yet")
        self.transformer = GPT2Model(cfg)
        self.lm_head = nn.Linear(cfg.positive("n_embd"), cfg.vocab_size, bias=False)
        self.tie(cfg, self.transformer.wte)

    def forward(self, ids):
        return self.lm_head(self.transformer(ids))

    def kv_layers(self):
        embed = self.cfg.positive("n_embd")
        return [KVLayer(embed, embed)] * self.cfg.positive("n_layer")


def build(cfg, family):
    return GPT2LMHeadModel(cfg, family)
