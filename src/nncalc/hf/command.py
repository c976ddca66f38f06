"""``nncalc summary config.json`` (or a model directory or HF cache entry): the CLI side of
the Hugging Face front door. Its options are added by :func:`add_arguments`."""

from __future__ import annotations

import argparse
import sys

DTYPES = ("float32", "float16", "bfloat16", "int8", "fp8", "int4")
UNITS = {"": 1, "B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40,
         "KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}


def _bytes(text: str) -> int:
    """``80GB`` -> bytes (1 GB = 2**30 bytes, as GPU memory is quoted: an "80GB" A100 has 80 GiB)."""
    t = text.strip().upper().replace(" ", "")
    number = t.rstrip("KMGTIB")
    unit = t[len(number):]
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size such as 80GB, got {text!r}") from None
    if unit not in UNITS or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a size such as 80GB, got {text!r}")
    return int(value * UNITS[unit])


def add_arguments(cmd, positive_int) -> None:
    group = cmd.add_argument_group("language models (a Hugging Face config.json, model directory or cache entry)")
    group.add_argument("--seq-len", type=positive_int, default=None, metavar="N",
                       help="tokens per sequence: FLOPs, KV cache and memory at this context (also the "
                            "length of keras_hub models' token inputs in scripts, None in keras_hub)")
    group.add_argument("--causal-half", action="store_true",
                       help="nncalc convention: count only the (query, key) pairs the causal mask keeps")
    group.add_argument("--recompute", action="store_true", help="training FLOPs with full recomputation (4x forward)")
    group.add_argument("--kv-cache", action="store_true", help="KV-cache bytes per token and for the context")
    group.add_argument("--dtype", choices=DTYPES, default=None,
                       help="weights and KV-cache dtype (default: the config's torch_dtype)")
    group.add_argument("--gpus", type=positive_int, default=1, help="GPUs for ZeRO sharding (default: 1)")
    group.add_argument("--zero", type=int, choices=(0, 1, 2, 3), default=0, help="ZeRO stage (default: 0)")
    group.add_argument("--checkpointing", action="store_true", help="training activations with checkpointing")
    group.add_argument("--budget", type=_bytes, default=None, metavar="SIZE",
                       help="memory budget such as 80GB (GiB): the largest context (or --solve batch) that fits")
    group.add_argument("--solve", choices=("context", "batch"), default="context",
                       help="what --budget solves for (default: context)")


def run(args) -> int:
    from ..torch._shapes import ShapeError
    from . import build, render
    from .analysis import OPTIMIZERS, Analysis, Options
    from .config import HFConfigError, read_config

    if args.flops_convention == "tf":
        raise HFConfigError("--flops-convention tf is TensorFlow's profiler count, for Keras models; a language "
                            "model takes nncalc, torch, kaplan or megatron")
    if args.optimizer not in OPTIMIZERS:
        raise HFConfigError(f"--optimizer {args.optimizer} is for Keras models; a language model takes "
                            f"{', '.join(OPTIMIZERS)}")
    if args.budget and not args.seq_len and args.solve == "batch":
        raise HFConfigError("--solve batch needs --seq-len (the context of each sequence)")
    config = read_config(args.file)
    try:
        model = build(config)
        seq_len = args.seq_len or (1 if args.budget else None)
        options = Options(seq_len=seq_len, batch=args.batch_size or 1, convention=args.flops_convention,
                          causal_half=args.causal_half, recompute=args.recompute, dtype=args.dtype,
                          kv_cache=args.kv_cache, optimizer=args.optimizer, gpus=args.gpus, zero=args.zero,
                          budget=args.budget, solve=args.solve, checkpointing=args.checkpointing)
        analysis = Analysis(model, options)
    except ShapeError as error:  # sizes that do not fit together: torch would fail the same way
        raise HFConfigError(f"model_type {config.get('model_type')!r}: the config's sizes do not fit together "
                            f"({error})") from None
    rows = analysis.rows(expand=args.expand_nested)
    lang = args.lang
    if args.format == "json":
        out = render.json_text(analysis, rows, lang) + "\n"
    elif args.format == "markdown":
        out = render.markdown(analysis, rows, lang)
    elif args.format == "csv":
        out = render.csv_text(analysis, rows)
    elif args.format == "html":
        out = render.html(analysis, rows, lang)
    else:
        out = render.text(analysis, rows, lang, explain=args.explain)
    sys.stdout.write(out)
    return 0
