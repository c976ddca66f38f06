"""Mixture-of-experts pieces shared by mixtral, qwen2_moe, qwen3_moe and deepseek_v2/v3,
written from transformers 5 (``MixtralExperts``, ``*TopKRouter``): the experts of a layer are
two 3-D parameters, ``gate_up_proj`` (E, 2·I, H) and ``down_proj`` (E, H, I); the router a
(E, H) ``weight``.

The forward is transformers' eager expert loop: each routed (token, slot) pair goes through
its expert, so the products are those of T·k rows (T tokens, top-k experts each) however the
router spreads them: ``mm(T·k, H, 2·I)`` then ``mm(T·k, I, H)``, recorded once per layer.
"""

from __future__ import annotations

from .. import torch
from ..flops.trace import emit
from ..torch import nn
from .blocks import activation


class Experts(nn.Module):
    role = "Experts"

    def __init__(self, num_experts, hidden, intermediate, act):
        super().__init__()
        self.num_experts, self.hidden, self.intermediate = num_experts, hidden, intermediate
        self.gate_up_proj = nn.Parameter(torch.empty(num_experts, 2 * intermediate, hidden))
        self.down_proj = nn.Parameter(torch.empty(num_experts, hidden, intermediate))
        self.act_fn = activation(act)

    @property
    def params_per_expert(self) -> int:
        return 3 * self.hidden * self.intermediate

    def forward(self, x, top_k):
        rows = x.shape[0] * top_k  # (token, slot) pairs, each through one expert
        emit("mm", (rows, self.hidden, 2 * self.intermediate), "linear")
        self.act_fn(torch.empty(rows, self.intermediate))
        emit("elementwise", (rows * self.intermediate,), "mul")
        emit("mm", (rows, self.intermediate, self.hidden), "linear")
        emit("elementwise", (rows * self.hidden,), "mul")  # × the routing weight
        emit("elementwise", (rows * self.hidden,), "index_add")  # summed into the token's output
        return torch.empty(*x.shape)


class SoftmaxRouter(nn.Module):
    role = "TopKRouter"
    """Mixtral / Qwen MoE router: logits = x · Wᵀ, softmax, top-k (renormalized when
    ``norm_topk_prob``; Mixtral always)."""

    def __init__(self, num_experts, hidden, top_k, normalize):
        super().__init__()
        self.top_k, self.normalize = top_k, normalize
        self.weight = nn.Parameter(torch.empty(num_experts, hidden))

    def forward(self, x):
        logits = nn.functional.linear(x, self.weight)
        probs = nn.functional.softmax(logits, dim=-1, dtype=torch.float32)
        top, _ = probs.topk(self.top_k, dim=-1)
        if self.normalize:
            top = top / top.sum(-1, keepdim=True)
        return top


class MoEInfo:
    """One MoE layer, for active-parameter counts: E routed experts of ``expert_params``
    each, top-k of them used per token, plus always-used shared experts and the router."""

    __slots__ = ("layer", "experts", "top_k", "expert_params", "shared_params", "router_params")

    def __init__(self, layer, experts, top_k, expert_params, shared_params, router_params):
        self.layer, self.experts, self.top_k = layer, experts, top_k
        self.expert_params, self.shared_params, self.router_params = expert_params, shared_params, router_params


def count(module) -> int:
    return sum(p.numel() for p in module.parameters())
