"""The figures nncalc derives itself: the causal-half count against a brute-force count of
the mask, the conventions against each other, MoE active parameters and non-embedding
parameters against the parameter shapes transformers builds."""

import pytest

from nncalc import torch as nt
from nncalc.flops import convention
from nncalc.flops.nncalc_convention import visible_pairs
from nncalc.flops.trace import recording
from nncalc.hf import build
from nncalc.hf.analysis import Analysis, Options

from .oracle_client import ask
from .published import PUBLISHED


@pytest.mark.parametrize("q_len", [1, 2, 7, 16])
@pytest.mark.parametrize("past", [0, 3])
@pytest.mark.parametrize("window", [None, 1, 4, 9, 40])
def test_visible_pairs_is_the_mask(q_len, past, window):
    brute = sum(1 for i in range(q_len) for j in range(past + q_len)
                if j <= past + i and (window is None or past + i - j < window))
    assert visible_pairs(q_len, past, window) == brute


def test_causal_half_counts_only_kept_pairs():
    config = dict(model_type="mistral", num_hidden_layers=1, hidden_size=32, intermediate_size=48,
                  num_attention_heads=2, num_key_value_heads=1, vocab_size=50, sliding_window=5)
    model = build(config)
    with recording() as trace:
        model(nt.empty(1, 12, dtype=nt.int64))
    full = Options(seq_len=12)
    half = Options(seq_len=12, causal_half=True)
    count = convention("nncalc").count
    scores = [op for op in trace.ops if op.kind == "bmm"]
    assert len(scores) == 2
    for op in scores:
        assert count(op, half) * 12 * 12 == count(op, full) * visible_pairs(12, 0, 5)


def test_conventions_order():
    """nncalc counts every operation, torch only the products: nncalc ≥ torch, and equal
    once everything but the products is taken away."""
    a = Analysis(build(PUBLISHED["Llama-3.2-1B"]), Options(seq_len=64))
    products = [op for op in a.trace.ops if op.kind in ("mm", "bmm")]
    assert a.figures["flops_nncalc"].value > a.figures["flops_torch"].value
    assert a.op_flops("nncalc", products) == a.op_flops("torch", products) == a.figures["flops_torch"].value


def test_training_flops_multiples():
    forward = Analysis(build(PUBLISHED["GPT-2"]), Options(seq_len=128)).figures["forward_flops"].value
    assert Analysis(build(PUBLISHED["GPT-2"]), Options(seq_len=128)).figures["training_flops"].value == 3 * forward
    assert Analysis(build(PUBLISHED["GPT-2"]), Options(seq_len=128, recompute=True)).figures[
        "training_flops"].value == 4 * forward


@pytest.fixture(scope="module")
def shapes():
    names = ["Mixtral-8x7B-v0.1", "DeepSeek-V3", "Qwen1.5-MoE-A2.7B", "Llama-3.1-70B", "GPT-2", "OPT-350M"]
    return dict(zip(names, ask([{"config": PUBLISHED[n]} for n in names])))


def _numel(shape):
    out = 1
    for d in shape:
        out *= d
    return out


@pytest.mark.parametrize("name,experts_key,top_k_key", [
    ("Mixtral-8x7B-v0.1", "num_local_experts", "num_experts_per_tok"),
    ("DeepSeek-V3", "n_routed_experts", "num_experts_per_tok"),
    ("Qwen1.5-MoE-A2.7B", "num_experts", "num_experts_per_tok")])
def test_active_params_from_transformers_shapes(name, experts_key, top_k_key, shapes):
    """Active = total − the routed-expert tensors' share of the experts not chosen."""
    config = PUBLISHED[name]
    params = shapes[name]["params"]
    total = sum(_numel(s) for _, s in params)
    routed = sum(_numel(s) for n, s in params if ".experts." in n)
    e, k = config[experts_key], config[top_k_key]
    figures = Analysis(build(config), Options()).figures
    assert figures["total_params"].value == total
    assert figures["active_params"].value == total - routed * (e - k) // e


@pytest.mark.parametrize("name", ["Llama-3.1-70B", "GPT-2", "OPT-350M", "Mixtral-8x7B-v0.1"])
def test_non_embedding_from_transformers_shapes(name, shapes):
    """Kaplan's N: the total less every embedding table and an untied output head."""
    params = shapes[name]["params"]
    total = sum(_numel(s) for _, s in params)
    tables = sum(_numel(s) for n, s in params if n.endswith(("embed_tokens.weight", "wte.weight", "wpe.weight",
                                                             "embed_positions.weight", "lm_head.weight")))
    assert Analysis(build(PUBLISHED[name]), Options()).figures["non_embedding_params"].value == total - tables


def test_kv_cache_of_gqa_and_mla():
    llama = Analysis(build(PUBLISHED["Llama-3.1-70B"]), Options(kv_cache=True, dtype="bfloat16")).figures
    assert llama["kv_cache_bytes_per_token"].value == 80 * 2 * 8 * 128 * 2  # layers × (k, v) × kv heads × dim × 2 B
    v3 = Analysis(build(PUBLISHED["DeepSeek-V3"]), Options(kv_cache=True, dtype="bfloat16")).figures
    assert v3["kv_cache_bytes_per_token"].value == 61 * (512 + 64) * 2
    gemma = Analysis(build(PUBLISHED["Gemma-3-1B"]), Options(seq_len=4096, kv_cache=True, dtype="int4")).figures
    # 26 layers, 5 of 6 sliding (window 512 keeps 511), one KV head of 256
    full_layers = sum(1 for i in range(26) if (i + 1) % 6 == 0)
    kept = full_layers * 4096 + (26 - full_layers) * 511
    assert gemma["kv_cache_bytes"].value == kept * 2 * 256 // 2


@pytest.mark.parametrize("optimizer", ["sgd", "sgd-momentum", "adam", "adamw", "adafactor"])
def test_optimizer_states_as_torch_keeps_them(optimizer):
    """The optimizer-state bytes against the state tensors of the real optimizer after one
    step (torch's SGD/Adam/AdamW, transformers' Adafactor), float32, an MoE model (3-D expert
    tensors) with a tied head."""
    config = dict(model_type="qwen2_moe", num_hidden_layers=2, hidden_size=32, intermediate_size=48,
                  num_attention_heads=4, num_key_value_heads=2, vocab_size=64, num_experts=3,
                  num_experts_per_tok=2, moe_intermediate_size=16, shared_expert_intermediate_size=24,
                  tie_word_embeddings=True, pad_token_id=0)
    truth = ask({"config": config, "optimizer": optimizer})["optimizer_state_bytes"]
    figures = Analysis(build(config), Options(seq_len=8, optimizer=optimizer, dtype="float32")).figures
    assert figures["optimizer_state_bytes"].value == truth


def _evaluate(formula):
    expression = formula.replace(",", "").replace("×", "*").replace("−", "-")
    assert set(expression) <= set("0123456789+-* ()"), formula
    return eval(expression)  # digits and operators only (checked above)


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_explained_parameter_formulas_add_up(name):
    """The derivations --explain prints are arithmetic that gives the figure."""
    figures = Analysis(build(PUBLISHED[name]), Options()).figures
    for key in ("total_params", "params_per_reference", "non_embedding_params"):
        assert _evaluate(figures[key].formula) == figures[key].value, (key, figures[key].formula)
    if "active_params" in figures and "(" in figures["active_params"].formula:
        assert _evaluate(figures["active_params"].formula) == figures["active_params"].value
