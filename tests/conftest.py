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
