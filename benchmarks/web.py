"""The web calculator's speed in headless Chromium: cold page load → first result, and recalculation.

    python benchmarks/web.py [--runs 5] [--recalcs 20] [--no-bytecode] [--readme]

Starts ``nncalc serve``'s server in this process (Pyodide's files must have been fetched:
``nncalc serve --fetch-pyodide``), then, ``--runs`` times, opens the page in a fresh browser
context (empty cache: a cold load) of Debian's Chromium (Playwright, no ``playwright install``)
and reads when the tutorial's CNN (the preloaded example) was on screen: the page records
``performance.now()`` (milliseconds since the navigation started) when it has drawn its first
result. In the last context it then clicks "Calculate" ``--recalcs`` times; each time counts
from the click to the redrawn table, diagram and chart. ``--no-bytecode`` serves Pyodide's
source standard library and nncalc's source wheel, and no memory snapshot (what a machine
without Node gets).

Budgets (issue 16): first result ≤ 6 s after a cold load, a recalculation ≤ 300 ms. The table
goes to stdout; ``--readme`` puts it into README.md's Speed section, between its
``web-speed:start``/``web-speed:end`` markers. No test depends on these timings.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FIRST_BUDGET_MS, RECALC_BUDGET_MS = 6000, 300


def start_server(bytecode: bool):
    from nncalc.serve import pyodide_release, wheels
    from nncalc.serve.server import CalculatorServer

    if pyodide_release.pyodide_dir() is None:
        sys.exit("nncalc: error: Pyodide's files are not here: run `nncalc serve --fetch-pyodide` first")
    server = CalculatorServer(("127.0.0.1", 0))
    server.assets.wheels()  # made (and compiled) before any timing
    if not bytecode:
        server.assets.files = dict(pyodide_release.PYODIDE["files"])
        server.assets._wheels = dict(wheels.build_wheel(module) for module in wheels.WHEEL_MODULES)
        server.assets._snapshot = None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(server, runs: int, recalcs: int, chromium: str):
    from playwright.sync_api import sync_playwright

    first, recalc = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for run in range(runs):
            context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(server.url + "/")
            page.wait_for_selector("tr.layer-row", timeout=120000)
            first.append(float(page.get_attribute("body", "data-first-result-ms")))
            if run == runs - 1:
                for _ in range(recalcs):
                    before = int(page.get_attribute("body", "data-runs"))
                    page.click("#run")
                    page.wait_for_function(f"Number(document.body.dataset.runs) > {before}", timeout=60000)
                    recalc.append(float(page.get_attribute("body", "data-last-run-ms")))
            context.close()
        browser.close()
    return first, recalc


def served_mb(server) -> float:
    files = server.assets.files
    size = sum((server.assets.pyodide / name).stat().st_size for name in files)
    size += sum(len(data) for data in server.assets.wheels().values())
    size += len(server.assets.snapshot()[1]) if server.assets.snapshot() else 0
    return size / 1e6


def row(title: str, values: list, budget: float) -> str:
    median = statistics.median(values)
    verdict = "met" if median <= budget else "**missed**"
    shown = f"{median / 1000:.2f} s" if budget >= 1000 else f"{median:.0f} ms"
    spread = (f"{min(values) / 1000:.2f}–{max(values) / 1000:.2f} s" if budget >= 1000
              else f"{min(values):.0f}–{max(values):.0f} ms")
    limit = f"≤ {budget / 1000:g} s" if budget >= 1000 else f"≤ {budget:g} ms"
    return f"| {title} | {shown} | {spread} ({len(values)}) | {limit} | {verdict} |"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold page loads (default 5)")
    parser.add_argument("--recalcs", type=int, default=20, help="recalculations in the last page (default 20)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="serve sources and no snapshot (what a machine without Node gets)")
    parser.add_argument("--chromium", default=os.environ.get("NNCALC_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--readme", action="store_true", help="also update README.md's Speed section")
    args = parser.parse_args(argv)
    server = start_server(bytecode=not args.no_bytecode)
    try:
        first, recalc = measure(server, args.runs, args.recalcs, args.chromium)
        size = served_mb(server)
    finally:
        server.shutdown()
        server.server_close()
    from nncalc.serve.pyodide_release import PYODIDE

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    mode = ("sources, no byte code, no snapshot" if args.no_bytecode
            else "byte code and memory snapshot made by Pyodide in Node")
    heading = (f"Web calculator, measured {datetime.datetime.now():%Y-%m-%d %H:%M} by `python benchmarks/web.py"
               f"{' --no-bytecode' if args.no_bytecode else ''}`: `nncalc serve` on 127.0.0.1, headless "
               f"Chromium, Pyodide {PYODIDE['version']} ({mode}; {size:.1f} MB loaded), {os.cpu_count()} CPUs, "
               f"load average before the run {load}. Medians; the range and the number of runs in brackets.")
    lines = [
        heading,
        "",
        "| Web page (the tutorial's CNN) | Median | Range (runs) | Budget | |",
        "|---|---:|---:|---:|---|",
        row("cold page load → first result (Pyodide started, nncalc loaded, the CNN computed and drawn)", first,
            FIRST_BUDGET_MS),
        row("recalculation: click → table, diagram and chart redrawn", recalc, RECALC_BUDGET_MS),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.readme:
        readme = ROOT / "README.md"
        content = readme.read_text(encoding="utf-8")
        start, end = "<!-- web-speed:start -->\n", "<!-- web-speed:end -->"
        if start in content and end in content:
            before, rest = content.split(start, 1)
            readme.write_text(before + start + text + end + rest.split(end, 1)[1], encoding="utf-8")
        else:
            print("README.md has no web-speed:start/web-speed:end markers; not updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
