"""BERT and RoBERTa encoders (transformers ``models/bert``, ``models/roberta``).

``embeddings``: ``word_embeddings``, ``position_embeddings``, ``token_type_embeddings``,
``LayerNorm`` (RoBERTa registers the position table last), buffers ``position_ids`` and
``token_type_ids``; ``encoder.layer.N``: ``attention.self`` (query, key, value),
``attention.output`` (dense, LayerNorm), ``intermediate.dense``, ``output`` (dense,
LayerNorm); ``pooler.dense`` on the base model. The class built is the config's
``architectures[0]`` when it is a masked-LM head (``BertForMaskedLM``: ``cls.predictions``
with ``transform`` and a ``decoder`` tied to the word embeddings and to ``predictions.bias``;
``RobertaForMaskedLM``: ``lm_head``), else the base model. Attention is bidirectional;
there is no KV cache.
"""

from __future__ import annotations

from ... import torch
from ...torch import nn
from ..blocks import activation, eager_attention
from .base import CausalLM, check_heads

_BERT = dict(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
             hidden_act="gelu", max_position_embeddings=512, type_vocab_size=2, layer_norm_eps=1e-12, pad_token_id=0,
             tie_word_embeddings=True, is_decoder=False, add_cross_attention=False)
DEFAULTS = {"bert": _BERT, "roberta": dict(_BERT, vocab_size=50265, pad_token_id=1)}
PREFIX = {"bert": "Bert", "roberta": "Roberta"}


class Embeddings(nn.Module):
    role = "Embeddings"

    def __init__(self, cfg, family):
        super().__init__()
        hidden = cfg.positive("hidden_size")
        positions = cfg.positive("max_position_embeddings")
        self.word_embeddings = nn.Embedding(cfg.positive("vocab_size"), hidden)
        if family == "bert":
            self.position_embeddings = nn.Embedding(positions, hidden)
        self.token_type_embeddings = nn.Embedding(cfg.positive("type_vocab_size"), hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=cfg.get("layer_norm_eps", 1e-12))
        self.dropout = nn.Dropout()
        self.register_buffer("position_ids", torch.empty(1, positions, dtype=torch.int64), persistent=False)
        self.register_buffer("token_type_ids", torch.empty(1, positions, dtype=torch.int64), persistent=False)
        if family == "roberta":
            self.position_embeddings = nn.Embedding(positions, hidden)

    def forward(self, ids):
        positions = torch.empty(1, ids.shape[1], dtype=torch.int64)
        x = self.word_embeddings(ids) + self.token_type_embeddings(torch.empty(*ids.shape, dtype=torch.int64))
        x = x + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    role = "SelfAttention"

    def __init__(self, cfg):
        super().__init__()
        hidden, self.heads = cfg.positive("hidden_size"), cfg.positive("num_attention_heads")
        self.head_dim = hidden // self.heads
        check_heads(self.heads, self.heads, self.head_dim)
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout()

    def forward(self, x):
        b, s, _ = x.shape
        shape = (b, s, -1, self.head_dim)
        q, k, v = (proj(x).view(*shape).transpose(1, 2) for proj in (self.query, self.key, self.value))
        return eager_attention(q, k, v, self.head_dim ** -0.5, causal=False, mask=False).reshape(b, s, -1)


class SelfOutput(nn.Module):
    """dense, dropout, then LayerNorm of the sum with the block's input (attention.output and output)."""

    def __init__(self, cfg, width, role):
        super().__init__()
        hidden = cfg.positive("hidden_size")
        self.dense = nn.Linear(width, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=cfg.get("layer_norm_eps", 1e-12))
        self.dropout = nn.Dropout()
        self.role = role

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    role = "Attention"

    def __init__(self, cfg):
        super().__init__()
        self.self = SelfAttention(cfg)
        self.output = SelfOutput(cfg, cfg.positive("hidden_size"), "SelfOutput")

    def forward(self, x):
        return self.output(self.self(x), x)


class Intermediate(nn.Module):
    role = "Intermediate"

    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg.positive("hidden_size"), cfg.positive("intermediate_size"))
        self.intermediate_act_fn = activation(cfg.get("hidden_act", "gelu"))

    def forward(self, x):
        return self.intermediate_act_fn(self.dense(x))


class Layer(nn.Module):
    role = "Layer"

    def __init__(self, cfg):
        super().__init__()
        self.attention = Attention(cfg)
        self.intermediate = Intermediate(cfg)
        self.output = SelfOutput(cfg, cfg.positive("intermediate_size"), "Output")

    def forward(self, x):
        a = self.attention(x)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    role = "Encoder"

    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList(Layer(cfg) for _ in range(cfg.positive("num_hidden_layers")))

    def forward(self, x):
        for layer in self.layer:
            x = layer(x)
        return x


class Pooler(nn.Module):
    role = "Pooler"

    def __init__(self, cfg):
        super().__init__()
        hidden = cfg.positive("hidden_size")
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, x):
        return self.dense(x[:, 0]).tanh()


class EncoderModel(nn.Module):
    role = "Model"

    def __init__(self, cfg, family, pooler):
        super().__init__()
        self.embeddings = Embeddings(cfg, family)
        self.encoder = Encoder(cfg)
        if pooler:
            self.pooler = Pooler(cfg)
        self.has_pooler = pooler

    def forward(self, ids):
        x = self.encoder(self.embeddings(ids))
        if self.has_pooler:
            self.pooler(x)
        return x


class Transform(nn.Module):
    role = "PredictionHeadTransform"

    def __init__(self, cfg):
        super().__init__()
        hidden = cfg.positive("hidden_size")
        self.dense = nn.Linear(hidden, hidden)
        self.transform_act_fn = activation(cfg.get("hidden_act", "gelu"))
        self.LayerNorm = nn.LayerNorm(hidden, eps=cfg.get("layer_norm_eps", 1e-12))

    def forward(self, x):
        return self.LayerNorm(self.transform_act_fn(self.dense(x)))


class BertPredictionHead(nn.Module):
    """BertLMPredictionHead: bias (vocab), transform, decoder (tied to the word embeddings; its
    bias is ``bias``)."""

    role = "LMPredictionHead"

    def __init__(self, cfg, embeddings):
        super().__init__()
        hidden, vocab = cfg.positive("hidden_size"), cfg.positive("vocab_size")
        self.transform = Transform(cfg)
        self.decoder = nn.Linear(hidden, vocab, bias=False)
        self.bias = nn.Parameter(torch.empty(vocab))
        self.decoder.bias = self.bias
        if cfg.get("tie_word_embeddings", True):
            self.decoder.weight = embeddings.word_embeddings.weight

    def forward(self, x):
        return self.decoder(self.transform(x))


class OnlyMLMHead(nn.Module):
    role = "OnlyMLMHead"

    def __init__(self, cfg, embeddings):
        super().__init__()
        self.predictions = BertPredictionHead(cfg, embeddings)

    def forward(self, x):
        return self.predictions(x)


class RobertaLMHead(nn.Module):
    role = "LMHead"

    def __init__(self, cfg, embeddings):
        super().__init__()
        hidden, vocab = cfg.positive("hidden_size"), cfg.positive("vocab_size")
        self.dense = nn.Linear(hidden, hidden)
        self.layer_norm = nn.LayerNorm(hidden, eps=cfg.get("layer_norm_eps", 1e-12))
        self.decoder = nn.Linear(hidden, vocab)
        self.bias = nn.Parameter(torch.empty(vocab))
        self.decoder.bias = self.bias
        if cfg.get("tie_word_embeddings", True):
            self.decoder.weight = embeddings.word_embeddings.weight
        self.act = activation("gelu")

    def forward(self, x):
        return self.decoder(self.layer_norm(self.act(self.dense(x))))


class EncoderLM(CausalLM):
    """The base model (``BertModel``) or the masked-LM model the config's architectures name."""

    def __init__(self, cfg, family):
        super().__init__(cfg, family)
        prefix = PREFIX[family]
        architectures = cfg.get("architectures") or []
        self.masked_lm = f"{prefix}ForMaskedLM" in architectures[:1]
        self.class_name = f"{prefix}ForMaskedLM" if self.masked_lm else f"{prefix}Model"
        if cfg.get("is_decoder", False) or cfg.get("add_cross_attention", False):
            from ..config import HFConfigError

            raise HFConfigError(f"{family} as a decoder (is_decoder, add_cross_attention) is not supported by "
                                f"nncalc yet")
        if self.masked_lm:
            base = EncoderModel(cfg, family, pooler=False)
            setattr(self, family, base)
            if family == "bert":
                self.cls = OnlyMLMHead(cfg, base.embeddings)
            else:
                self.lm_head = RobertaLMHead(cfg, base.embeddings)
        else:
            self.embeddings = Embeddings(cfg, family)
            self.encoder = Encoder(cfg)
            self.pooler = Pooler(cfg)

    def forward(self, ids):
        if not self.masked_lm:
            x = self.encoder(self.embeddings(ids))
            self.pooler(x)
            return x
        x = self._modules[self.family](ids)
        return (self.cls if self.family == "bert" else self.lm_head)(x)

    def output_weight(self):
        if not self.masked_lm:
            return None
        head = self.cls.predictions if self.family == "bert" else self.lm_head
        return head.decoder.weight

    def kv_layers(self):
        return []


def build(cfg, family):
    return EncoderLM(cfg, family)
