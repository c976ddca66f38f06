"""Shared fixtures: real Keras (the truth) when it is installed, fresh automatic names."""

from __future__ import annotations

import os

import pytest

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


FRAMEWORKS = ("keras", "tensorflow", "tf_keras", "keras_core")  # the names nncalc stands in for


@pytest.fixture(autouse=True)
def real_frameworks_stay_imported():
    """A test fails that leaves a real Keras/TensorFlow the process imported out of
    ``sys.modules`` (or nncalc's import aliases in ``sys.meta_path``): the next ``import keras``
    would import TensorFlow a second time, which aborts the whole run (SIGABRT) in whichever
    test comes next. The modules are put back so that later tests run."""
    import sys

    if "tensorflow" not in sys.modules and "keras" not in sys.modules:
        yield
        return
    before = {name: module for name, module in sys.modules.items() if name.partition(".")[0] in FRAMEWORKS}
    yield
    script = sys.modules.get("nncalc.script")
    lost = [name for name, module in before.items() if sys.modules.get(name) is not module]
    aliasing = script is not None and script._FINDER in sys.meta_path
    if lost or aliasing:
        if aliasing:
            sys.meta_path.remove(script._FINDER)
        sys.modules.update(before)
        pytest.fail(f"the test left {len(lost)} modules of the real Keras/TensorFlow out of sys.modules "
                    f"({', '.join(sorted(lost)[:3])}...){' and nncalc aliases in sys.meta_path' if aliasing else ''}: "
                    "the next `import keras` would import TensorFlow again, which aborts the run", pytrace=False)
