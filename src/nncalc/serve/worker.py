"""The child process that runs one web request's code or file (started by :mod:`nncalc.serve.sandbox`
or in :mod:`nncalc.serve.jail`, as ``python -I -c BOOT``: see :data:`nncalc.serve.sandbox.BOOT`).

Protocol: one JSON object on stdin::

    {"dir": "/tmp/nncalc-xyz", "file": "model.py", "options": {...}, "limits": {...}}

(in the jail of :mod:`nncalc.serve.jail`, ``"content_base64"`` instead of ``"dir"``: the worker
writes the file into its working directory, the jail's private tmpfs), and one JSON object
on stdout: ``{"ok": true, "summary": {...}, "text": "...", ...}`` or
``{"ok": false, "error": "nncalc: error: model.py:3: ..."}``.

Before any user code runs, in this order:

1. the real stdout is kept on a private descriptor and descriptor 1 points to ``/dev/null``;
   what the script prints goes to a capped buffer (its text is the ``nncalc summary`` output);
2. every nncalc module (and what it imports lazily) is imported, so that the hook can refuse
   every other module;
3. hard limits (``resource.setrlimit``): CPU seconds, address space, file size 0 (no file can
   be written), no core dumps, no new processes;
4. an audit hook (:func:`sys.addaudithook`, which cannot be removed) can refuse: opening a file
   for writing, reading a file outside Python's and nncalc's install and the request's own
   directory, sockets, subprocesses, ``os.system``/``exec*``/``fork``/``posix_spawn``,
   ``ctypes``, changing limits, and loading any module outside :data:`LOADABLE`;
5. ``builtins.__import__`` refuses, for the user's code, any module outside :data:`USER_IMPORTS`
   (even one already loaded, such as ``os`` or ``sys``).

Then the request runs through :func:`nncalc.cli.main` exactly as ``nncalc summary`` would run
it, so the text is byte for byte the command's output; the JSON, Markdown and CSV come from the
summaries it recorded. Uploaded files are read by nncalc's file readers, which only parse
(a ``Lambda`` in a config is never turned into code).
"""

from __future__ import annotations

import builtins
import io
import json
import os
import sys

# Modules the user's code may import (top-level names). keras/tensorflow/tf_keras/keras_core
# are nncalc's Keras API (see nncalc.script).
USER_IMPORTS = frozenset({
    "__future__", "nncalc", "keras", "tensorflow", "tf_keras", "keras_core",
    "math", "cmath", "numbers", "fractions", "decimal", "statistics", "random",
    "functools", "itertools", "operator", "collections", "dataclasses", "typing", "enum",
    "string", "re", "copy", "argparse", "warnings", "abc", "types",
})
# Modules that may be *loaded* (first import) once the hook is installed: the above, nncalc's
# own lazy imports, and codecs looked up by name.
LOADABLE = USER_IMPORTS | {"rich", "encodings", "numpy", "h5py", "signal", "threading", "sysconfig",
                           "json", "zipfile", "csv", "html", "unicodedata", "textwrap"}
# Audit events refused outright (exact names, or prefixes ending in ".").
REFUSED_EVENTS = {
    "subprocess.Popen": "starting a process", "os.system": "running a shell command",
    "os.exec": "starting a program", "os.fork": "starting a process",
    "os.forkpty": "starting a process", "os.posix_spawn": "starting a process",
    "os.spawn": "starting a process", "pty.spawn": "starting a process",
    "os.kill": "sending a signal", "os.killpg": "sending a signal",
    "os.remove": "deleting a file", "os.rename": "renaming a file", "os.rmdir": "deleting a directory",
    "os.mkdir": "creating a directory", "os.chmod": "changing file permissions",
    "os.chown": "changing file ownership", "os.link": "creating a link", "os.symlink": "creating a link",
    "os.truncate": "writing a file", "os.utime": "changing file times", "os.chdir": "changing directory",
    "os.putenv": "changing the environment", "os.unsetenv": "changing the environment",
    "resource.setrlimit": "changing resource limits", "resource.prlimit": "changing resource limits",
    "mmap.__new__": "mapping memory", "webbrowser.open": "opening a browser",
    "urllib.Request": "opening a URL", "ftplib.connect": "opening a connection",
    "socket.": "opening a network connection", "ctypes.": "calling C code (ctypes)",
    "_posixsubprocess.": "starting a process", "shutil.": "changing files",
}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


from nncalc.errors import LimitError, NncalcError  # noqa: E402  (light: nncalc.errors only)


class Refused(NncalcError, PermissionError):
    """What the web calculator does not let pasted code do."""


class OutputLimit(LimitError):
    """The script printed more than the web calculator keeps."""


class CappedText(io.StringIO):
    """A text stream that raises :class:`OutputLimit` past ``limit`` characters."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.size = 0

    def write(self, text):
        self.size += len(text)
        if self.size > self.limit:
            raise OutputLimit(f"the script printed more than {self.limit:,} characters, the web "
                              "calculator's limit")
        return super().write(text)

    def isatty(self):
        return False


def set_limits(limits: dict) -> None:
    """Hard limits of this process (Linux/Unix; where ``resource`` is missing, none)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not Unix
        return
    cpu = int(limits.get("cpu_seconds", 10))
    plan = [(resource.RLIMIT_CPU, (cpu, cpu + 1)), (resource.RLIMIT_FSIZE, (0, 0)),
            (resource.RLIMIT_CORE, (0, 0))]
    if limits.get("memory_bytes"):
        plan.append((resource.RLIMIT_AS, (int(limits["memory_bytes"]),) * 2))
    if hasattr(resource, "RLIMIT_NPROC") and limits.get("no_processes", True):
        plan.append((resource.RLIMIT_NPROC, (0, 0)))
    for which, value in plan:
        try:
            resource.setrlimit(which, value)
        except (ValueError, OSError):  # e.g. a hard limit already lower: keep the lower one
            pass


def preload(filename: str) -> None:
    """Import every nncalc module and what they import lazily, before the hook is installed."""
    import importlib
    import pkgutil

    import nncalc

    for info in pkgutil.walk_packages(nncalc.__path__, "nncalc."):
        if info.name.startswith("nncalc.serve") or info.name == "nncalc.__main__":
            continue
        try:
            importlib.import_module(info.name)
        except Exception:  # optional dependencies (h5py, ...) may be missing
            pass
    for name in ("rich.console", "rich.table", "rich.markup", "rich.text", "rich.box", "signal",
                 "threading", "sysconfig", "zipfile", "csv", "html", "json", "copy", "warnings",
                 "argparse", "random", "statistics", "fractions", "decimal", "unicodedata",
                 "textwrap", "encodings.idna", "encodings.utf_8", "encodings.cp437", "encodings.ascii",
                 "encodings.latin_1", "gc", "traceback", "select", "inspect", "importlib.util"):
        try:
            importlib.import_module(name)
        except Exception:
            pass
    if filename.endswith((".h5", ".hdf5")):
        try:
            import h5py  # noqa: F401  (numpy with it)
        except Exception:
            pass
    # rich asks the terminal's size and colour system once; answer now, before the hook.
    try:
        import rich.console

        rich.console.Console(file=io.StringIO(), width=200).size  # noqa: B018
    except Exception:
        pass


def readable_roots(request_dir: str) -> list[str]:
    """Directories whose files the script (and nncalc on its behalf) may read: the request's,
    nncalc's, Python's library and the directories on ``sys.path`` (in the jail, the
    site-packages it was given)."""
    import sysconfig

    import nncalc

    roots = {os.path.realpath(request_dir), os.path.realpath(os.path.dirname(nncalc.__file__))}
    paths = [sysconfig.get_paths().get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")]
    for path in paths + [p for p in sys.path if p and os.path.isdir(p)]:
        if path:
            roots.add(os.path.realpath(path))
    return sorted(roots)


def _describe(path) -> str:
    try:
        return os.fsdecode(path) if not isinstance(path, int) else f"file descriptor {path}"
    except Exception:
        return repr(path)


def make_audit_hook(roots: list[str]):
    """The hook: raise :class:`Refused` for every event pasted code may not cause."""
    realpath, fspath, sep = os.path.realpath, os.fsdecode, os.sep
    refused_exact = {k: v for k, v in REFUSED_EVENTS.items() if not k.endswith(".")}
    refused_prefix = tuple((k, v) for k, v in REFUSED_EVENTS.items() if k.endswith("."))
    roots = tuple(roots)

    def inside(path) -> bool:
        try:
            full = realpath(fspath(path))
        except Exception:
            return False
        return any(full == root or full.startswith(root + sep) for root in roots)

    def hook(event, args):
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writing = ((isinstance(mode, str) and any(c in mode for c in "wax+"))
                       or (isinstance(flags, int) and flags & WRITE_FLAGS))
            if writing:
                raise Refused(f"the web calculator does not let a script write files "
                              f"({_describe(path)})")
            if isinstance(path, int) or not inside(path):
                raise Refused(f"the web calculator does not let a script read {_describe(path)} "
                              "(only its own model and Python's and nncalc's files)")
        elif event in ("os.listdir", "os.scandir"):
            if args and args[0] is not None and not inside(args[0]):
                raise Refused(f"the web calculator does not let a script list {_describe(args[0])}")
        elif event == "import":
            top = str(args[0]).partition(".")[0]
            if top not in LOADABLE:
                raise Refused(f"import of '{args[0]}' is refused: the web calculator allows "
                              "only nncalc's Keras API (keras, tensorflow), math and a few "
                              "standard modules")
        else:
            why = refused_exact.get(event)
            if why is None and "." in event:
                for prefix, text in refused_prefix:
                    if event.startswith(prefix):
                        why = text
                        break
            if why is None and event.startswith(("os.exec", "os.spawn", "os.posix_spawn")):
                why = "starting a program"
            if why is not None:
                raise Refused(f"the web calculator does not allow {why} ({event})")

    return hook


def guard_imports(request_dir: str) -> None:
    """``builtins.__import__`` that refuses, for user code, modules outside :data:`USER_IMPORTS`."""
    real_import = builtins.__import__

    def guarded(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            if not isinstance(globals, dict):  # __import__(name) without globals: ask the caller's frame
                globals = sys._getframe(1).f_globals
            caller = globals.get("__name__")
            user = not (isinstance(caller, str) and caller != "__main__"
                        and not caller.startswith("__"))
            if user and name.partition(".")[0] not in USER_IMPORTS:
                raise Refused(f"import of '{name}' is refused: the web calculator allows only "
                              "nncalc's Keras API (keras, tensorflow), math and a few standard "
                              "modules")
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded


def cli_argv(filename: str, options: dict) -> list[str]:
    """The ``nncalc summary`` arguments for this request's options (already validated)."""
    argv = ["summary", filename, "--lang", options.get("lang", "en")]
    for flag in ("flops", "memory", "receptive_field", "show_trainable", "expand_nested"):
        if options.get(flag):
            argv.append("--" + flag.replace("_", "-"))
    if options.get("flops_convention"):
        argv += ["--flops-convention", options["flops_convention"]]
    if options.get("batch_size"):
        argv += ["--batch-size", str(options["batch_size"])]
    if options.get("optimizer"):
        argv += ["--optimizer", options["optimizer"]]
    if options.get("line_length"):
        argv += ["--line-length", str(options["line_length"])]
    for shape in options.get("input_shape") or ():
        argv += ["--input-shape", ",".join("None" if d is None else str(d) for d in shape)]
    argv += ["--timeout", str(options.get("timeout", 10))]
    return argv


def web_wording(error: str, options: dict) -> str:
    """The command's wording of a limit, put in the web calculator's terms."""
    import re

    error = re.sub(r"\(--timeout ([0-9.]+)\); allow more with a larger --timeout, or none with "
                   r"--timeout 0", "(the web calculator's time limit)", error)
    error = re.sub(r"（--timeout [0-9.]+）；可用更大的 --timeout 放宽，或用 --timeout 0 取消限制",
                   "（网页计算器的时间限制）", error)
    if error.endswith("MemoryError: MemoryError") or error.endswith("MemoryError: "):
        error = error[:error.rindex("MemoryError")] + ("out of memory: more than the web "
                                                       "calculator allows")
    return error


def run(filename: str, options: dict, output_limit: int) -> dict:
    """Run ``nncalc summary`` on the request's file; return the response fields."""
    from nncalc import cli, session
    from nncalc.summary import Summary

    out, err = CappedText(output_limit), CappedText(output_limit)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        try:
            code = cli.main(cli_argv(filename, options))
        except OutputLimit as error:  # printed by nncalc itself, after the script
            return {"ok": False, "error": f"nncalc: error: {filename}: {error}"}
    finally:
        sys.stdout, sys.stderr = saved
    if code != 0:
        lines = [line for line in err.getvalue().splitlines() if line.strip()]
        error = next((line for line in reversed(lines) if line.startswith("nncalc")),
                     lines[-1] if lines else f"nncalc: error: {filename}: failed")
        return {"ok": False, "error": web_wording(error, options),
                "status": 500 if code == cli.EXIT_INTERNAL_ERROR else 422}
    lang = options.get("lang", "en")
    summary = Summary(list(session.summaries))
    result = {"ok": True, "summary": json.loads(summary.to_json(lang=lang)), "text": out.getvalue()}
    formats = set(options.get("formats") or ())
    if "markdown" in formats:
        result["markdown"] = summary.to_markdown(lang=lang)
    if "csv" in formats:
        result["csv"] = summary.to_csv()
    if "html" in formats:
        result["html"] = summary.to_html(lang=lang)
    if "explain" in formats:
        result["explain"] = summary.explain(lang=lang)
    return result


def receive(request: dict) -> str:
    """In the jail (:mod:`nncalc.serve.jail`), the request carries the file: write it into the
    working directory (the jail's private tmpfs) and return that directory."""
    import base64

    name = os.path.basename(request["file"])
    with open(name, "wb") as f:
        f.write(base64.b64decode(request["content_base64"]))
    return os.getcwd()


def identity() -> dict:
    """Who and where this process is, as the jail's start-up check asks (``"probe": true``)."""
    return {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "pid": os.getpid(),
            "hostname": os.uname().nodename, "cwd": os.getcwd()}


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    limits = request.get("limits", {})
    out_fd = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)
    filename = request["file"]
    try:
        if "content_base64" in request:
            request["dir"] = receive(request)
        preload(filename)  # trusted code first (numpy's BLAS may start threads as it loads)
        set_limits(limits)
        os.chdir(request["dir"])
        sys.path[:] = [p for p in sys.path if p]  # no '' entry: nothing imported from the request dir
        sys.addaudithook(make_audit_hook(readable_roots(request["dir"])))
        guard_imports(request["dir"])
        result = run(filename, request.get("options", {}), int(limits.get("output_chars", 2_000_000)))
        if request.get("probe"):
            result["probe"] = identity()
    except MemoryError:
        result = {"ok": False, "error": f"nncalc: error: {filename}: the model needs more memory "
                                        "than the web calculator allows"}
    data = json.dumps(result).encode()
    view = memoryview(data)
    while view:
        view = view[os.write(out_fd, view):]


if __name__ == "__main__":
    main()
