"""Write the README's FLOPs convention table from the layers' own ``compute_cost`` docstrings.

    python tools/flops_table.py            # rewrites the README section
    python tools/flops_table.py --check    # fails if the README's table is out of date

Each layer class states its MACs/FLOPs formula in the docstring of the method that
computes it (``compute_cost``, ``cost_for_call`` or ``node_cost``), so the README's
table and the code cannot drift apart: tests/analysis/test_cost_coverage.py runs
``--check``.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- flops:start -->", "<!-- flops:end -->"
HOOKS = ("cost_for_call", "compute_cost", "node_cost")


def cost_method(cls):
    """The class's own cost hook (the first one found below ``Layer`` in its MRO), or None."""
    from nncalc.core.layer import Layer

    for klass in cls.__mro__:
        if klass is Layer:
            return None
        for hook in HOOKS:
            if hook in vars(klass):
                return getattr(klass, hook)
    return None


def rule_of(cls) -> str:
    method = cost_method(cls)
    doc = inspect.getdoc(method) if method is not None else None
    if not doc:
        return "not counted"
    return " ".join(line.strip() for line in doc.split("\n\n")[0].splitlines()).replace("|", "\\|")


def table() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from nncalc.layers import FAMILIES, LAYERS

    rows = ["| family | layer classes | MACs and FLOPs per sample |", "|---|---|---|"]
    for family in FAMILIES:
        groups: dict[str, list[str]] = {}
        for name, cls in sorted(LAYERS.items()):
            if cls.__module__.rsplit(".", 1)[-1] != family or name != cls.__name__ or getattr(cls, "refused", False):
                continue
            groups.setdefault(rule_of(cls), []).append(name)
        for rule, names in groups.items():
            rows.append(f"| {family} | {', '.join(names)} | {rule} |")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{table()}\n{END}{tail}"
    if args.check:
        if new != text:
            print("README's FLOPs table is out of date: run python tools/flops_table.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
