"""Small random configs per family, from a seeded generator (``NNCALC_HF_SEED``), for the
oracle tests: shapes, biases, tying, GQA, windows and MoE layouts vary; sizes stay small
enough for a CPU forward of real transformers."""

import os
import random

SEED = int(os.environ.get("NNCALC_HF_SEED", "21"))


def _attention(r, heads_max=6):
    kv = r.choice([1, 2, 3])
    heads = kv * r.choice([1, 2])
    head_dim = r.choice([4, 8, 16])
    return heads, kv, head_dim


def config(family: str, r: random.Random) -> dict:
    heads, kv, head_dim = _attention(r)
    hidden = heads * head_dim * r.choice([1, 2]) if family not in ("gpt2", "gpt_neox", "opt", "falcon") else heads * head_dim
    c = dict(model_type=family, num_hidden_layers=r.randint(1, 4), hidden_size=hidden,
             intermediate_size=r.choice([16, 24, 40]), num_attention_heads=heads, num_key_value_heads=kv,
             vocab_size=r.choice([50, 97, 128]), tie_word_embeddings=r.random() < 0.5,
             max_position_embeddings=64, pad_token_id=0)
    if family in ("llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3_text", "phi3", "mixtral",
                  "qwen2_moe", "qwen3_moe"):
        c["head_dim"] = head_dim
    if family == "llama":
        c.update(attention_bias=r.random() < 0.5, mlp_bias=r.random() < 0.5)
    if family in ("mistral", "mixtral", "phi3", "gemma2", "gemma3_text"):
        c["sliding_window"] = r.choice([None, 3, 5, 9]) if family != "gemma2" and family != "gemma3_text" \
            else r.choice([3, 5, 9])
    if family in ("qwen2", "qwen3", "qwen2_moe", "qwen3_moe") and r.random() < 0.5:
        c.update(use_sliding_window=True, sliding_window=r.choice([3, 5]), max_window_layers=r.randint(0, 2))
    if family == "gemma3_text":
        c["sliding_window_pattern"] = r.choice([2, 3])
    if family in ("gemma2", "gemma3_text"):
        c["query_pre_attn_scalar"] = head_dim
    if family == "phi3":
        c["rope_parameters"] = {"rope_type": "default", "rope_theta": 10000.0,
                                "partial_rotary_factor": r.choice([0.5, 1.0])}
    if family in ("mixtral", "qwen2_moe", "qwen3_moe"):
        experts = r.randint(2, 6)
        c.update(num_experts=experts, num_experts_per_tok=r.randint(1, min(3, experts)),
                 moe_intermediate_size=r.choice([8, 12]), norm_topk_prob=r.random() < 0.5)
    if family == "qwen2_moe":
        c.update(shared_expert_intermediate_size=r.choice([8, 20]), decoder_sparse_step=r.choice([1, 2]),
                 mlp_only_layers=r.sample(range(c["num_hidden_layers"]), r.randint(0, 1)))
    if family in ("deepseek_v2", "deepseek_v3"):
        experts = r.choice([4, 8])
        c.update(num_key_value_heads=heads, moe_intermediate_size=r.choice([8, 12]), n_routed_experts=experts,
                 n_shared_experts=r.choice([1, 2]), num_experts_per_tok=r.choice([1, 2]),
                 first_k_dense_replace=r.randint(0, 2), q_lora_rank=r.choice([None, 12, 24]),
                 kv_lora_rank=r.choice([8, 16]), qk_nope_head_dim=r.choice([4, 8]), qk_rope_head_dim=r.choice([2, 4]),
                 v_head_dim=r.choice([4, 6]), n_group=2, topk_group=1,
                 topk_method=r.choice(["greedy", "group_limited_greedy"]) if family == "deepseek_v2" else "noaux_tc")
    if family == "gpt2":
        c = dict(model_type="gpt2", n_layer=c["num_hidden_layers"], n_embd=hidden, n_head=heads,
                 vocab_size=c["vocab_size"], n_positions=64, n_inner=r.choice([None, 24]),
                 tie_word_embeddings=c["tie_word_embeddings"], activation_function=r.choice(["gelu_new", "relu"]))
    if family == "gpt_neox":
        # an even number of rotary dims (an odd one is a transformers corner nncalc does not check)
        c.update(rotary_pct=r.choice([p for p in (0.25, 0.5, 1.0) if int(head_dim * p) % 2 == 0]),
                 use_parallel_residual=r.random() < 0.5,
                 attention_bias=r.random() < 0.5)
        c.pop("num_key_value_heads")
    if family == "opt":
        c.update(ffn_dim=r.choice([16, 40]), word_embed_proj_dim=r.choice([hidden, hidden // 2]),
                 do_layer_norm_before=r.random() < 0.5, enable_bias=r.random() < 0.5,
                 layer_norm_elementwise_affine=r.random() < 0.7)
        c.pop("num_key_value_heads")
    if family == "falcon":
        c = dict(model_type="falcon", num_hidden_layers=c["num_hidden_layers"], hidden_size=hidden,
                 num_attention_heads=heads, vocab_size=c["vocab_size"], tie_word_embeddings=c["tie_word_embeddings"],
                 new_decoder_architecture=r.random() < 0.4, multi_query=r.random() < 0.5, num_kv_heads=kv,
                 parallel_attn=r.random() < 0.6, bias=r.random() < 0.5, alibi=r.random() < 0.3,
                 ffn_hidden_size=r.choice([None, 40]), max_position_embeddings=64)
        if c["new_decoder_architecture"]:  # transformers' new layout needs parallel attention
            c.update(num_ln_in_parallel_attn=r.choice([None, 1, 2]), parallel_attn=True)
        elif not c["multi_query"]:  # the old multi-head layout has a K and V per head (transformers fails otherwise)
            c["num_kv_heads"] = heads
    if family in ("bert", "roberta"):
        prefix = "Bert" if family == "bert" else "Roberta"
        c = dict(model_type=family, num_hidden_layers=c["num_hidden_layers"], hidden_size=heads * head_dim,
                 num_attention_heads=heads, intermediate_size=c["intermediate_size"], vocab_size=c["vocab_size"],
                 type_vocab_size=r.choice([1, 2]), max_position_embeddings=64, tie_word_embeddings=r.random() < 0.7,
                 hidden_act=r.choice(["gelu", "relu"]), pad_token_id=1,
                 architectures=[r.choice([f"{prefix}Model", f"{prefix}ForMaskedLM"])])
    if family == "vit":
        patch = r.choice([4, 8])
        c = dict(model_type="vit", num_hidden_layers=c["num_hidden_layers"], hidden_size=heads * head_dim,
                 num_attention_heads=heads, intermediate_size=c["intermediate_size"],
                 image_size=patch * r.randint(1, 4), patch_size=patch, num_channels=r.choice([1, 3]),
                 qkv_bias=r.random() < 0.7, num_labels=r.choice([2, 10]),
                 architectures=[r.choice(["ViTModel", "ViTForImageClassification"])])
    return c


ENCODERS = ("bert", "roberta", "vit")
FAMILIES = ("llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3_text", "phi3", "mixtral",
            "qwen2_moe", "qwen3_moe", "deepseek_v2", "deepseek_v3", "gpt2", "gpt_neox", "opt", "falcon", "bert",
            "roberta", "vit")


def cases(per_family=None):
    """(name, config, batch, seq_len) for every family, seeded."""
    per_family = per_family or int(os.environ.get("NNCALC_HF_N", "3"))
    r = random.Random(SEED)
    out = []
    for family in FAMILIES:
        for i in range(per_family):
            out.append((f"{family}-{i}", config(family, r), r.randint(1, 2), r.randint(1, 12)))
    return out
