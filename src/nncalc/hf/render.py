"""A Hugging Face model's report in text, Markdown, CSV, HTML and JSON, and its
explanations in English and Chinese (labels and rules; formulas carry the config's numbers)."""

from __future__ import annotations

import json

from .analysis import n

LABELS = {
    "total_params": ("Total params (tied weights once)", "总参数（共享权重只计一次）"),
    "params_per_reference": ("Params per reference (tied weights at each name)", "按引用计的参数（共享权重每处都计）"),
    "trainable_params": ("Trainable params", "可训练参数"),
    "non_embedding_params": ("Non-embedding params (Kaplan)", "非嵌入参数（Kaplan 定义）"),
    "active_params": ("Active params per token", "每个词元的激活参数"),
    "active_routed_params": ("  routed experts (top-k)", "  路由专家（top-k）"),
    "shared_expert_params": ("  shared experts", "  共享专家"),
    "router_params": ("  routers", "  路由器"),
    "active_non_embedding_params": ("Active non-embedding params", "激活的非嵌入参数"),
    "weight_bytes": ("Weights", "权重"),
    "flops_nncalc": ("Forward FLOPs, nncalc (every operation)", "前向 FLOPs，nncalc 约定（每个运算）"),
    "flops_torch": ("Forward FLOPs, torch (FlopCounterMode)", "前向 FLOPs，torch 约定（FlopCounterMode）"),
    "flops_kaplan": ("Forward FLOPs, Kaplan", "前向 FLOPs，Kaplan 公式"),
    "flops_megatron": ("Forward FLOPs, Megatron", "前向 FLOPs，Megatron 公式"),
    "forward_flops": ("Forward FLOPs", "前向 FLOPs"),
    "training_flops": ("Training FLOPs (one step)", "训练 FLOPs（一步）"),
    "kv_cache_bytes_per_token": ("KV cache per token", "每个词元的 KV 缓存"),
    "kv_cache_bytes": ("KV cache for the context", "整个上下文的 KV 缓存"),
    "peak_activation_bytes": ("Largest activation", "最大的激活张量"),
    "inference_bytes": ("Inference memory", "推理内存"),
    "optimizer_state_bytes": ("Optimizer states", "优化器状态"),
    "training_bytes": ("Training memory per GPU", "每个 GPU 的训练内存"),
    "budget_solution": ("Largest fit under the budget", "预算内可容纳的最大值"),
}
ZH_RULES = {
    "total_params": "每个参数只计一次",
    "params_per_reference": "共享（绑定）的权重在每个名字下都计一次，torchinfo 等工具即如此计数",
    "trainable_params": "所有参数都可训练",
    "non_embedding_params": "Kaplan 等 2020：去掉所有词表与位置嵌入矩阵（含未绑定的输出头）",
    "active_params": "每个词元：除未被选中的路由专家外的全部参数",
    "weight_bytes": "以所选数据类型存放的权重",
    "training_flops": "前向 + 反向（反向约为前向的 2 倍）；全部重算时再加一次前向",
    "kv_cache_bytes_per_token": "每层保存键和值（GQA/MQA 共享键值头；MLA 保存压缩潜向量与旋转键）",
    "kv_cache_bytes": "保存的位置数：整个上下文；滑动窗口层最多保存 窗口 − 1 个位置",
    "peak_activation_bytes": "即时（eager）前向中单个运算产生的最大张量；分配器的真实峰值还包括残差流等，未建模",
    "inference_bytes": "权重 + KV 缓存 + 最大激活张量",
    "training_bytes": "权重 + 梯度 + 混合精度下的 fp32 主权重 + 优化器状态 + 激活（ZeRO 按阶段分片）",
    "budget_solution": "推理内存不超过预算的最大上下文（或批大小）",
}
BYTES_KEYS = {"optimizer_state_bytes", "weight_bytes", "kv_cache_bytes_per_token", "kv_cache_bytes", "peak_activation_bytes",
              "inference_bytes", "training_bytes"}


def _human(value) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(value) < 1024 or unit == "PB":
            return f"{value:,.2f} {unit}" if unit != "B" else f"{value:,.6g} B"
        value /= 1024
    return str(value)


def value_text(key, value) -> str:
    if key in BYTES_KEYS:
        return f"{n(value)} bytes ({_human(value)})"
    return n(value)


def label(key, lang) -> str:
    en, zh = LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def rule(fig, lang) -> str:
    if lang == "zh":
        return ZH_RULES.get(fig.key, fig.rule)
    return fig.rule


def grouped_buffers(buffers):
    """Buffers with the same name but the layer index and the same shape, as one entry
    ``model.layers.3-60.mlp.gate.e_score_correction_bias (256) × 58``."""
    import re

    groups = {}
    for name, shape in buffers:
        match = re.search(r"\.(\d+)\.", name)
        key = (name[:match.start()] + ".#." + name[match.end():], shape) if match else (name, shape)
        groups.setdefault(key, []).append(int(match.group(1)) if match else None)
    out = []
    for (name, shape), indices in groups.items():
        if indices[0] is None or len(indices) == 1:
            label = name.replace("#", str(indices[0])) if indices[0] is not None else name
            out.append(f"{label} {_shape(shape)}")
        else:
            out.append(f"{name.replace('#', f'{min(indices)}-{max(indices)}')} {_shape(shape)} × {len(indices)}")
    return out


def _shape(s) -> str:
    return "-" if s is None else "(" + ", ".join(map(str, s)) + ")"


def _cells(row):
    shapes = ", ".join(_shape(s) for s in row.shapes) or "-"
    return ["  " * (row.depth - 1) + f"{row.name} ({row.class_name})", shapes, _shape(row.output_shape),
            n(row.params), f"× {row.count}" if row.count > 1 else "", "" if row.flops is None else n(row.flops)]


HEADERS = {"en": ["Module (type)", "Parameter shapes", "Output shape", "Param #", "Repeats", "FLOPs"],
           "zh": ["模块（类型）", "参数形状", "输出形状", "参数数量", "重复", "FLOPs"]}


def _header(a, lang):
    flops = a.trace is not None
    cols = HEADERS[lang][:]
    if flops:
        cols[5] += f" ({a.options.convention})"
    return cols if flops else cols[:5]


def text(a, rows, lang="en", explain=False) -> str:
    cols = _header(a, lang)
    body = [_cells(r)[:len(cols)] for r in rows]
    widths = [max(len(c), *(len(b[i]) for b in body)) if body else len(c) for i, c in enumerate(cols)]
    right = {3, 4, 5}

    def line(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    title = f'Model: "{a.model.class_name}" (model_type {a.model.family})'
    out = [title, line(cols), "─" * len(line(cols))]
    out += [line(b) for b in body]
    out.append("─" * len(line(cols)))
    for key, fig in a.figures.items():
        out.append(f" {label(key, lang)}: {value_text(key, fig.value)}")
    if a.buffers:
        head = "Buffers (named, not parameters, not counted)" if lang == "en" else "缓冲区（有名字，不是参数，不计入）"
        out.append(f" {head}: " + ", ".join(grouped_buffers(a.buffers)))
    text_out = "\n".join(out) + "\n"
    if explain:
        text_out += explanations(a, lang, rows)
    return text_out


def param_formula(row) -> str:
    """A module's own parameters from its shapes: ``(4096 + 1) × 11008`` for a linear layer
    with a bias (weight out × in, bias out), the product of each shape otherwise."""
    shapes = row.shapes
    if row.class_name in ("Linear", "FalconLinear") and len(shapes) in (1, 2) and len(shapes[0]) == 2:
        out, inp = shapes[0]
        return f"({n(inp)} + 1) × {n(out)}" if len(shapes) == 2 else f"{n(inp)} × {n(out)}"
    if row.class_name == "Conv1D" and len(shapes) == 2:
        inp, out = shapes[0]
        return f"({n(inp)} + 1) × {n(out)}"
    return " + ".join(" × ".join(n(d) for d in s) for s in shapes)


def explanations(a, lang="en", rows=()) -> str:
    lines = ["", "Parameters by module:" if lang == "en" else "各模块的参数："]
    for row in rows:
        if row.shapes:
            repeat = f"  (× {row.count})" if row.count > 1 else ""
            tied = "" if row.params else ("  (tied: counted at its first name)" if lang == "en"
                                          else "  （共享权重：只在第一个名字处计）")
            lines.append(f"  {row.name}: {param_formula(row)} = {n(_own(row))}{repeat}{tied}")
    lines += ["", "Why each figure:" if lang == "en" else "每个数字的来历："]
    for key, fig in a.figures.items():
        lines.append(f"{label(key, lang).strip()}: {fig.formula} = {value_text(key, fig.value)}")
        lines.append(f"    ({rule(fig, lang)})")
    lines.append(left_out(a, lang))
    return "\n".join(lines) + "\n"


def _own(row) -> int:
    total = 0
    for shape in row.shapes:
        size = 1
        for d in shape:
            size *= d
        total += size
    return total


def left_out(a, lang):
    """What the figures leave out, and why."""
    tied = a.figures["params_per_reference"].value - a.figures["total_params"].value
    vocab = a.model.cfg.get("vocab_size")
    if lang == "zh":
        parts = ["未计入：缓冲区（旋转位置编码的 inv_freq、位置编号等，不是参数）"]
        if tied:
            parts.append(f"与其他权重绑定的权重（如输出头与嵌入：{n(tied)} 个参数只计一次）")
        parts.append(f"词表按配置 vocab_size = {vocab} 计（检查点若填充词表，以配置为准）")
        return "；".join(parts) + "。"
    parts = ["Left out: buffers (rotary inv_freq, position ids and the like: not parameters)"]
    if tied:
        parts.append(f"weights tied to another (the output head to the embedding: {n(tied)} parameters counted once)")
    parts.append(f"vocabulary as the config's vocab_size = {vocab} (a padded checkpoint vocabulary is the config's)")
    return "; ".join(parts) + "."


def markdown(a, rows, lang="en") -> str:
    cols = _header(a, lang)
    out = [f"### {a.model.class_name} (`{a.model.family}`)", "", "| " + " | ".join(cols) + " |",
           "|" + "---|" * len(cols)]
    for r in rows:
        cells = _cells(r)[:len(cols)]
        cells[0] = "&nbsp;" * 2 * (r.depth - 1) + f"`{r.name}` ({r.class_name})"
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "| " + ("figure | value | formula" if lang == "en" else "数字 | 值 | 公式") + " |", "|---|---|---|"]
    for key, fig in a.figures.items():
        out.append(f"| {label(key, lang).strip()} | {value_text(key, fig.value)} | {fig.formula} |")
    return "\n".join(out) + "\n"


def csv_text(a, rows) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["name", "class_name", "depth", "param_shapes", "output_shape", "params", "repeats", "flops"])
    for r in rows:
        w.writerow([r.name, r.class_name, r.depth, ";".join(_shape(s) for s in r.shapes), _shape(r.output_shape),
                    r.params, r.count, "" if r.flops is None else r.flops])
    w.writerow([])
    w.writerow(["figure", "value", "formula"])
    for key, fig in a.figures.items():
        w.writerow([key, fig.value, fig.formula])
    return buf.getvalue()


def html(a, rows, lang="en") -> str:
    from html import escape

    cols = _header(a, lang)
    out = [f"<h3>{escape(a.model.class_name)} ({escape(a.model.family)})</h3>", "<table>",
           "<tr>" + "".join(f"<th>{escape(c)}</th>" for c in cols) + "</tr>"]
    for r in rows:
        cells = _cells(r)[:len(cols)]
        cells[0] = cells[0].strip()
        out.append(f'<tr style="--depth:{r.depth}">' + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    out.append("</table><table>")
    for key, fig in a.figures.items():
        out.append(f"<tr><th>{escape(label(key, lang).strip())}</th><td>{escape(value_text(key, fig.value))}</td>"
                   f"<td>{escape(fig.formula)}</td><td>{escape(rule(fig, lang))}</td></tr>")
    out.append("</table>")
    return "\n".join(out) + "\n"


def _step(fig, lang, topic):
    return {"topic": topic, "label": label(fig.key, lang).strip(), "formula": fig.formula, "value": fig.value,
            "rule": rule(fig, lang)}


def model_dict(a, rows, lang="en") -> dict:
    """One model in nncalc's JSON schema (``render/summary.schema.json``): Keras' top-level
    fields kept, rows as the module table, and the language-model figures added."""
    f = a.figures
    total = f["total_params"].value
    layers = []
    for r in rows:
        shapes = " + ".join(" × ".join(map(str, s)) for s in r.shapes) or "0"
        layers.append({
            "name": r.name + (f" (× {r.count})" if r.count > 1 else ""), "class_name": r.class_name,
            "output_shape": None if r.output_shape is None else list(r.output_shape), "params": r.params,
            "built": True, "trainable_params": r.params, "non_trainable_params": 0,
            "trainable": True if r.params else None, "connected_to": [], "depth": r.depth - 1,
            "explanation": {"params": [{"topic": "params", "label": "params" if lang == "en" else "参数",
                                        "formula": shapes, "value": r.params, "rule": None}], "output_shape": []},
            **({"flops": r.flops, "macs": None, "cost_unknown": None} if r.flops is not None else {}),
        })
    data = {
        "name": a.model.class_name, "class_name": a.model.class_name, "sequential_like": True,
        "total_params": total, "trainable_params": total, "non_trainable_params": 0, "optimizer_params": None,
        "total_bytes": f["weight_bytes"].value, "trainable_bytes": f["weight_bytes"].value,
        "non_trainable_bytes": 0, "optimizer_bytes": 0, "layers": layers,
        "model_type": a.model.family,
        "active_params": f["active_params"].value,
        "non_embedding_params": f["non_embedding_params"].value,
        "params_per_reference": f["params_per_reference"].value,
        "buffers": [{"name": name, "shape": list(s)} for name, s in a.buffers],
    }
    analysis = {"figures": {k: _step(fig, lang, "params") for k, fig in f.items()}}
    if "forward_flops" in f:
        analysis.update(flops=f["forward_flops"].value, flops_convention=a.options.convention,
                        training_flops=f["training_flops"].value)
    if "kv_cache_bytes_per_token" in f:
        analysis["kv_cache_bytes_per_token"] = f["kv_cache_bytes_per_token"].value
    if "kv_cache_bytes" in f:
        analysis["kv_cache_bytes"] = f["kv_cache_bytes"].value
    if "training_bytes" in f:
        o = a.options
        analysis["memory"] = {
            "dtype": a.dtype, "batch_size": o.batch, "seq_len": o.seq_len, "weight_bytes": f["weight_bytes"].value,
            "kv_cache_bytes": f["kv_cache_bytes"].value if "kv_cache_bytes" in f else 0,
            "peak_activation_bytes": f["peak_activation_bytes"].value,
            "inference_bytes": f["inference_bytes"].value, "optimizer": o.optimizer, "gpus": o.gpus, "zero_stage": o.zero,
            "training_parts": [{"part": name, "bytes": value} for name, value, _ in a.training_parts],
            "training_bytes": f["training_bytes"].value,
            "budget_solution": f["budget_solution"].value if "budget_solution" in f else None,
        }
    data["analysis"] = analysis
    return data


def json_text(a, rows, lang="en") -> str:
    from .. import __version__

    return json.dumps({"nncalc_version": __version__, "models": [model_dict(a, rows, lang)]}, indent=2,
                      ensure_ascii=False)
