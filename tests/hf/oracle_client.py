"""Asking tests/hf/oracle.py (real transformers, in its own process) for answers."""

import json
import os
import subprocess
import sys

import pytest

ORACLE = os.path.join(os.path.dirname(__file__), "oracle.py")


def ask(requests):
    """The oracle's answers to a list of requests; the test is skipped when transformers or
    torch is not installed (the test extra installs both)."""
    probe = subprocess.run([sys.executable, "-c", "import torch, transformers"], capture_output=True)
    if probe.returncode:
        pytest.skip("the transformers oracle needs torch and transformers (pip install -e '.[test]')")
    done = subprocess.run([sys.executable, ORACLE], input=json.dumps(requests), capture_output=True, text=True,
                          timeout=1800)
    if done.returncode:
        raise AssertionError(f"the oracle failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)
