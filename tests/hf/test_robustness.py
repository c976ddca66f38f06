"""Broken configs end in one line and exit code 2, never a traceback: published configs
with keys removed or set to wrong values (0, negative, text, lists, huge), seeded."""

import contextlib
import io
import json
import os
import random

from nncalc.cli import main

from .published import PUBLISHED

VALUES = [0, -1, 1, 2, 3, None, "x", 1.5, True, [], {}, 10**6, 7]
N = int(os.environ.get("NNCALC_HF_FUZZ", "150"))


def test_broken_configs_are_user_errors(tmp_path):
    r = random.Random(int(os.environ.get("NNCALC_HF_SEED", "21")))
    path = tmp_path / "config.json"
    failures = []
    for _ in range(N):
        name = r.choice(list(PUBLISHED))
        config = dict(PUBLISHED[name])
        for _ in range(r.randint(1, 3)):
            key = r.choice([k for k in config if k != "model_type"])
            if r.random() < 0.3:
                config.pop(key)
            else:
                config[key] = r.choice(VALUES)
        for layers in ("num_hidden_layers", "n_layer"):  # keep the forward small
            if isinstance(config.get(layers), int) and config[layers] > 2:
                config[layers] = 2
        path.write_text(json.dumps(config))
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["summary", str(path), "--seq-len", "4", "--kv-cache"])
        if code not in (0, 2) or (code == 2 and err.getvalue().count("\n") != 1):
            failures.append((name, config, code, err.getvalue()[:300]))
    assert failures == []
