"""The sandbox's pieces, without a server: the audit hook's decisions, the import guard's
notion of user code, the command line a request becomes, the output cap."""

from __future__ import annotations

import os
import sysconfig

import pytest

from nncalc.serve import worker
from nncalc.serve.sandbox import Limits, run_request


@pytest.fixture
def hook(tmp_path):
    return worker.make_audit_hook(worker.readable_roots(str(tmp_path))), tmp_path


@pytest.mark.parametrize("event, args, message", [
    ("open", ("/etc/passwd", "r", 0), "read /etc/passwd"),
    ("open", (0, "r", 0), "file descriptor 0"),
    ("open", ("/tmp/x", None, os.O_WRONLY | os.O_CREAT), "write files"),
    ("os.listdir", ("/",), "list /"),
    ("import", ("socket", None, [], [], []), "import of 'socket'"),
    ("subprocess.Popen", ("sh", ["sh"], None, None), "starting a process"),
    ("os.system", (b"id",), "shell command"),
    ("os.exec", ("/bin/sh", ["sh"], None), "starting a program"),
    ("os.posix_spawn", ("/bin/sh", ["sh"], None), "starting a process"),
    ("socket.connect", (None, ("example.com", 80)), "network"),
    ("ctypes.dlopen", ("libc.so.6",), "ctypes"),
    ("resource.setrlimit", (0, (1, 1)), "resource limits"),
])
def test_hook_refuses(hook, event, args, message):
    check, _ = hook
    with pytest.raises(worker.Refused, match=message):
        check(event, args)


def test_hook_allows_what_nncalc_needs(hook):
    check, request_dir = hook
    check("open", (str(request_dir / "model.py"), "r", 0))
    check("open", (os.path.join(sysconfig.get_paths()["stdlib"], "json", "__init__.py"), "rb", 0))
    check("open", (worker.__file__, "r", 0))
    check("import", ("keras.layers", None, [], [], []))
    check("import", ("encodings.cp437", None, [], [], []))
    check("compile", (b"x = 1", "model.py"))
    with pytest.raises(worker.Refused):  # a write is refused even in the request's own directory
        check("open", (str(request_dir / "model.py"), "w", 0))


def test_cli_argv_maps_every_option():
    argv = worker.cli_argv("model.py", {"flops": True, "memory": True, "receptive_field": True,
                                        "show_trainable": True, "expand_nested": True, "batch_size": 8,
                                        "optimizer": "sgd", "lang": "zh", "flops_convention": "tf",
                                        "line_length": 90, "input_shape": [[28, None]], "timeout": 3})
    from nncalc.cli import build_parser

    args = build_parser().parse_args(argv)
    assert (args.flops, args.memory, args.receptive_field, args.show_trainable, args.expand_nested) == (True,) * 5
    assert (args.batch_size, args.optimizer, args.lang, args.flops_convention, args.line_length) == (8, "sgd", "zh", "tf", 90)
    assert args.input_shape == [(28, None)] and args.timeout == 3


def test_capped_text():
    out = worker.CappedText(10)
    out.write("12345")
    with pytest.raises(worker.OutputLimit):
        out.write("123456")


def test_web_wording():
    line = ("nncalc: error: model.py:1: stopped after 4 seconds (--timeout 4); allow more with a larger "
            "--timeout, or none with --timeout 0")
    assert worker.web_wording(line, {}) == ("nncalc: error: model.py:1: stopped after 4 seconds "
                                            "(the web calculator's time limit)")
    from nncalc.errors import ScriptTimeout, user_error_line

    for lang, wording in (("en", "(the web calculator's time limit)"), ("zh", "（网页计算器的时间限制）")):
        line = user_error_line("model.py:1", ScriptTimeout(4), lang)  # the command's own wording
        assert worker.web_wording(line, {}).endswith(wording) and "--timeout" not in worker.web_wording(line, {})
    assert worker.web_wording("nncalc: error: model.py:1: MemoryError: MemoryError", {}).endswith(
        "out of memory: more than the web calculator allows")


def test_run_request_removes_its_directory(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    answer = run_request("model.py", b"import keras\nm = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n",
                         {}, Limits(timeout=10))
    assert answer["ok"] and answer["text"].startswith('Model: "sequential"')
    assert list(tmp_path.iterdir()) == []
