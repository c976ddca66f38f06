"""nncalc.render.text_table draws Keras 3's table byte for byte as rich draws it.

Differential: every summary is printed twice, by the plain-text writer and by rich (the
``use_rich=True`` path, which is Keras' own drawing code, checked against real Keras by
tests/differential), over a corpus of summaries (the examples, the render and differential
scripts, generated scripts, the applications configs of the benchmark when present, all
with and without FLOPs/memory/receptive-field columns and nested expansion) and over
hypothesis-generated summaries (long names, spaces, huge shapes, CJK, emoji codes,
brackets, empty models), at several console widths, line lengths and ``show_trainable``.
The texts must be identical, and for ASCII text the plain writer must really be the one
drawing (not falling back to rich).
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nncalc.analysis import AnalysisOptions
from nncalc.render import keras3, text_table
from nncalc.summary import LayerRow, ModelSummary, summarize_model

from ..helpers import sweep

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = (sorted((ROOT / "examples").glob("*.py")) + sorted((ROOT / "tests/render/scripts").glob("*.py"))
           + sorted((ROOT / "tests/differential/scripts").glob("*.py")))
# Applications configs made by benchmarks/run.py (optional): ResNet50, all three with NNCALC_SWEEP.
CONFIGS = [p for p in sorted((ROOT / "benchmarks/.cache").glob("*.json"))
           if "Net50" in p.name or float(os.environ.get("NNCALC_SWEEP", "1")) > 1]
ALL = AnalysisOptions(flops=True, memory=True, receptive_field=True)


def _generated_scripts(tmp_dir: Path, n: int = 25) -> list[Path]:
    spec = importlib.util.spec_from_file_location("_text_table_generate", ROOT / "tests/differential/generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    paths = []
    for script_id, source in module.generate_scripts(7, n):
        path = tmp_dir / f"{script_id}.py"
        path.write_text(source, encoding="utf-8")
        paths.append(path)
    return paths


def _summaries_of(path: Path, analysis) -> list[ModelSummary]:
    from nncalc.api import run_for_summaries

    try:
        summaries, models = run_for_summaries(str(path), stdout=io.StringIO(), analysis=analysis)
    except Exception:  # scripts that test nncalc's errors
        return []
    extra = [summarize_model(m, expand_nested=True, analysis=analysis) for m in models]
    return summaries + extra


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[ModelSummary]:
    from nncalc.io.files import load_model

    scripts = SCRIPTS + _generated_scripts(tmp_path_factory.mktemp("generated"), 12)
    result = []
    for i, path in enumerate(scripts):
        tf = AnalysisOptions(flops=True, flops_convention="tf")
        for analysis in (AnalysisOptions(), ALL if i % 2 else tf):
            result += _summaries_of(path, analysis)
    for path in CONFIGS:
        model = load_model(str(path))
        result.append(summarize_model(model, analysis=ALL if "Net50" in path.name else None))
    assert len(result) > 80
    return result


def both(summary, monkeypatch, columns: str, **kwargs) -> tuple[str, str]:
    monkeypatch.setenv("COLUMNS", columns)
    texts = []
    for use_rich in (False, True):
        try:
            texts.append(keras3.render_text(summary, use_rich=use_rich, **kwargs))
        except ValueError as error:  # "Insufficient console width": both must raise it
            texts.append(f"ValueError: {error}")
    return texts[0], texts[1]


COMBINATIONS = list(itertools.product(("80", "45", "250"), (None, 33, 70, 140), (False, True)))


def test_corpus_byte_identical(corpus, monkeypatch):
    """Each summary at an eighth of the combinations (in turn), the large ones at two."""
    drawn_plain = 0
    for i, summary in enumerate(corpus):
        if len(summary.rows) > 150:
            combinations = [("80", None, False), ("250", None, True)]
        else:
            combinations = COMBINATIONS[i % 8::8]
        for columns, line_length, show_trainable in combinations:
            plain, rich = both(summary, monkeypatch, columns, line_length=line_length,
                               show_trainable=show_trainable)
            assert plain == rich, (summary.name, columns, line_length, show_trainable)
            if not plain.startswith("ValueError"):
                width = text_table.console_width(to_stdout=False)
                drawn_plain += keras3._plain_text(summary, width, line_length, None, show_trainable) is not None
    assert drawn_plain > 150  # the plain writer drew them, not rich


def test_summary_to_stdout(corpus, monkeypatch, capsys):
    """Without print_fn the text goes to stdout (a pipe here), as rich writes it."""
    monkeypatch.setenv("COLUMNS", "80")
    for summary in corpus[:60]:
        keras3.print_summary(summary)
        plain = capsys.readouterr().out
        keras3.print_summary(summary, use_rich=True)
        assert plain == capsys.readouterr().out


def test_terminal_and_forced_colour_use_rich(monkeypatch):
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert text_table.console_width(to_stdout=True) is None
    assert text_table.console_width(to_stdout=False) is not None  # captured: never coloured
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setattr(sys, "stdout", type("Tty", (io.StringIO,), {"isatty": lambda self: True})())
    assert text_table.console_width(to_stdout=True) is None
    monkeypatch.setenv("COLUMNS", "123")
    assert text_table.console_width(to_stdout=False) == 123


# ----------------------------------------------------------------- generated summaries
NAME_CHARS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABC_0123456789") * 4 + list(" -.:[]/\\×é中文😀\t"))
names = st.text(NAME_CHARS, min_size=1, max_size=70)
dims = st.one_of(st.none(), st.integers(1, 10**15))
shapes = st.one_of(st.none(), st.tuples(), st.lists(dims, min_size=1, max_size=6).map(tuple),
                   st.lists(st.lists(dims, min_size=1, max_size=4).map(tuple), min_size=1, max_size=4))


@st.composite
def rows(draw, depth_max=3):
    has_weights = draw(st.booleans())
    return LayerRow(
        name=draw(names), class_name=draw(st.sampled_from(["Dense", "Conv2D", "InputLayer", "层", "A" * 40])),
        output_shape=draw(shapes), params=draw(st.integers(0, 10**14)), built=draw(st.booleans()),
        trainable_params=0, non_trainable_params=0,
        connected_to=draw(st.lists(st.tuples(names, st.integers(0, 3), st.integers(0, 300)), max_size=5)),
        depth=draw(st.integers(0, depth_max)), trainable=draw(st.booleans()), has_weights=has_weights)


@st.composite
def model_summaries(draw):
    return ModelSummary(
        name=draw(names), class_name="Functional", sequential_like=draw(st.booleans()),
        rows=draw(st.lists(rows(), max_size=6)), total_params=draw(st.integers(0, 10**15)),
        trainable_params=draw(st.integers(0, 10**15)), non_trainable_params=draw(st.integers(0, 10**9)),
        trainable_bytes=draw(st.floats(0, 1e18)), non_trainable_bytes=draw(st.floats(0, 1e9)),
        optimizer_params=draw(st.one_of(st.none(), st.integers(0, 10**9))))


@settings(max_examples=sweep(150), deadline=None, suppress_health_check=list(HealthCheck))
@given(summary=model_summaries(), columns=st.sampled_from(["80", "20", "47", "200"]),
       line_length=st.one_of(st.none(), st.integers(16, 220)), show_trainable=st.booleans())
def test_generated_byte_identical(summary, columns, line_length, show_trainable):
    with pytest.MonkeyPatch.context() as monkeypatch:
        plain, rich = both(summary, monkeypatch, columns, line_length=line_length,
                           show_trainable=show_trainable)
    assert plain == rich


@settings(max_examples=sweep(150), deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.lists(st.sampled_from(list("ab ") + ["xyz", "    ", "abcdefghijklmnopq"]), max_size=20).map("".join),
       width=st.integers(1, 30), justify=st.sampled_from(["left", "right", "center", "default"]),
       ellipsis=st.booleans())
def test_wrap_is_rich_wrap(text, width, justify, ellipsis):
    """text_table.wrap against rich.text.Text.wrap on words, runs of spaces, long words."""
    import rich.console
    import rich.text

    console = rich.console.Console(width=100)
    expected = [line.plain for line in rich.text.Text(text).wrap(
        console, width, justify=justify, overflow="ellipsis" if ellipsis else "fold")]
    assert text_table.wrap(text, width, justify, ellipsis) == expected


def test_unsafe_text_is_left_to_rich(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    row = LayerRow(name="中文:smile:", class_name="Dense", output_shape=(None, 3), params=12, built=True,
                   trainable_params=12, non_trainable_params=0, connected_to=[], depth=0, trainable=True,
                   has_weights=True)
    summary = ModelSummary("m", "Sequential", True, [row], 12, 12, 0, 48.0, 0.0)
    assert keras3._plain_text(summary, 80, None, None, False) is None
    assert keras3.render_text(summary) == keras3.render_text(summary, use_rich=True)
    for text in ("a\tb", "a\nb", ":smile:", "中", "😀", "\x1b[31m"):
        assert not text_table.safe(text)
    for text in ("Dense (None, 3)", "11×11 /4 @5", "é", "a: b:c"):
        assert text_table.safe(text)

