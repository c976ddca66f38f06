"""Every layer class nncalc supports states its MACs and FLOPs (or why they are unknown).

A layer class that inherits ``Layer.compute_cost`` would report "not counted": this
test lists them, so a new layer cannot land without its cost. The README's convention
table is generated from the same docstrings (tools/flops_table.py) and must be current.
"""

import importlib.util
from pathlib import Path

from nncalc.layers import LAYERS

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("flops_table", ROOT / "tools" / "flops_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_supported_layer_has_a_cost_rule():
    tool = _tool()
    missing = sorted(name for name, cls in LAYERS.items()
                     if not getattr(cls, "refused", False) and tool.cost_method(cls) is None)
    assert missing == []


def test_every_cost_rule_is_documented():
    tool = _tool()
    undocumented = sorted(name for name, cls in LAYERS.items()
                          if not getattr(cls, "refused", False) and tool.rule_of(cls) == "not counted")
    assert undocumented == []


def test_readme_table_is_current():
    assert _tool().main(["--check"]) == 0
