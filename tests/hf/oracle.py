"""The truth for tests/hf: real transformers (and torch) in a process of its own.

Run as ``python oracle.py`` with a JSON request (or a list of them) on stdin, it prints one
JSON answer (or the list of answers):

* ``params``: ``named_parameters()`` (name, shape) of ``AutoModelForCausalLM.from_config``
  built on the meta device, in order (tied weights once, as torch yields them), and
  ``buffers`` (name, shape);
* with ``"seq_len"``: the model built on CPU with small random weights (``eager`` attention,
  experts looped, unless the request names ``attn_implementation`` / ``experts_implementation``;
  ``experts_implementation`` null: transformers' default), one forward of ``batch × seq_len`` token ids under
  ``torch.utils.flop_counter.FlopCounterMode``: ``flops`` (total) and ``flops_by_op``;
  ``kv_cache``: per layer the element counts of the key and value tensors in the cache
  object the forward returned.

torch is never imported next to TensorFlow: the tests run this in a subprocess.
"""

import json
import sys


def main():
    requests = json.load(sys.stdin)
    # Language models need no torchvision; a torchvision built for another torch (the test
    # extra may bring one for other tests) makes transformers' imports fail. Hidden here:
    # importlib.util.find_spec answers None for a module set to None in sys.modules.
    sys.modules["torchvision"] = None
    import torch  # noqa: F401

    single = isinstance(requests, dict)
    answers = [answer_one(r) for r in ([requests] if single else requests)]
    json.dump(answers[0] if single else answers, sys.stdout)


def answer_one(request):
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    data = dict(request["config"])
    model_type = data.pop("model_type")
    config = AutoConfig.for_model(model_type, **data)
    answer = {}
    make = AutoModelForCausalLM.from_config
    if request.get("class_name"):  # encoders: the class nncalc built (BertModel, BertForMaskedLM ...)
        import transformers

        make = getattr(transformers, request["class_name"])._from_config
    with torch.device("meta"):
        model = make(config)
    answer["class_name"] = type(model).__name__
    answer["params"] = [[n, list(p.shape)] for n, p in model.named_parameters()]
    answer["params_all_references"] = [[n, list(p.shape)] for n, p in model.named_parameters(remove_duplicate=False)]
    answer["modules"] = [[n, type(m).__name__] for n, m in model.named_modules()]
    answer["buffers"] = [[n, list(b.shape)] for n, b in model.named_buffers()]
    if request.get("optimizer"):
        answer["optimizer_state_bytes"] = optimizer_state_bytes(model_type, data, request["optimizer"])
    if request.get("seq_len"):
        from torch.utils.flop_counter import FlopCounterMode

        torch.manual_seed(0)
        config = AutoConfig.for_model(model_type, **data)
        implementations = {"attn_implementation": request.get("attn_implementation", "eager")}
        if request.get("experts_implementation", "eager") is not None:
            implementations["experts_implementation"] = request.get("experts_implementation", "eager")
        model = make(config, **implementations)
        model.eval()
        batch = request.get("batch", 1)
        counter = FlopCounterMode(display=False)
        if model_type == "vit":  # one image per batch entry, the config's size (seq_len unused)
            inputs = {"pixel_values": torch.randn(batch, config.num_channels, config.image_size, config.image_size)}
        else:
            inputs = {"input_ids": torch.randint(0, config.vocab_size, (batch, request["seq_len"]))}
            if not request.get("class_name"):
                inputs["use_cache"] = True
        with torch.no_grad(), counter:
            out = model(**inputs)
        answer["flops"] = counter.get_total_flops()
        answer["flops_by_op"] = {str(op).split(".")[1]: n
                                 for op, n in counter.get_flop_counts()["Global"].items()}
        cache = getattr(out, "cache", None) or getattr(out, "past_key_values", None)
        answer["kv_cache"] = [] if cache is None else [[layer.keys.numel() if layer.keys is not None else 0,
                               layer.values.numel() if layer.values is not None else 0,
                               str(layer.keys.dtype) if layer.keys is not None else None]
                              for layer in cache.layers]
    return answer


def optimizer_state_bytes(model_type, data, name):
    """Bytes of every state tensor the optimizer keeps after one training step (CPU, float32)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **data))
    params = [p for p in model.parameters()]
    if name == "sgd":
        opt = torch.optim.SGD(params, lr=1e-3)
    elif name == "sgd-momentum":
        opt = torch.optim.SGD(params, lr=1e-3, momentum=0.9)
    elif name == "adam":
        opt = torch.optim.Adam(params, lr=1e-3)
    elif name == "adamw":
        opt = torch.optim.AdamW(params, lr=1e-3)
    else:
        from transformers.optimization import Adafactor

        opt = Adafactor(params, lr=1e-3, relative_step=False, scale_parameter=False, warmup_init=False)
    ids = torch.randint(0, data["vocab_size"], (1, 8))
    model(ids, labels=ids).loss.backward()
    opt.step()
    return sum(v.numel() * v.element_size() for state in opt.state.values() for v in state.values()
               if torch.is_tensor(v))


if __name__ == "__main__":
    main()
