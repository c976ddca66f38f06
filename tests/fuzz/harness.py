"""What every fuzz case checks: the CLI answers with a summary or one clean error line, in time.

A case runs ``nncalc.cli.main([...])`` in-process (stdout/stderr captured, warnings
silenced) and :func:`check_cli` asserts:

* exit code 0 (a summary) or 2 (a user error), never 3 (a bug in nncalc);
* on exit 2, stderr is exactly one line ``nncalc: error: ...`` and nothing is a traceback;
* it used less than :data:`TIME_BOUND` seconds of CPU time (a hang spins; wall time is also
  bounded, by the case's own ``--timeout`` of the same length, which must not fire — on a
  starved machine a niced run can wait minutes of wall time for a case that needs 0.1 s).

``NNCALC_FUZZ_EXAMPLES`` sets the examples per test (default: the CI sample);
``NNCALC_FUZZ_SEED`` a seed other than the fixed CI one; ``NNCALC_FUZZ_LOG`` names a file
that receives one line per case (surface, outcome, first words of the error) for statistics,
and the differential config test's disagreements that are not failures (see there).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
import warnings
from pathlib import Path

from hypothesis import HealthCheck, settings

SEEDS = Path(__file__).resolve().parent / "seeds"
TIME_BOUND = float(os.environ.get("NNCALC_FUZZ_TIME_BOUND", "20"))  # seconds per case (2 slow cores)


def examples(ci_default: int) -> int:
    return int(os.environ.get("NNCALC_FUZZ_EXAMPLES", ci_default))


def fuzz_settings(ci_default: int):
    """Seeded (derandomized) for CI, so a failure reproduces; random with ``NNCALC_FUZZ_SEED``."""
    seeded = "NNCALC_FUZZ_SEED" not in os.environ
    return settings(max_examples=examples(ci_default), deadline=None, derandomize=seeded,
                    database=None, suppress_health_check=list(HealthCheck), print_blob=True)


def seed_configs() -> dict:
    """The seed model configs (``to_json()`` of real Keras models; see make_seeds.py)."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.json"))}


class Outcome:
    def __init__(self, code, out, err, seconds, error, cpu_seconds=0.0):
        self.code, self.out, self.err, self.seconds, self.error = code, out, err, seconds, error
        self.cpu_seconds = cpu_seconds


def option_sets(draw, st, model_file: bool):
    """Command-line options a case adds: formats, styles, languages, nncalc's own figures."""
    options = []
    for flag in ("--flops", "--memory", "--receptive-field", "--explain", "--expand-nested",
                 "--show-trainable"):
        if draw(st.integers(0, 3)) == 0:
            options.append(flag)
    fmt = draw(st.sampled_from(["text"] * 4 + ["json", "markdown", "csv", "html"]))
    options += ["--format", fmt, "--style", draw(st.sampled_from(["keras3"] * 4 + ["keras2", "tf_keras"]))]
    options += ["--lang", draw(st.sampled_from(["en", "zh"]))]
    if model_file and draw(st.integers(0, 7)) == 0:
        shape = draw(st.lists(st.sampled_from([1, 3, 8, 28, 2**40]), min_size=1, max_size=4))
        options += ["--input-shape", ",".join(map(str, shape))]
    return options + ["--timeout", str(TIME_BOUND)]


def run_cli(argv) -> Outcome:
    """``nncalc.cli.main(argv)`` in-process; the exception behind an error line is kept."""
    from nncalc import cli

    caught = []
    original = cli._is_user_error

    def spy(error):
        caught.append(error)
        return original(error)

    out, err = io.StringIO(), io.StringIO()
    cli._is_user_error = spy
    start, cpu_start = time.monotonic(), time.process_time()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            warnings.simplefilter("ignore")
            code = cli.main(list(map(str, argv)))
    finally:
        cli._is_user_error = original
    return Outcome(code, out.getvalue(), err.getvalue(), time.monotonic() - start,
                   caught[-1] if caught else None, time.process_time() - cpu_start)


def log(surface: str, outcome: Outcome) -> None:
    path = os.environ.get("NNCALC_FUZZ_LOG")
    if path:
        first = outcome.err.strip().splitlines()[0][:160] if outcome.err.strip() else ""
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{surface}\t{outcome.code}\t{outcome.seconds:.2f}\t{first}\n")


def record(surface: str, text: str) -> None:
    """One free-form line in ``NNCALC_FUZZ_LOG`` (for findings that are not failures)."""
    path = os.environ.get("NNCALC_FUZZ_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{surface}\t{' '.join(text.split())}\n")


def check_cli(argv, surface: str) -> Outcome:
    outcome = run_cli(argv)
    log(surface, outcome)
    from nncalc.errors import ScriptTimeout

    assert outcome.code in (0, 2), f"exit {outcome.code}: {outcome.err}"
    assert not isinstance(outcome.error, ScriptTimeout), f"hang: {outcome.err}"
    assert "Traceback" not in outcome.err, outcome.err
    if outcome.code == 2:
        lines = outcome.err.strip().splitlines()
        assert len(lines) == 1, outcome.err
        assert lines[0].startswith(("nncalc: error: ", "nncalc: 错误: ")), outcome.err
    assert outcome.cpu_seconds < TIME_BOUND, f"{outcome.cpu_seconds:.1f} s of CPU: {argv}"
    return outcome
