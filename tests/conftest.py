"""Shared fixtures: real Keras (the truth) when it is installed, fresh automatic names; the
test tiers (markers, registered in pyproject.toml) and what each needs installed.

    pytest           everything; what needs a missing framework or tool skips, saying which
    pytest --fast    the fast tier: no keras, torch, profiler, browser, jail or slow test
"""

from __future__ import annotations

import importlib.util
import os

import pytest

# Tier -> the modules it imports: a test of the tier skips when one is missing.
TIERS = {
    "keras": ("keras", "tensorflow"),
    "torch": ("torch",),
    "profiler": ("keras", "tensorflow"),
    "browser": ("playwright",),  # (and Chromium: tests/serve/test_browser.py finds it)
    "jail": (),  # (bubblewrap: tests/serve/conftest.need_bwrap skips without it)
    "slow": (),
}
# Fixtures that run real Keras (in the test process or a subprocess): their tests are the keras tier.
KERAS_FIXTURES = {"real_keras", "keras_python", "keras3_tables", "keras_files", "applications"}
# Fixtures that run the web calculator's code API, whose jail is bubblewrap: the jail tier.
JAIL_FIXTURES = {"server", "target", "jail"}
# Fixtures that take minutes on first use: their tests are the slow tier too (the recordings of
# every keras.applications model, tests/io/test_applications.py).
SLOW_FIXTURES = {"applications"}


def pytest_addoption(parser):
    parser.addoption("--fast", action="store_true",
                     help="the fast tier: deselect the keras, torch, profiler, browser, jail and slow tiers")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if KERAS_FIXTURES.intersection(item.fixturenames) and not item.get_closest_marker("keras"):
            item.add_marker(pytest.mark.keras)
        if SLOW_FIXTURES.intersection(item.fixturenames) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
        if JAIL_FIXTURES.intersection(item.fixturenames) and not item.get_closest_marker("jail"):
            item.add_marker(pytest.mark.jail)
    if config.getoption("--fast"):
        tiered = [any(item.get_closest_marker(tier) for tier in TIERS) for item in items]
        config.hook.pytest_deselected(items=[item for item, out in zip(items, tiered) if out])
        items[:] = [item for item, out in zip(items, tiered) if not out]


def pytest_runtest_setup(item):
    for tier, modules in TIERS.items():
        if item.get_closest_marker(tier):
            _skip_unless_installed(modules, f"the {tier} tier")
    for marker in item.iter_markers("requires"):
        _skip_unless_installed(marker.args, "this test")


def _skip_unless_installed(modules, who: str) -> None:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{who} needs {', '.join(missing)}, not installed (pip install -e '.[test]'; .ci/run "
                    "installs everything)")

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The generated differential cases (hypothesis) are a seeded sample: the same cases on every
# run, so a CI failure reproduces. NNCALC_RANDOM_CASES=1 draws new ones (a larger sweep:
# NNCALC_SWEEP=20, see tests/helpers.py). Tests that set their own seeding keep it.
if os.environ.get("NNCALC_RANDOM_CASES") != "1":
    from hypothesis import settings as _settings

    _settings.register_profile("nncalc-seeded", derandomize=True, database=None)
    _settings.load_profile("nncalc-seeded")


@pytest.fixture(scope="session")
def real_keras():
    """The real Keras 3 package, or a skip saying it is missing (CI installs it)."""
    keras = pytest.importorskip("keras", reason="real Keras is needed for differential tests")
    if not keras.__version__.startswith("3."):
        pytest.skip(f"Keras 3 is needed, found {keras.__version__}")
    return keras


@pytest.fixture(autouse=True)
def fresh_names():
    """Each test starts with Keras' automatic-name counters at zero, in nncalc and in Keras."""
    import sys

    from nncalc import session
    from nncalc.core.naming import reset_uids

    reset_uids()
    session.reset()
    if "keras" in sys.modules and hasattr(sys.modules["keras"], "backend"):
        real = sys.modules["keras"]
        if not getattr(real, "__name__", "").startswith("nncalc"):
            real.backend.clear_session()
    yield


@pytest.fixture(autouse=True)
def real_frameworks_stay_imported():
    """A test fails that leaves a real framework the process imported (Keras, TensorFlow: the
    names nncalc's script runner stands in for) out of ``sys.modules``, or nncalc's import
    aliases in ``sys.meta_path``: the next ``import keras`` would import TensorFlow a second
    time, which aborts the whole run (SIGABRT) in whichever test comes next. The modules are
    put back so that later tests run."""
    import sys

    from nncalc import script

    roots = {name.partition(".")[0] for name in script.ALIASES}
    if not roots.intersection(sys.modules):
        yield
        return
    before = {name: module for name, module in sys.modules.items() if name.partition(".")[0] in roots}
    yield
    lost = [name for name, module in before.items() if sys.modules.get(name) is not module]
    aliasing = script._FINDER in sys.meta_path
    if lost or aliasing:
        if aliasing:
            sys.meta_path.remove(script._FINDER)
        sys.modules.update(before)
        pytest.fail(f"the test left {len(lost)} modules of a real framework out of sys.modules "
                    f"({', '.join(sorted(lost)[:3])}...){' and nncalc aliases in sys.meta_path' if aliasing else ''}: "
                    "the next `import keras` would import TensorFlow again, which aborts the run", pytrace=False)
