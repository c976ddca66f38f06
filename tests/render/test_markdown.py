"""Markdown output: a GitHub table per model whose cells are real Keras 3's, then its totals."""

from __future__ import annotations

import pytest

import nncalc
from nncalc.render.markdown import escape, render

from .keras3_tables import HERE, SCRIPTS
from ..helpers import script_params

markdown_it = pytest.importorskip("markdown_it")  # rich's own dependency
pytestmark = pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
PARAMS = script_params(SCRIPTS)
PLAIN = {"text", "text_special"}


def text_of(inline) -> str:
    """What a reader sees; fails if Markdown read emphasis, links or raw HTML into it."""
    kinds = {child.type for child in inline.children}
    assert kinds <= PLAIN, f"{inline.content!r} parsed as {kinds}"
    return "".join(child.content for child in inline.children).replace("\xa0", " ")


def parse(text: str):
    """Markdown, read by a GFM table parser -> [(heading, header, rows, totals)]."""
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(text)
    models, where = [], None
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            models.append([text_of(tokens[i + 1]), [], [], []])
            where = None
        elif token.type in ("thead_open", "tbody_open", "bullet_list_open"):
            where = token.type
        elif token.type == "tr_open":
            (models[-1][2] if where == "tbody_open" else models[-1][1]).append([])
        elif token.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row = models[-1][2][-1] if where == "tbody_open" else models[-1][1][-1]
            row.append(text_of(token))
        elif (token.type == "inline" and where == "bullet_list_open"
              and tokens[i - 1].type == "paragraph_open"):
            models[-1][3].append(text_of(token))
    return [(heading, header[0], rows, totals) for heading, header, rows, totals in models]


@pytest.mark.parametrize("script", PARAMS)
def test_tables_are_real_keras_tables(script, pairs):
    summary, models = pairs(script)
    parsed = parse(render(summary))
    assert len(parsed) == len(models)
    for (heading, header, rows, totals), (model, table) in zip(parsed, models):
        assert heading == f'Model: "{table.name}"'
        width = 3 if model.sequential_like else 4
        assert header == table.header[:width]
        assert rows == [cells[:width] for cells in table.rows]
        assert totals == table.totals


def test_special_characters_survive():
    summary = nncalc.summarize(str(HERE / "scripts" / "edge.py"))
    (_, _, lazy, _), (heading, _, rows, _), _ = parse(summary.to_markdown())
    assert heading == 'Model: "odd <names> | & co"'
    assert rows[2] == ["pipe|and<tag>&amp;*_x_* (Dense)", "(None, 1)", "4"]
    assert lazy[0] == ["d1 (Dense)", "?", "0 (unbuilt)"]
    assert "<tag>" not in summary.to_markdown()  # no raw HTML


def test_chinese_headings():
    text = nncalc.summarize(str(HERE / "tf_keras_reference" / "functional_shared.py")).to_markdown(lang="zh")
    heading, header, rows, totals = parse(text)[0]
    assert heading == '模型："siamese"'
    assert header == ["层 (类型)", "输出形状", "参数个数", "连接到"]
    assert rows[1] == ["shared_dense (Dense)", "(None, 8)", "136", "left[0][0], right[0][0]"]
    assert totals[0] == "参数总数：145 (580.00 B)"


@pytest.mark.parametrize("name", ["a|b\\|c", "*_x_*", "`code` ~~gone~~", "<b>&amp;</b>", "_lead", "trail_",
                                  "snake_case_name", "x\ny"])
def test_escape_shows_text_as_is(name):
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(
        f"| h |\n| :-- |\n| {escape(name)} |\n")
    cells = [text_of(t) for t in tokens if t.type == "inline"]
    assert cells == ["h", name.replace("\n", " ")]
    assert escape("dense_1") == "dense_1"
