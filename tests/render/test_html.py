"""HTML output: well-formed, escaped, real Keras 3's cells, and every row's derivation at hand."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import nncalc
from nncalc.render.explain import render_model as explain_model
from nncalc.render.html import render

from .keras3_tables import HERE, SCRIPTS
from ..helpers import script_params

pytestmark = pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
PARAMS = script_params(SCRIPTS)


TEXT_TAGS = {"caption", "th", "td", "summary", "pre", "li"}


class Reader(HTMLParser):
    """Checks nesting and collects per table: caption, header, rows (cells, details, title), totals.

    A name cell holding ``<details>`` counts as its ``<summary>`` text; the
    ``<pre>`` under it is the row's ``details``.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.buffers, self.tables = [], [], []
        self.summary_text, self.div_lang = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.stack.append(tag)
        if tag == "div":
            self.div_lang = attrs.get("lang")
        elif tag == "table":
            self.tables.append({"caption": None, "header": [], "rows": [], "totals": []})
        elif tag == "tr" and "tbody" in self.stack:
            self.tables[-1]["rows"].append({"cells": [], "details": None, "title": attrs.get("title")})
        if tag in TEXT_TAGS:
            self.buffers.append("")

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()
        if tag not in TEXT_TAGS:
            return
        text = self.buffers.pop().replace("\xa0", " ")
        table = self.tables[-1] if self.tables else None
        if tag == "caption":
            table["caption"] = text
        elif tag == "th":
            table["header"].append(text)
        elif tag == "li":
            table["totals"].append(text)
        elif tag == "summary":
            self.summary_text = text
        elif tag == "pre":
            table["rows"][-1]["details"] = text
        elif tag == "td":
            table["rows"][-1]["cells"].append(text if self.summary_text is None else self.summary_text)
            self.summary_text = None

    def handle_data(self, data):
        if self.buffers:
            self.buffers[-1] += data


def read(text: str) -> Reader:
    reader = Reader()
    reader.feed(text)
    reader.close()
    assert reader.stack == [], reader.stack
    return reader


@pytest.mark.parametrize("script", PARAMS)
def test_tables_are_real_keras_tables(script, pairs):
    summary, models = pairs(script)
    tables = read(render(summary)).tables
    assert len(tables) == len(models)
    for table, (model, keras_table) in zip(tables, models):
        width = 3 if model.sequential_like else 4
        assert table["caption"] == f'Model: "{keras_table.name}"'
        assert table["header"] == keras_table.header[:width]
        assert [row["cells"] for row in table["rows"]] == [cells[:width] for cells in keras_table.rows]
        assert table["totals"] == keras_table.totals


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("script", PARAMS)
def test_every_row_carries_its_derivation(script, lang):
    """The <details> text and the title are the row's lines of ``nncalc explain``."""
    summary = nncalc.summarize(str(script))
    tables = read(render(summary, lang=lang)).tables
    for table, model in zip(tables, summary.models):
        explained = [line.strip() for line in explain_model(model, lang).splitlines()]
        for row, layer in zip(table["rows"], model.rows):
            assert row["details"], f"{layer.name} has no derivation"
            assert row["title"] == row["details"]
            lines = [line.strip() for line in row["details"].splitlines()]
            start = explained.index(f"{layer.name} ({layer.class_name})") + 1
            assert explained[start:start + len(lines)] == lines


def test_everything_is_escaped():
    summary = nncalc.summarize(str(HERE / "scripts" / "edge.py"))
    text = summary.to_html()
    assert "<tag>" not in text and "<names>" not in text
    lazy, odd, _ = read(text).tables
    assert odd["caption"] == 'Model: "odd <names> | & co"'
    assert odd["rows"][2]["cells"] == ["pipe|and<tag>&amp;*_x_* (Dense)", "(None, 1)", "4"]
    assert lazy["rows"][0]["cells"] == ["d1 (Dense)", "?", "0 (unbuilt)"]
    assert "never called" in lazy["rows"][0]["details"]


def test_chinese():
    summary = nncalc.summarize(str(HERE / "tf_keras_reference" / "functional_shared.py"))
    reader = read(summary.to_html(lang="zh"))
    (table,) = reader.tables
    assert reader.div_lang == "zh"
    assert table["caption"] == '模型："siamese"'
    assert table["header"] == ["层 (类型)", "输出形状", "参数个数", "连接到"]
    assert table["totals"][0] == "参数总数：145 (580.00 B)"
    assert "参数" in table["rows"][1]["details"]


def test_notebook_repr_is_the_html():
    summary = nncalc.summarize(str(HERE / "tf_keras_reference" / "seed_mlp.py"))
    assert summary._repr_html_() == summary.to_html()
    assert summary.to_html().startswith('<div class="nncalc-summary" lang="en">')
    assert "<script" not in summary.to_html()
