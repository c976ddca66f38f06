"""Write the README's layer coverage table from the code and the differential tests.

    python tools/coverage_table.py            # runs tests/layers, rewrites the README section
    python tools/coverage_table.py --check    # fails if the README's table is out of date

For every layer class real Keras 3 exports in ``keras.layers`` (the python running
this needs real Keras), the table says whether nncalc supports it (its name is in
``nncalc.layers.EXPORTS`` and is not a refused framework bridge) and how many
differential cases against real Keras passed for it in ``tests/layers`` (cases
where Keras accepted the arguments and nncalc agreed, and cases where both rejected
them). Counts come from ``tests/helpers.py``'s ``record_coverage``.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"


def keras_layer_classes() -> dict[str, str]:
    """Public ``keras.layers`` class names -> the class's own name (aliases share one)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    names = {}
    for name in dir(keras.layers):
        value = getattr(keras.layers, name)
        if isinstance(value, type) and not name.startswith("_") and name not in ("Layer", "InputSpec"):
            names[name] = value.__name__
    return names


def run_layer_tests() -> collections.Counter:
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "coverage.tsv"
        env = dict(os.environ, NNCALC_COVERAGE_FILE=str(record))
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "layers")],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        counts = collections.Counter()
        for line in record.read_text(encoding="utf-8").splitlines():
            name, outcome = line.split("\t")
            counts[(name, outcome)] += 1
        return counts


def table(counts) -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from nncalc.layers import EXPORTS

    rows = ["| Keras class (aliases) | supported | cases passed | cases both rejected |", "|---|---|---|---|"]
    by_class = collections.defaultdict(list)
    for name, cls in keras_layer_classes().items():
        by_class[cls].append(name)
    supported_count = 0
    for cls in sorted(by_class):
        aliases = sorted(n for n in by_class[cls] if n != cls)
        ours = next((EXPORTS[n] for n in [cls] + aliases if n in EXPORTS), None)
        supported = isinstance(ours, type) and not getattr(ours, "refused", False)
        supported_count += supported
        label = f"`{cls}`" + (f" ({', '.join(aliases)})" if aliases else "")
        status = "yes" if supported else ("refused: needs its framework" if ours else "no")
        rows.append(f"| {label} | {status} | {counts[(cls, 'passed')]} | {counts[(cls, 'rejected')]} |")
    head = f"{supported_count} of {len(by_class)} layer classes of Keras 3.15 are supported.\n\n"
    return head + "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the README is current")
    args = parser.parse_args()
    section = table(run_layer_tests())  # minutes; the README is read afterwards (others may edit it meanwhile)
    text = README.read_text(encoding="utf-8")
    before, rest = text.split(START)
    _, after = rest.split(END)
    new = before + START + "\n" + section + END + after
    if args.check:
        if new != text:
            print("README coverage table is out of date: run python tools/coverage_table.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
