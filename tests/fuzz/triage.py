"""Run a fuzz surface long, without shrinking, and print each distinct failure once.

    python -m tests.fuzz.triage configs 2000     # surfaces: configs, layers, bytes
    NNCALC_FUZZ_SEED=1 python -m tests.fuzz.triage bytes 5000
    NNCALC_FUZZ_LOG=cases.tsv python -m tests.fuzz.triage bytes 100000   # kill ends it early
    NNCALC_FUZZ_STRICT=1 python -m tests.fuzz.triage keras 300   # the differential config test

``kill`` (or Ctrl-C) stops a run early and still prints its report.

A failure's signature is its exception type and the deepest nncalc frame; one example
(traceback tail and the file's first bytes) is printed per signature, with counts.
"""

from __future__ import annotations

import collections
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings


def signature(outcome, message):
    error = outcome.error if outcome is not None else None
    if error is None:
        return message.splitlines()[0][:120], ""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/nncalc/" in f.filename]
    where = f"{frames[-1].filename.rsplit('/nncalc/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    tail = "".join(traceback.format_exception(error)[-6:])
    return f"{type(error).__name__} at {where}", tail


def main(surface: str, count: int) -> int:
    from . import harness

    failures = collections.Counter()
    examples = {}
    total = [0]
    original = harness.check_cli

    def recording_check(argv, surface_name):
        total[0] += 1
        if total[0] % 1000 == 0:
            print(f"{total[0]} cases, {sum(failures.values())} failures", file=sys.stderr, flush=True)
        try:
            return original(argv, surface_name)
        except AssertionError as failure:
            outcome = harness.run_cli(argv)
            key, tail = signature(outcome, str(failure))
            failures[key] += 1
            if key not in examples:
                path = Path(argv[1])
                head = path.read_bytes()[:300] if path.exists() else b""
                examples[key] = f"{failure}\n{tail}\nargv={argv}\nhead={head!r}"
            return None

    harness.check_cli = recording_check
    if surface == "configs":
        from . import test_fuzz_configs as module
        module.check_cli = recording_check
        test = module.test_mutated_configs_give_a_summary_or_one_clean_error
    elif surface == "layers":
        from . import test_fuzz_layers as module
        module.check_cli = recording_check
        test = module.test_layer_arguments_through_a_script
    elif surface == "keras":  # mutated configs against real Keras (slow: Keras builds each)
        from . import test_fuzz_configs as module
        test = module.test_mutated_configs_agree_with_real_keras
    else:
        from . import test_fuzz_bytes as module
        module.check_cli = recording_check
        test = module.test_raw_bytes_as_model_files
    inner = test.hypothesis.inner_test
    seed = int(os.environ.get("NNCALC_FUZZ_SEED", "0"))
    strategy = test.hypothesis._given_kwargs
    factory = _TmpFactory()
    stopping = []

    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), derandomize=seed == 0)
    @given(**strategy)
    def run(**kwargs):
        if stopping:  # a stop signal raised inside a gc callback is swallowed ("Exception ignored")
            raise KeyboardInterrupt
        if surface != "keras":
            return inner(factory, **kwargs)
        import pytest

        total[0] += 1
        with pytest.MonkeyPatch.context() as monkeypatch:
            try:
                inner(real_keras(), factory, monkeypatch, **kwargs)
            except AssertionError as failure:
                key = str(failure).splitlines()[0][:160]
                failures[key] += 1
                if key not in examples:  # the whole mutated config, to reproduce the case
                    import json

                    examples[key] = f"{str(failure)[:2000]}\nconfig={json.dumps(kwargs['config'])}"

    if seed:
        from hypothesis import seed as with_seed
        run = with_seed(seed)(run)
    import signal

    def stop(signum, frame):
        stopping.append(signum)  # (also seen by the next case, should this raise be swallowed)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)  # (a background job ignores SIGINT unless told)
    signal.signal(signal.SIGTERM, stop)
    start = time.monotonic()
    try:
        run()
    except KeyboardInterrupt:  # kill -INT or kill: stop early, still report
        print(f"{surface}: interrupted", file=sys.stderr)
    factory.mktemp("done")
    print(f"{surface}: {total[0]} cases in {time.monotonic() - start:.0f} s, "
          f"{sum(failures.values())} failures, {len(failures)} distinct")
    for key, n in failures.most_common():
        print(f"\n=== {n} x {key}\n{examples[key]}")
    return 1 if failures else 0


def real_keras():
    """The real Keras package, as the ``real_keras`` fixture gives it (imported once)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    return keras


class _TmpFactory:
    """A fresh directory per case; the previous case's is removed (a long run leaves nothing)."""

    def __init__(self):
        self.last = None

    def mktemp(self, name):
        import shutil

        if self.last is not None:
            shutil.rmtree(self.last, ignore_errors=True)
        self.last = Path(tempfile.mkdtemp(prefix=f"nncalc-fuzz-{name}-"))
        return self.last


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000))
