"""nncalc.serve.browser, the Python side of the page's Web Worker, run here by CPython: the
answer is the API's (``nncalc summary``'s text, the JSON summary), and the "expand nested"
note appears exactly when the script's own ``model.summary()`` call kept nested models closed."""

from __future__ import annotations

import json

import pytest

from nncalc.serve import browser

from .conftest import SEED, cli_json, nncalc_command


@pytest.fixture
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(browser, "WORK_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)  # calculate() changes to WORK_DIR; the test's own cwd comes back
    return tmp_path


def calculate(work_dir, code: str, **options) -> dict:
    (work_dir / "model.py").write_text(code, encoding="utf-8")
    return json.loads(browser.calculate("model.py", json.dumps({"lang": "en", **options})))


def test_answer_is_the_commands(work_dir):
    answer = calculate(work_dir, SEED.read_text(encoding="utf-8"), formats=["markdown", "csv"], flops=True)
    assert answer["ok"] is True and "notes" not in answer
    assert answer["text"] == nncalc_command("summary", str(SEED), "--flops").stdout
    assert answer["summary"]["models"] == cli_json(SEED, "--flops")["models"]
    assert answer["markdown"] == nncalc_command("summary", str(SEED), "--flops", "--format", "markdown").stdout
    assert answer["csv"] == nncalc_command("summary", str(SEED), "--flops", "--format", "csv").stdout


def test_errors_name_the_line(work_dir):
    answer = calculate(work_dir, "import keras\n\nkeras.layers.Dense(-1)\n")
    assert answer["ok"] is False
    assert answer["error"] == nncalc_command("summary", "model.py", cwd=work_dir).stderr.strip()
    assert answer["error"].startswith("nncalc: error: model.py:3:")


NESTED = '''import keras
inner = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)], name="inner")
inputs = keras.Input((8,))
model = keras.Model(inputs, keras.layers.Dense(2)(inner(inputs)), name="outer")
'''


@pytest.mark.parametrize("tail, note", [
    ("", None),                                           # nncalc summarizes: the option applies
    ("model.summary()\n", ["outer"]),                     # the script's own call keeps it closed
    ("model.summary(expand_nested=True)\n", None),        # ... or opens it itself
    ("inner.summary()\n", None),                          # nothing nested in "inner"
    ("model.summary(None, None, None, True)\n", None),    # positional expand_nested
])
def test_expand_nested_note(work_dir, tail, note):
    answer = calculate(work_dir, NESTED + tail, expand_nested=True)
    assert answer["ok"] is True
    assert answer.get("notes") == (None if note is None else [{"kind": "expand_nested_in_script", "models": note}])
    if not tail:
        assert any(layer["depth"] > 0 for model in answer["summary"]["models"] for layer in model["layers"])
    plain = calculate(work_dir, NESTED + tail)  # the option off: never a note
    assert "notes" not in plain
    from nncalc.core.model import Model

    assert Model.summary.__name__ == "summary" and Model.summary.__qualname__ == "Model.summary"
