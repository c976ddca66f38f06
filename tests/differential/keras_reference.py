"""Record what model scripts print under real Keras.

    python keras_reference.py --out FILE [--verify K] SCRIPT...

Every script is run twice, the way a user would pipe it (``python script.py
| cat``): once with ``COLUMNS`` unset ("piped": Keras sizes tables to
``min(default, 80 - 4)``) and once with ``COLUMNS=200`` ("columns200").  FILE
receives ``{script_id: {"piped": out, "columns200": out}}`` where ``script_id``
is the file name without ``.py`` and ``out`` is the script's whole stdout, or,
if the script raised, ``{"error": type name, "message": str(exc), "stdout":
what it printed before}``.

All scripts run in this one process, so Keras is imported once.  Two things
make that faithful to a fresh ``python script.py | cat``:

* ``keras.backend.clear_session()`` before each run restarts the automatic
  name counters (``dense``, ``dense_1``...).
* Nothing may look like a terminal.  ``shutil.get_terminal_size()`` (Keras'
  table width) reads ``os.environ["COLUMNS"]`` on every call, else asks the
  terminal on ``sys.__stdout__``; ``rich.Console`` (built anew by every
  ``summary()``) reads ``COLUMNS`` from ``os.environ`` when created and
  otherwise asks the terminal on fds 0, 1 and 2 (its width crops lines wider
  than the console, e.g. ``line_length=120`` when piped).  So the mode is set
  in ``os.environ`` before each run, ``sys.stdout`` is swapped for an
  in-memory stream that is not a tty, and if any of fds 0-2 is a terminal
  this program re-runs itself with all three redirected.

``--verify K`` also runs the first K scripts in fresh subprocesses exactly as
``python script.py | cat`` and exits with status 1 if any output differs.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

# COLUMNS per mode; None means unset.
MODES = {"piped": None, "columns200": "200"}
# Variables that change what rich or shutil print; a user's plain pipe has none.
_TERMINAL_VARS = ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE",
                  "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES")


def script_env(columns: str | None) -> dict:
    """Environment for one subprocess run: ours minus terminal variables, + COLUMNS."""
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL_VARS}
    if columns is not None:
        env["COLUMNS"] = columns
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # quieter stderr only
    return env


def run_piped(python: str, script: Path, columns: str | None) -> subprocess.CompletedProcess:
    """Run ``python script`` like ``... | cat``: no terminal on fds 0-2."""
    return subprocess.run([python, str(script)], env=script_env(columns),
                          stdin=subprocess.DEVNULL, capture_output=True)


def _stdout_codec() -> tuple[str, str]:
    """Encoding and error handler Python gives a piped stdout here."""
    real = sys.__stdout__
    return (real.encoding, real.errors) if real else ("utf-8", "strict")


def _run_captured(path: Path):
    """Run one script in this process; return its stdout or an error record."""
    enc, errors = _stdout_codec()
    buffer = io.BytesIO()
    capture = io.TextIOWrapper(buffer, encoding=enc, errors=errors, write_through=True)
    saved = sys.stdout, sys.argv[:], sys.path[:]
    sys.stdout, sys.argv = capture, [str(path)]
    sys.path.insert(0, str(path.parent))
    error = None
    try:
        runpy.run_path(str(path), run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            error = exc
    except Exception as exc:  # recorded, not raised: Keras may reject a script
        error = exc
    finally:
        capture.flush()
        sys.stdout, sys.argv, sys.path[:] = saved[0], saved[1], saved[2]
    out = buffer.getvalue().decode(enc, errors)
    if error is None:
        return out
    return {"error": type(error).__name__, "message": str(error), "stdout": out}


def reference(scripts: list[Path]) -> dict:
    """``{script_id: {mode: output}}`` for ``scripts`` under real Keras."""
    import keras  # imported once, before any capture

    results = {}
    for path in scripts:
        results[path.stem] = {}
        for mode, columns in MODES.items():
            keras.backend.clear_session()
            _set_columns(columns)
            results[path.stem][mode] = _run_captured(path)
    return results


def _set_columns(columns: str | None) -> None:
    """Make ``os.environ`` look like :func:`script_env` (read live by rich/shutil)."""
    for var in _TERMINAL_VARS:
        os.environ.pop(var, None)
    if columns is not None:
        os.environ["COLUMNS"] = columns


def verify(scripts: list[Path], results: dict) -> list[str]:
    """Compare recorded outputs with fresh ``python script.py | cat`` runs."""
    problems = []
    for path in scripts:
        for mode, columns in MODES.items():
            proc = run_piped(sys.executable, path, columns)
            want = results[path.stem][mode]
            got = proc.stdout.decode(*_stdout_codec())
            if isinstance(want, dict):
                ok = proc.returncode != 0 and got == want["stdout"]
                want = want["stdout"]
            else:
                ok = proc.returncode == 0 and got == want
            print(f"verify {path.stem} [{mode}]: {'same' if ok else 'DIFFERENT'}",
                  file=sys.stderr)
            if not ok:
                problems.append(f"{path.stem} [{mode}]")
                diff = difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            "in-process", "subprocess")
                sys.stderr.writelines(list(diff)[:40])
                sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
    return problems


def _has_terminal() -> bool:
    return any(os.isatty(fd) for fd in (0, 1, 2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="JSON file to write")
    parser.add_argument("--verify", type=int, default=0, metavar="K",
                        help="check the first K scripts against fresh subprocesses")
    parser.add_argument("scripts", nargs="+", type=Path)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if _has_terminal():  # re-run detached from the terminal; relay its output
        proc = subprocess.run([sys.executable, __file__, *argv],
                              stdin=subprocess.DEVNULL, capture_output=True)
        sys.stdout.buffer.write(proc.stdout)
        sys.stderr.buffer.write(proc.stderr)
        return proc.returncode
    results = reference(args.scripts)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    failed = sum(isinstance(v, dict) for r in results.values() for v in r.values())
    print(f"{len(results)} scripts, {failed} runs raised; wrote {args.out}", file=sys.stderr)
    if args.verify and verify(args.scripts[: args.verify], results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
