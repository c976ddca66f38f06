"""A :class:`~nncalc.summary.Summary` as GitHub-flavoured Markdown.

Per model: a ``## Model: "name"`` heading, a table with Keras 3's columns
(Layer (type), Output Shape, Param #, and Connected to unless the model is
sequential-like) and cells written as Keras writes them (``(None, 784)``,
``401,920``, ``0 (unbuilt)``, ``?``, ``dense[0][0], dense_1[0][0]``, ``-``),
nested rows prefixed like Keras (three spaces per level, as ``&nbsp;``, then
``└ ``), then Keras' totals lines as a list.  ``lang="zh"`` translates the
headings and labels.  The cell helpers here are shared with the HTML renderer.
"""

from __future__ import annotations

from ..core.explain import Text, num
from ..summary import LayerRow, ModelSummary, Summary
from .explain import value_text
from .keras3 import readable_memory_size

LABELS = {
    "model": Text('Model: "{name}"', '模型："{name}"'),
    "layer": Text("Layer (type)", "层 (类型)"),
    "shape": Text("Output Shape", "输出形状"),
    "params": Text("Param #", "参数个数"),
    "connected": Text("Connected to", "连接到"),
    "total": Text("Total params", "参数总数"),
    "trainable": Text("Trainable params", "可训练参数"),
    "non_trainable": Text("Non-trainable params", "不可训练参数"),
    "optimizer": Text("Optimizer params", "优化器参数"),
    "explanation": Text("How these figures are derived", "这些数字的计算过程"),
    "colon": Text(": ", "："),
}


def headers(model: ModelSummary, lang: str = "en") -> list[str]:
    """The column titles of Keras' table for this model."""
    keys = ["layer", "shape", "params"] + ([] if model.sequential_like else ["connected"])
    return [LABELS[k](lang) for k in keys]


def shape_cell(shape) -> str:
    """``(None, 784)``, ``[(None, 3), (None, 4)]``, or ``?`` when never called."""
    return "?" if shape is None else value_text(shape)


def params_cell(row: LayerRow) -> str:
    return f"{row.params:,}" if row.built else "0 (unbuilt)"


def connected_cell(row: LayerRow) -> str:
    return ", ".join(f"{layer}[{node}][{tensor}]" for layer, node, tensor in row.connected_to) or "-"


def cells(row: LayerRow, model: ModelSummary) -> list[str]:
    """A row's cells as plain text, the name without its nesting prefix."""
    result = [f"{row.name} ({row.class_name})", shape_cell(row.output_shape), params_cell(row)]
    if not model.sequential_like:
        result.append(connected_cell(row))
    return result


def totals(model: ModelSummary, lang: str = "en") -> list[tuple[str, str]]:
    """Keras' footer as ``(label, "567,434 (2.16 MB)")`` pairs."""
    lines = [
        (LABELS["total"](lang), model.total_params, model.total_bytes),
        (LABELS["trainable"](lang), model.trainable_params, model.trainable_bytes),
        (LABELS["non_trainable"](lang), model.non_trainable_params, model.non_trainable_bytes),
    ]
    if model.optimizer_params is not None:
        lines.append((LABELS["optimizer"](lang), model.optimizer_params, model.optimizer_bytes))
    return [(label, f"{num(count)} ({readable_memory_size(size)})") for label, count, size in lines]


def escape(text: str) -> str:
    """Text that Markdown shows as is, in a table cell or a heading.

    Backslash-escapes ``\\ | * ` ~`` and any ``_`` that is not inside a word
    (``dense_1`` stays readable), writes ``& < >`` as entities (no raw HTML) and
    turns line breaks into spaces.
    """
    out = []
    for i, ch in enumerate(text):
        if ch in "\\|*`~":
            out.append("\\" + ch)
        elif ch == "_" and not (0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()):
            out.append("\\_")
        elif ch in "&<>":
            out.append({"&": "&amp;", "<": "&lt;", ">": "&gt;"}[ch])
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def render_model(model: ModelSummary, lang: str = "en") -> str:
    from .extras import extra_columns, footer_lines

    extra = extra_columns(model)
    titles = headers(model, lang)
    align = [":--", ":--", "--:", ":--"][: len(titles)] + [":--" if c.justify == "left" else "--:" for c in extra]
    titles += [c.header for c in extra]
    lines = [f"## {escape(LABELS['model'](lang).format(name=model.name))}", "",
             "| " + " | ".join(titles) + " |", "| " + " | ".join(align) + " |"]
    for row in model.rows:
        row_cells = [escape(c) for c in cells(row, model)] + [escape(c.cell(row)) for c in extra]
        if row.depth:
            row_cells[0] = "&nbsp;" * (3 * row.depth) + "└ " + row_cells[0]
        lines.append("| " + " | ".join(row_cells) + " |")
    lines.append("")
    colon = LABELS["colon"](lang)
    lines += [f"- {label}{colon}{value}" for label, value in totals(model, lang)]
    lines += [f"- {escape(label)}{colon}{escape(value)}" for label, value in footer_lines(model, lang)]
    return "\n".join(lines) + "\n"


def render(summary: Summary, lang: str = "en") -> str:
    """Every model's table, separated by a blank line."""
    return "\n".join(render_model(m, lang) for m in summary.models)
