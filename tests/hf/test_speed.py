"""Speed and memory of the Hugging Face front door, in process (build, every figure, the
text table): any published config < 100 ms, DeepSeek-V3 (671,026,404,352 parameters)
< 200 ms and < 50 MB; and nothing of it imported by ``import nncalc``."""

import subprocess
import sys
import time
import tracemalloc

import pytest

from nncalc.hf import build, render
from nncalc.hf.analysis import Analysis, Options

from .published import PUBLISHED


def _run(config):
    analysis = Analysis(build(config), Options())
    return render.text(analysis, analysis.rows())


def _best_ms(config, repeats=5):
    """The fastest of a few runs: the cost of the work, not of other processes on the machine."""
    _run(config)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _run(config)
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_every_published_config_under_100_ms(name):
    assert _best_ms(PUBLISHED[name]) < (200 if name == "DeepSeek-V3" else 100)


def test_deepseek_v3_memory():
    tracemalloc.start()
    try:
        _run(PUBLISHED["DeepSeek-V3"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20


def test_import_nncalc_imports_none_of_it():
    code = "import sys, nncalc; print([m for m in sys.modules if m.startswith(('nncalc.hf', 'nncalc.torch', 'nncalc.flops'))])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
