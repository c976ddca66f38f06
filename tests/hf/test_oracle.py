"""nncalc.hf against real transformers (tests/hf/oracle.py, in a subprocess: torch never
shares a process with TensorFlow): parameter names, shapes and order as
``named_parameters()`` yields them (tied weights once), per reference, buffers; and for
small random configs the FlopCounterMode count of an eager forward (experts looped) and
the KV-cache tensors of the cache object it returns."""

import pytest

from nncalc import torch as nt
from nncalc.flops import convention
from nncalc.flops.trace import recording
from nncalc.hf import build

from .generate import ENCODERS, cases
from .oracle_client import ask
from .published import PUBLISHED

CASES = cases()


@pytest.fixture(scope="module")
def published_answers():
    return dict(zip(PUBLISHED, ask([request(c) for c in PUBLISHED.values()])))


@pytest.fixture(scope="module")
def random_answers():
    return dict((name, a) for (name, *_), a in
                zip(CASES, ask([request(c, batch=b, seq_len=s) for _, c, b, s in CASES])))


def request(config, **more):
    """An oracle request; encoders name the class nncalc builds (base model or masked LM)."""
    out = {"config": config, **more}
    if config["model_type"] in ENCODERS:
        out["class_name"] = build(config).class_name
    return out


def _named(model, remove_duplicate=True):
    return [[name, list(p.shape)] for name, p in model.named_parameters(remove_duplicate=remove_duplicate)]


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_published_parameters(name, published_answers):
    truth = published_answers[name]
    model = build(PUBLISHED[name])
    assert _named(model) == truth["params"]
    assert _named(model, remove_duplicate=False) == truth["params_all_references"]
    assert [[n, list(b.shape)] for n, b in model.named_buffers()] == truth["buffers"]
    assert model.class_name == truth["class_name"]
    _same_modules(model, truth)


def _same_modules(model, truth):
    """Every module nncalc builds is transformers' module of that name and class; the ones
    nncalc leaves out hold no parameter (activation and dropout modules)."""
    from nncalc.hf.families import display_class

    theirs = dict(truth["modules"])
    mine = {name: display_class(m, model.family) for name, m in model.named_modules()}
    assert {name: theirs.get(name) for name in mine} == mine
    owners = {name.rsplit(".", 1)[0] for name, _ in truth["params_all_references"]}
    missing = set(theirs) - set(mine)
    assert not any(o == m or o.startswith(m + ".") for m in missing for o in owners)


def test_deepseek_v3_total():
    """The published DeepSeek-V3 size (transformers builds no multi-token-prediction layer)."""
    from nncalc.hf.analysis import Analysis, Options

    assert Analysis(build(PUBLISHED["DeepSeek-V3"]), Options()).figures["total_params"].value == 671_026_404_352


@pytest.mark.parametrize("name,config,batch,seq_len", CASES, ids=[c[0] for c in CASES])
def test_random_configs(name, config, batch, seq_len, random_answers):
    truth = random_answers[name]
    model = build(config)
    assert _named(model) == truth["params"]
    assert _named(model, remove_duplicate=False) == truth["params_all_references"]
    assert [[n, list(b.shape)] for n, b in model.named_buffers()] == truth["buffers"]
    _same_modules(model, truth)
    with recording() as trace:
        model(nt.empty(batch, seq_len, dtype=nt.int64))
    torch_convention = convention("torch")
    assert sum(torch_convention.count(op) for op in trace.ops) == truth["flops"]
    by_kind = {}
    for op in trace.ops:
        value = torch_convention.count(op)
        if value:
            kind = {"conv": "convolution"}.get(op.kind, op.kind)  # FlopCounterMode's aten name
            by_kind[kind] = by_kind.get(kind, 0) + value
    assert by_kind == truth["flops_by_op"]
    kv = [[layer.kept(seq_len) * layer.key * batch, layer.kept(seq_len) * layer.value * batch]
          for layer in model.kv_layers()]
    assert kv == [layer[:2] for layer in truth["kv_cache"]]


def test_flop_counter_mode_misses():
    """Where FlopCounterMode itself undercounts, with evidence: CPU scaled-dot-product
    attention counts 0 for the attention products, and transformers' default (grouped)
    experts implementation counts a fraction of the experts' products. nncalc's torch
    convention is the count of the eager forward with experts looped (the first answer)."""
    llama = dict(model_type="llama", num_hidden_layers=2, hidden_size=64, intermediate_size=128,
                 num_attention_heads=4, num_key_value_heads=2, vocab_size=100)
    mixtral = dict(llama, model_type="mixtral")
    eager, sdpa, looped, grouped = ask([
        {"config": llama, "batch": 2, "seq_len": 12},
        {"config": llama, "batch": 2, "seq_len": 12, "attn_implementation": "sdpa"},
        {"config": mixtral, "batch": 2, "seq_len": 12},
        {"config": mixtral, "batch": 2, "seq_len": 12, "experts_implementation": None}])
    assert "bmm" not in sdpa["flops_by_op"]  # the attention products were not counted
    assert sdpa["flops"] == eager["flops"] - eager["flops_by_op"]["bmm"]
    assert grouped["flops"] < looped["flops"]
    for config, truth in ((llama, eager), (mixtral, looped)):
        model = build(config)
        with recording() as trace:
            model(nt.empty(2, 12, dtype=nt.int64))
        assert sum(convention("torch").count(op) for op in trace.ops) == truth["flops"]
