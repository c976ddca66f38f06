"""A :class:`~nncalc.summary.Summary` as a self-contained HTML fragment (``_repr_html_``).

One ``<div class="nncalc-summary">`` holding, per model, a ``<table>`` with
Keras 3's columns and cells (see :mod:`nncalc.render.markdown`) captioned
``Model: "name"``, followed by a ``<ul>`` of Keras' totals lines.  Each layer's
name cell is a ``<details>`` element: click it to see how its parameters and
output shape are derived (the lines of ``nncalc explain``); the same text is the
row's ``title`` tooltip.  A ``<style>`` scoped to ``.nncalc-summary`` comes
with it, there is no script, and every piece
of text goes through :func:`html.escape`.  ``lang="zh"`` writes headings,
labels and explanations in Chinese.
"""

from __future__ import annotations

import html

from ..summary import LayerRow, ModelSummary, Summary
from .explain import explanation_lines
from .markdown import LABELS, cells, headers, totals

STYLE = """<style>
.nncalc-summary table { border-collapse: collapse; font-family: monospace; margin-bottom: 4px; }
.nncalc-summary caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
.nncalc-summary table th, .nncalc-summary table td {
  padding: 2px 8px; border-bottom: 1px solid #ccc; vertical-align: top; text-align: left; }
.nncalc-summary table .nncalc-num { text-align: right; }
.nncalc-summary summary { cursor: pointer; }
.nncalc-summary pre { margin: 4px 0; white-space: pre-wrap; }
.nncalc-summary ul { font-family: monospace; margin-top: 0; }
</style>"""
ALIGN = ["", "", ' class="nncalc-num"', ""]


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def _row(row: LayerRow, model: ModelSummary, lang: str) -> str:
    texts = cells(row, model)
    prefix = "&nbsp;" * (3 * row.depth) + "└ " if row.depth else ""
    lines = explanation_lines(row, lang)
    name = prefix + esc(texts[0])
    if lines:
        name = f"<details><summary>{name}</summary><pre>{esc(chr(10).join(lines))}</pre></details>"
    tds = [name] + [esc(t) for t in texts[1:]]
    title = f' title="{esc(chr(10).join(lines))}"' if lines else ""
    extra = "".join(f"<td{_align(c)}>{esc(c.cell(row))}</td>" for c in extra_columns(model))
    return (f"<tr{title}>" + "".join(f"<td{ALIGN[i]}>{td}</td>" for i, td in enumerate(tds)) + extra
            + "</tr>")


def _align(column) -> str:
    return "" if column.justify == "left" else ' class="nncalc-num"'


def extra_columns(model):
    from .extras import extra_columns as columns

    return columns(model)


def render_model(model: ModelSummary, lang: str = "en") -> str:
    """One model's table and totals."""
    from .extras import footer_lines

    head = "".join(f"<th{ALIGN[i]}>{esc(t)}</th>" for i, t in enumerate(headers(model, lang)))
    head += "".join(f"<th{_align(c)}>{esc(c.header)}</th>" for c in extra_columns(model))
    caption = esc(LABELS["model"](lang).format(name=model.name))
    colon = LABELS["colon"](lang)
    parts = [
        '<table class="nncalc-model">',
        f"<caption>{caption}</caption>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *(_row(row, model, lang) for row in model.rows),
        "</tbody>",
        "</table>",
        '<ul class="nncalc-totals">',
        *(f"<li>{esc(label + colon + value)}</li>" for label, value in totals(model, lang)),
        *(f"<li>{esc(label + colon + value)}</li>" for label, value in footer_lines(model, lang)),
        "</ul>",
    ]
    return "\n".join(parts)


def render(summary: Summary, lang: str = "en") -> str:
    """The fragment for every model of ``summary``."""
    body = "\n".join(render_model(m, lang) for m in summary.models)
    return f'<div class="nncalc-summary" lang="{esc(lang)}">\n{STYLE}\n{body}\n</div>\n'
