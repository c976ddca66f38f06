"""nncalc against real Keras (TensorFlow backend) on the same work, each run a fresh process.

    python benchmarks/run.py [--quick] [--runs 5] [--keras-runs N] [--timeout 180]
                             [--only NAME ...] [--no-keras] [--nncalc-flags "..."] [--readme]

For every workload it starts nncalc and Keras as separate child processes, several times
each, and reports the median wall time, the median CPU time (user + system) and the peak
resident memory (``ru_maxrss`` of that child, from ``os.wait4``), and Keras ÷ nncalc.
It also checks each summary's "Total params" against a hand formula (generated models)
and against Keras' (where Keras ran), and whether the two printed summaries are identical.

Workloads: ``import nncalc`` vs ``import keras``; ``examples/seed_cnn.py``; ResNet50,
EfficientNetB7 and NASNetLarge from ``keras.applications.X(weights=None).to_json()``
(made once by real Keras into ``benchmarks/.cache/``, which git ignores); generated
Sequential stacks of 1,000 / 10,000 / 100,000 layers; a functional DAG of 10,000 nodes
with Add/Concatenate merges; a GPT-3-sized decoder (~175B parameters) that Keras is not
asked to build. Keras runs are capped by ``--timeout`` (reported as "timeout").

``--quick``: 3 runs, one Keras run, and Keras only on the small workloads.
The results table goes to stdout and to ``benchmarks/results.md``; ``--readme`` also puts
it into README.md's "Speed" section (between its ``speed:start``/``speed:end`` markers).
Nothing here is used by the tests except the generators of ``workloads.py``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import workloads as gen  # noqa: E402

ENV = {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "COLUMNS": "80",
       "PYTHONHASHSEED": "0"}
APPLICATIONS = ("ResNet50", "EfficientNetB7", "NASNetLarge")
STACKS = (1_000, 10_000, 100_000)
ANALYSED_STACKS = (1_000, 10_000)  # with ANALYSIS_FLAGS
ANALYSIS_FLAGS = ("--flops", "--memory", "--receptive-field", "--explain")
DAG_NODES = 10_000
TOTAL_RE = re.compile(r"Total params: ([\d,]+)")

# Keras' graph walk (keras/src/ops/function.py, _build_map_helper) recurses once per layer:
# a 1,000-layer chain already exceeds Python's default recursion limit. Keras runs the
# generated deep models with the limit raised, in a thread with a large stack.
DEEP_KERAS = """\
import runpy, sys, threading
sys.setrecursionlimit(1_000_000)
threading.stack_size(1 << 30)
failed = []
def main():
    try:
        runpy.run_path(sys.argv[1], run_name="__main__")
    except BaseException as error:
        failed.append(error)
        raise
thread = threading.Thread(target=main)
thread.start()
thread.join()
sys.exit(1 if failed else 0)
"""


# --------------------------------------------------------------------------- one run
@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # seconds, user + system
    rss_kb: int  # peak resident set size of the child
    status: str  # "ok", "timeout", "failed (exit N)"
    digest: str = ""  # sha256 of what it printed (the text itself is not kept)
    total_params: Optional[int] = None  # its last "Total params: N"
    stderr: str = ""  # the end of its error output


# Linux counts in a child's ru_maxrss the memory of the process it was forked from (exec
# records the old address space's high-water mark): a child of this runner would inherit
# the runner's own ~20 MB. GNU time, small, forks the measured command and reports that
# grandchild's own peak (%M), as `/usr/bin/time -v` users know it.
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def child_env() -> dict:
    """The environment of every measured process: ours plus ``ENV``, but byte code allowed
    (an installed package has its ``.pyc`` files; ``PYTHONDONTWRITEBYTECODE``, set in some
    sandboxes, would make every nncalc run recompile the sources it imports)."""
    env = dict(os.environ, **ENV)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_nncalc() -> None:
    """Write nncalc's byte code once, as ``pip install`` does (and as the warm-up runs would)."""
    import compileall

    spec = find_spec("nncalc")
    if spec is not None and spec.origin:
        compileall.compile_dir(str(Path(spec.origin).parent), quiet=1)


def run_once(argv: list[str], timeout: Optional[float], cwd: Path) -> Run:
    """Start ``argv`` as a fresh process; its wall time, CPU time and peak memory."""
    env = child_env()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".time") as rss_file:
        command = ([GNU_TIME, "-f", "%M", "-o", rss_file.name, *argv] if GNU_TIME else argv)
        killed = []
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                 cwd=cwd, env=env, start_new_session=True)

        def kill():
            killed.append(True)
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(child.pid, 0)  # CPU times include the reaped grandchild's
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
        child.returncode = code = os.waitstatus_to_exitcode(status)  # already reaped
        rss = usage.ru_maxrss
        if GNU_TIME:
            lines = [line for line in rss_file.read().splitlines() if line.strip().isdigit()]
            rss = int(lines[-1]) if lines else 0
        out.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: out.read(1 << 20), b""):
            digest.update(chunk)
        out.seek(max(0, out.tell() - (1 << 16)))  # "Total params" is near the end
        found = TOTAL_RE.findall(out.read().decode("utf-8", "replace"))
        total = int(found[-1].replace(",", "")) if found else None
        err.seek(0, 2)
        err.seek(max(0, err.tell() - 4000))
        stderr = err.read().decode("utf-8", "replace")
    state = "timeout" if killed else ("ok" if code == 0 else f"failed (exit {code})")
    return Run(wall, usage.ru_utime + usage.ru_stime, rss, state, digest.hexdigest(), total, stderr)


@dataclass
class Result:
    runs: list[Run] = field(default_factory=list)
    note: str = ""  # why it was not run

    @property
    def ok(self) -> list[Run]:
        return [r for r in self.runs if r.status == "ok"]

    @property
    def status(self) -> str:
        if self.note:
            return self.note
        bad = [r for r in self.runs if r.status != "ok"]
        return bad[0].status if bad and not self.ok else "ok"

    def median(self, attribute: str) -> Optional[float]:
        values = [getattr(r, attribute) for r in self.ok]
        return statistics.median(values) if values else None

    @property
    def total_params(self) -> Optional[int]:
        return self.ok[-1].total_params if self.ok else None


def measure(argv, runs: int, timeout: Optional[float], cwd: Path, warmup: int = 0,
            give_up_after: Optional[float] = None) -> Result:
    """``runs`` isolated runs (after ``warmup`` unrecorded ones); stop at the first failure,
    and after one run when a run took longer than ``give_up_after`` seconds."""
    for _ in range(warmup):
        run_once(argv, timeout, cwd)
    result = Result()
    for _ in range(runs):
        run = run_once(argv, timeout, cwd)
        result.runs.append(run)
        if run.status != "ok" or (give_up_after and run.wall > give_up_after):
            break
    return result


# --------------------------------------------------------------------------- workloads
@dataclass
class Workload:
    key: str
    title: str
    nncalc: list  # argv after the interpreter / nncalc command
    keras: Optional[list]  # argv after the interpreter; None: Keras is not attempted
    expected_params: Optional[int] = None
    keras_note: str = ""  # shown instead of Keras' figures when keras is None
    heavy: bool = False  # Keras is skipped with --quick
    layers: Optional[int] = None


def nncalc_command() -> list[str]:
    script = Path(sys.executable).parent / "nncalc"
    return [str(script)] if script.exists() else [sys.executable, "-m", "nncalc"]


def nncalc_supports(flag: str) -> bool:
    help_text = subprocess.run(nncalc_command() + ["summary", "--help"], capture_output=True,
                               text=True, env=child_env()).stdout
    return flag in help_text


def make_workloads(cache: Path, selected) -> list[Workload]:
    def wanted(key):
        return not selected or key in selected

    gpt_flags = ["--flops", "--memory"] if nncalc_supports("--flops") else []
    items = [Workload("import", "`import nncalc` vs `import keras`", ["-c", "import nncalc"],
                      ["-c", "import keras"])]
    seed = str(ROOT / "examples" / "seed_cnn.py")
    items.append(Workload("seed_cnn", "examples/seed_cnn.py (script)", ["summary", seed], [seed]))
    for name in APPLICATIONS:
        if wanted(name):
            path = str(gen.application_json(name, cache=cache))
            items.append(Workload(name, f"{name} (JSON config)", ["summary", path],
                                  ["-c", gen.keras_json_summary_code(), path],
                                  heavy=name != "ResNet50"))
    for n in STACKS:
        key = f"stack_{n}"
        if wanted(key):
            path = str(gen.write(cache / f"{key}.py", gen.sequential_stack_script(n)))
            items.append(Workload(key, f"Sequential, {n:,} layers (script)", ["summary", path],
                                  ["-c", DEEP_KERAS, path],
                                  expected_params=gen.sequential_stack_params(n), heavy=n > 1_000,
                                  layers=n))
    # The same stacks with every analysis on: each is one pass over the graph, so the time
    # must still grow linearly (issue 9); Keras has no such figures to compare with.
    all_flags = [f for f in ANALYSIS_FLAGS if nncalc_supports(f)]
    for n in ANALYSED_STACKS:
        key = f"stack_{n}_all"
        if wanted(key) and all_flags:
            path = str(gen.write(cache / f"stack_{n}.py", gen.sequential_stack_script(n)))
            items.append(Workload(key, f"Sequential, {n:,} layers (script) `{' '.join(all_flags)}`",
                                  ["summary", path, *all_flags], None,
                                  expected_params=gen.sequential_stack_params(n), layers=n,
                                  keras_note="no such figures in Keras"))
    key = f"dag_{DAG_NODES}"
    if wanted(key):
        path = str(gen.write(cache / f"{key}.py", gen.dag_script(DAG_NODES)))
        items.append(Workload(key, f"functional DAG, {gen.dag_node_count(DAG_NODES):,} nodes, "
                                   "Add/Concatenate (script)", ["summary", path], ["-c", DEEP_KERAS, path],
                              expected_params=gen.dag_params(DAG_NODES), heavy=True))
    if wanted("gpt3"):
        path = str(gen.write(cache / "gpt3.py", gen.gpt_script(**gen.GPT3)))
        params = gen.gpt_params(**gen.GPT3)
        title = "GPT-3 175B decoder (script)" + (f" `{' '.join(gpt_flags)}`" if gpt_flags else "")
        items.append(Workload("gpt3", title, ["summary", path, *gpt_flags], None,
                              expected_params=params,
                              keras_note=f"not attempted: would allocate ~{params * 4 / 1e9:,.0f} GB"))
    return [w for w in items if wanted(w.key)]


# --------------------------------------------------------------------------- report
def fmt_time(seconds: Optional[float]) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:,.0f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def fmt_mem(kb: Optional[float]) -> str:
    return "–" if kb is None else f"{kb / 1024:,.0f} MB"


def fmt_ratio(a: Optional[float], b: Optional[float]) -> str:
    return "–" if a is None or b is None or b == 0 else f"{a / b:,.1f}×"


def describe(result: Result, mem: bool = False) -> str:
    if result.note:
        return result.note
    if not result.ok:
        return result.status
    text = fmt_mem(result.median("rss_kb")) if mem else fmt_time(result.median("wall"))
    return text


def check_params(w: Workload, mine: Result, keras: Result) -> str:
    total = mine.total_params
    if total is None:
        return "–" if w.key == "import" else "no total"
    notes = []
    if w.expected_params is not None:
        notes.append("= formula" if total == w.expected_params else f"≠ formula {w.expected_params:,}")
    if keras.total_params is not None:
        notes.append("= Keras" if total == keras.total_params else f"≠ Keras {keras.total_params:,}")
    if keras.ok and mine.ok:
        notes.append("same text" if keras.ok[-1].digest == mine.ok[-1].digest else "text differs")
    return f"{total:,} ({', '.join(notes)})" if notes else f"{total:,}"


def table(rows) -> list[str]:
    lines = ["| Workload | nncalc wall | nncalc CPU | nncalc peak RSS | Keras wall | Keras CPU | "
             "Keras peak RSS | Keras ÷ nncalc (wall / RSS) | Total params (check) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for w, mine, keras in rows:
        runs = f" ×{len(keras.ok)}" if keras.ok and len(keras.ok) != len(mine.ok) else ""
        lines.append(
            f"| {w.title} | {describe(mine)} | {fmt_time(mine.median('cpu'))} | {describe(mine, True)} | "
            f"{describe(keras)}{runs} | {fmt_time(keras.median('cpu')) if keras.ok else '–'} | "
            f"{describe(keras, True) if keras.ok else '–'} | "
            f"{fmt_ratio(keras.median('wall'), mine.median('wall'))} / "
            f"{fmt_ratio(keras.median('rss_kb'), mine.median('rss_kb'))} | {check_params(w, mine, keras)} |"
        )
    return lines


def targets(results: dict, baseline: Optional[float]) -> list[str]:
    def wall(key):
        return results[key][1].median("wall") if key in results else None

    def verdict(ok):
        return "–" if ok is None else ("met" if ok else "**missed**")

    lines = ["| Target | Measured | |", "|---|---|---|"]
    t = wall("import")
    extra = f" (interpreter alone: {fmt_time(baseline)})" if baseline is not None else ""
    lines.append(f"| `import nncalc` < 50 ms | {fmt_time(t)}{extra} | {verdict(None if t is None else t < 0.05)} |")
    t = wall("seed_cnn")
    lines.append(f"| `nncalc summary examples/seed_cnn.py` < 150 ms | {fmt_time(t)} | "
                 f"{verdict(None if t is None else t < 0.15)} |")
    t = wall("NASNetLarge")
    lines.append(f"| NASNetLarge from JSON < 500 ms | {fmt_time(t)} | {verdict(None if t is None else t < 0.5)} |")
    a, b = wall("stack_10000"), wall("stack_100000")
    ratio = None if a is None or b is None else b / a
    lines.append(f"| 100,000 layers ≤ 12 × the time of 10,000 | "
                 f"{'–' if ratio is None else f'{ratio:.1f}× ({fmt_time(b)} / {fmt_time(a)})'} | "
                 f"{verdict(None if ratio is None else ratio <= 12)} |")
    a, b = wall("stack_1000_all"), wall("stack_10000_all")
    ratio = None if a is None or b is None else b / a
    lines.append(f"| every analysis on: 10,000 layers ≤ 12 × the time of 1,000 | "
                 f"{'–' if ratio is None else f'{ratio:.1f}× ({fmt_time(b)} / {fmt_time(a)})'} | "
                 f"{verdict(None if ratio is None else ratio <= 12)} |")
    if "gpt3" in results:
        w, mine, _ = results["gpt3"]
        t, kb = mine.median("wall"), mine.median("rss_kb")
        lines.append(f"| 175B model < 1 s | {fmt_time(t)} | {verdict(None if t is None else t < 1)} |")
        lines.append(f"| 175B model < 100 MB peak memory | {fmt_mem(kb)} | "
                     f"{verdict(None if kb is None else kb < 100 * 1024)} |")
        total = mine.total_params
        lines.append(f"| 175B model: Total params = hand formula ({w.expected_params:,}) | "
                     f"{'–' if total is None else f'{total:,}'} | "
                     f"{verdict(None if total is None else total == w.expected_params)} |")
    return lines


def header(args, baseline) -> list[str]:
    keras_version = "not installed"
    if find_spec("keras") is not None:
        try:
            from importlib.metadata import version

            keras_version = f"keras {version('keras')}"
            keras_version += f", tensorflow {version('tensorflow-cpu')}"
        except Exception:
            pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"Measured {datetime.datetime.now():%Y-%m-%d %H:%M} by `python benchmarks/run.py"
        f"{' --quick' if args.quick else ''}`: Python {platform.python_version()}, {keras_version}, "
        f"{os.cpu_count()} CPUs, load average before the run {load}. Medians of {args.runs} fresh "
        f"processes for nncalc (byte code compiled first; one warm-up run, except for the 10,000+ layer stacks) and of up to {args.keras_runs} for Keras "
        f"(× n: fewer runs); CPU = user + system time; peak RSS = the child's `ru_maxrss`"
        f"{' (via GNU time)' if GNU_TIME else ' (includes the runner: no /usr/bin/time)'}.",
        "",
    ]


# --------------------------------------------------------------------------- main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs, 1 Keras run, Keras on small workloads only")
    parser.add_argument("--runs", type=int, default=None, help="nncalc runs per workload (default 5; 3 with --quick)")
    parser.add_argument("--keras-runs", type=int, default=None, help="Keras runs per workload (default: --runs; 1 with --quick)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds before a Keras run is killed (default 180)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="workloads: import seed_cnn ResNet50 "
                        "EfficientNetB7 NASNetLarge stack_1000 stack_10000 stack_100000 stack_1000_all "
                        "stack_10000_all dag_10000 gpt3")
    parser.add_argument("--no-keras", action="store_true", help="run nncalc only")
    parser.add_argument("--nncalc-flags", default="", help="extra flags for every `nncalc summary` run")
    parser.add_argument("--cache", type=Path, default=gen.CACHE, help="generated files (default benchmarks/.cache)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md", help="Markdown results file")
    parser.add_argument("--readme", action="store_true", help="also update README.md's Speed section")
    args = parser.parse_args(argv)
    args.runs = args.runs or (3 if args.quick else 5)
    args.keras_runs = args.keras_runs or (1 if args.quick else args.runs)
    have_keras = not args.no_keras and find_spec("keras") is not None

    python, command = sys.executable, nncalc_command()
    compile_nncalc()
    # nncalc stops a script after --timeout seconds (60 by default): no limit for the benchmark.
    no_limit = ["--timeout", "0"] if nncalc_supports("--timeout") else []
    baseline = measure([python, "-c", "pass"], args.runs, None, ROOT, warmup=1).median("wall")
    results = {}
    for w in make_workloads(args.cache, set(args.only or ())):
        if w.nncalc[0] == "summary":
            mine_argv = command + w.nncalc + no_limit + args.nncalc_flags.split()
        else:
            mine_argv = [python, *w.nncalc]
        print(f"{w.key}: nncalc ...", file=sys.stderr, flush=True)
        # A warm-up run (byte-code caches) unless the workload is itself long.
        mine = measure(mine_argv, args.runs, None, ROOT, warmup=0 if (w.layers or 0) >= 10_000 else 1)
        if mine.status != "ok":
            print(mine.runs[-1].stderr, file=sys.stderr)
        if w.keras is None:
            keras = Result(note=w.keras_note)
        elif not have_keras:
            keras = Result(note="not run (no Keras)" if not args.no_keras else "not run (--no-keras)")
        elif args.quick and w.heavy:
            keras = Result(note="not run (--quick)")
        else:
            print(f"{w.key}: Keras ...", file=sys.stderr, flush=True)
            keras = measure([python, *w.keras], args.keras_runs, args.timeout, ROOT, give_up_after=60)
            if keras.status == "timeout":
                keras.note = f"timeout (> {args.timeout:.0f} s)"
        results[w.key] = (w, mine, keras)
        print(f"    nncalc {describe(mine)} {describe(mine, True)}; Keras {describe(keras)}",
              file=sys.stderr, flush=True)

    lines = header(args, baseline) + table(results.values()) + ["", "Targets:", ""] + targets(results, baseline)
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text("# nncalc benchmark results\n\n" + text)
    if args.readme:
        readme = ROOT / "README.md"
        content = readme.read_text()
        start, end = "<!-- speed:start -->\n", "<!-- speed:end -->"
        if start in content and end in content:
            before, rest = content.split(start, 1)
            after = rest.split(end, 1)[1]
            readme.write_text(before + start + text + end + after)
        else:
            print("README.md has no speed:start/speed:end markers; not updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
