"""ViT (transformers ``models/vit/modeling_vit.py``, transformers 5 names).

``embeddings``: ``cls_token`` (1, 1, H), ``position_embeddings`` (1, patches + 1, H),
``patch_embeddings.projection`` (a Conv2d of patch_size × patch_size, stride patch_size);
``layers.N``: ``attention`` (q/k/v/o projections, biases when qkv_bias), ``layernorm_before``,
``layernorm_after``, ``mlp`` (fc1, fc2); ``layernorm``; ``pooler`` on the base model. The
class built is ``ViTForImageClassification`` (``vit`` without pooler and ``classifier`` on the
[CLS] token) when the config's architectures name it, else ``ViTModel``. The input is one
``num_channels × image_size × image_size`` image per batch entry: ``--seq-len`` does not apply
(the sequence is the patches and [CLS]).
"""

from __future__ import annotations

from ... import torch
from ...torch import nn
from ..blocks import activation, eager_attention
from .base import CausalLM, check_heads

DEFAULTS = {"vit": dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                        hidden_act="gelu", layer_norm_eps=1e-12, image_size=224, patch_size=16, num_channels=3,
                        qkv_bias=True, pooler_act="tanh", num_labels=2, tie_word_embeddings=False)}


def _patches(cfg):
    image, patch = cfg.positive("image_size"), cfg.positive("patch_size")
    if patch > image:
        from ..config import HFConfigError

        raise HFConfigError(f"config: patch_size ({patch}) is larger than image_size ({image})")
    return (image // patch) ** 2


class PatchEmbeddings(nn.Module):
    role = "PatchEmbeddings"

    def __init__(self, cfg):
        super().__init__()
        patch = cfg.positive("patch_size")
        self.projection = nn.Conv2d(cfg.positive("num_channels"), cfg.positive("hidden_size"), patch, stride=patch)

    def forward(self, pixels):
        return self.projection(pixels).flatten(2).transpose(1, 2)


class Embeddings(nn.Module):
    role = "Embeddings"

    def __init__(self, cfg):
        super().__init__()
        hidden = cfg.positive("hidden_size")
        self.cls_token = nn.Parameter(torch.empty(1, 1, hidden))
        self.position_embeddings = nn.Parameter(torch.empty(1, _patches(cfg) + 1, hidden))
        self.patch_embeddings = PatchEmbeddings(cfg)
        self.dropout = nn.Dropout()

    def forward(self, pixels):
        x = self.patch_embeddings(pixels)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        return self.dropout(x + self.position_embeddings)


class Attention(nn.Module):
    role = "Attention"

    def __init__(self, cfg):
        super().__init__()
        hidden, self.heads = cfg.positive("hidden_size"), cfg.positive("num_attention_heads")
        self.head_dim = hidden // self.heads
        check_heads(self.heads, self.heads, self.head_dim)
        bias = bool(cfg.get("qkv_bias", True))
        self.q_proj = nn.Linear(hidden, hidden, bias=bias)
        self.k_proj = nn.Linear(hidden, hidden, bias=bias)
        self.v_proj = nn.Linear(hidden, hidden, bias=bias)
        self.o_proj = nn.Linear(hidden, hidden)

    def forward(self, x):
        b, s, _ = x.shape
        shape = (b, s, -1, self.head_dim)
        q, k, v = (p(x).view(*shape).transpose(1, 2) for p in (self.q_proj, self.k_proj, self.v_proj))
        return self.o_proj(eager_attention(q, k, v, self.head_dim ** -0.5, causal=False, mask=False).reshape(b, s, -1))


class MLP(nn.Module):
    role = "MLP"

    def __init__(self, cfg):
        super().__init__()
        hidden, inter = cfg.positive("hidden_size"), cfg.positive("intermediate_size")
        self.activation_fn = activation(cfg.get("hidden_act", "gelu"))
        self.fc1 = nn.Linear(hidden, inter)
        self.fc2 = nn.Linear(inter, hidden)

    def forward(self, x):
        return self.fc2(self.activation_fn(self.fc1(x)))


class Layer(nn.Module):
    role = "Layer"

    def __init__(self, cfg):
        super().__init__()
        hidden, eps = cfg.positive("hidden_size"), cfg.get("layer_norm_eps", 1e-12)
        self.attention = Attention(cfg)
        self.layernorm_before = nn.LayerNorm(hidden, eps=eps)
        self.layernorm_after = nn.LayerNorm(hidden, eps=eps)
        self.mlp = MLP(cfg)
        self.dropout = nn.Dropout()

    def forward(self, x):
        x = self.dropout(self.attention(self.layernorm_before(x))) + x
        return self.dropout(self.mlp(self.layernorm_after(x))) + x


class Pooler(nn.Module):
    role = "Pooler"

    def __init__(self, cfg):
        super().__init__()
        hidden = cfg.positive("hidden_size")
        self.dense = nn.Linear(hidden, cfg.get("pooler_output_size") or hidden)
        self.activation = activation(cfg.get("pooler_act", "tanh"))

    def forward(self, x):
        return self.activation(self.dense(x[:, 0]))


class ViTModel(nn.Module):
    role = "Model"

    def __init__(self, cfg, pooler):
        super().__init__()
        hidden = cfg.positive("hidden_size")
        self.embeddings = Embeddings(cfg)
        self.layers = nn.ModuleList(Layer(cfg) for _ in range(cfg.positive("num_hidden_layers")))
        self.layernorm = nn.LayerNorm(hidden, eps=cfg.get("layer_norm_eps", 1e-12))
        if pooler:
            self.pooler = Pooler(cfg)
        self.has_pooler = pooler

    def forward(self, pixels):
        x = self.embeddings(pixels)
        for layer in self.layers:
            x = layer(x)
        x = self.layernorm(x)
        if self.has_pooler:
            self.pooler(x)
        return x


class ViT(CausalLM):
    """ViTModel or ViTForImageClassification; forward(ids) reads only the batch size of ids."""

    fixed_input = True

    def __init__(self, cfg, family):
        super().__init__(cfg, family)
        self.classify = "ViTForImageClassification" in (cfg.get("architectures") or [])[:1]
        self.class_name = "ViTForImageClassification" if self.classify else "ViTModel"
        if self.classify:
            self.vit = ViTModel(cfg, pooler=False)
            labels = cfg.get("num_labels", 2) if not cfg.get("id2label") else len(cfg.get("id2label"))
            self.classifier = nn.Linear(cfg.positive("hidden_size"), labels) if labels > 0 else nn.Identity()
        else:
            for name, child in ViTModel(cfg, pooler=True)._modules.items():
                setattr(self, name, child)
            self.has_pooler = True

    def sequence_length(self) -> int:
        return _patches(self.cfg) + 1

    def forward(self, ids):
        image = self.cfg.positive("image_size")
        pixels = torch.empty(ids.shape[0], self.cfg.positive("num_channels"), image, image)
        if self.classify:
            return self.classifier(self.vit(pixels)[:, 0, :])
        return ViTModel.forward(self, pixels)

    def dims(self) -> dict:
        cfg = self.cfg
        hidden, heads = cfg.positive("hidden_size"), cfg.positive("num_attention_heads")
        return {"layers": cfg.positive("num_hidden_layers"), "hidden": hidden, "heads": heads, "d_attn": hidden,
                "vocab": self.classifier.out_features if self.classify and hasattr(self.classifier, "out_features")
                else hidden}

    def kv_layers(self):
        return []


def build(cfg, family):
    return ViT(cfg, family)
