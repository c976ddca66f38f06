"""Run one request in a fresh child process (:mod:`nncalc.serve.worker`) with hard limits.

This is how the server reads an uploaded model file when its code API is off (the default):
the file is only parsed, never executed. With ``nncalc serve --code-api`` every request runs
in the OS jail of :mod:`nncalc.serve.jail` instead, which uses :func:`exchange` and
:func:`answer_of` from here.

The server writes the uploaded file into a new private temporary directory, starts
``python -I`` running this nncalc's :mod:`~nncalc.serve.worker` in its own process group with
a minimal environment, sends the request on stdin and reads at most ``limits.output_bytes``
of JSON from stdout, with a deadline (:func:`exchange`: it never blocks on a pipe that a
stray process still holds). Past ``limits.timeout + limits.grace`` seconds the whole process
group is killed. The directory is removed afterwards. A child that dies (CPU limit: SIGXCPU;
memory; a crash) or answers garbage gives a one-line error, never an exception in the server.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field


@dataclass
class Limits:
    """Per-request limits. ``timeout``: the script's own wall-clock limit (nncalc's --timeout);
    the child is killed ``grace`` seconds later if it is still alive."""

    timeout: float = 10.0
    cpu_seconds: int = 15
    memory_bytes: int = 1536 * 1024 * 1024
    output_bytes: int = 8 * 1024 * 1024
    output_chars: int = 2_000_000
    grace: float = 5.0


class SandboxFailure(Exception):
    """The child did not answer properly; the message is one line for the user."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def _env() -> dict:
    """A minimal environment: no proxies, no credentials, one BLAS thread."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "TERM": "dumb", "NO_COLOR": "1"}
    return env


def package_parent() -> str:
    """The directory that holds this ``nncalc`` package (put first on the child's ``sys.path``,
    so that the child runs the same nncalc as the server, editable install or not)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# The child's first code: ``python -I -c BOOT '{"first": [...], "last": [...]}'`` puts the
# given directories first and last on sys.path, then runs the worker.
BOOT = ("import json, sys; p = json.loads(sys.argv[1]); sys.path[:0] = p['first']; "
        "sys.path += p['last']; from nncalc.serve.worker import main; main()")


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        try:
            proc.kill()
        except OSError:
            pass


@dataclass
class Exchange:
    """What a child said: its stdout (at most the limit), the start of its stderr, the text of
    an extra descriptor (bwrap's ``--info-fd``), and whether the deadline or the limit hit."""

    stdout: bytes = b""
    stderr: bytes = b""
    info: bytes = b""
    timed_out: bool = False
    overflow: bool = False
    extra: dict = field(default_factory=dict)


STDERR_KEPT = 16 * 1024


def exchange(proc: subprocess.Popen, request: bytes, deadline: float, limit: int,
             info_fd: int | None = None, on_info=None) -> Exchange:
    """Write ``request`` to ``proc``'s stdin and read its stdout and stderr until both end, the
    output passes ``limit`` bytes, or ``time.monotonic()`` passes ``deadline``.

    Every descriptor is non-blocking and watched with a timeout, so a child (or anything it
    started) that keeps a pipe open, stops reading, or writes forever cannot hold the caller
    past the deadline. ``info_fd`` is read as well; ``on_info(text)`` is called each time more
    of it arrives. The caller kills the child afterwards.
    """
    result = Exchange()
    selector = selectors.DefaultSelector()
    out, err, info = bytearray(), bytearray(), bytearray()
    readers = {proc.stdout.fileno(): out, proc.stderr.fileno(): err}
    if info_fd is not None:
        readers[info_fd] = info
    for fd in readers:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    pending = memoryview(request)
    stdin = proc.stdin.fileno()
    os.set_blocking(stdin, False)
    selector.register(stdin, selectors.EVENT_WRITE)
    open_outputs = 2
    try:
        while open_outputs:
            left = deadline - time.monotonic()
            if left <= 0:
                result.timed_out = True
                break
            for key, _ in selector.select(min(left, 1.0)):
                fd = key.fd
                if fd == stdin:
                    try:
                        pending = pending[os.write(fd, pending[:65536]):]
                    except BlockingIOError:
                        continue
                    except OSError:  # the child closed its stdin (it died, or does not read)
                        pending = pending[:0]
                    if not pending:
                        selector.unregister(fd)
                        proc.stdin.close()
                    continue
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    selector.unregister(fd)
                    if fd != info_fd:
                        open_outputs -= 1
                    continue
                buffer = readers[fd]
                if fd == proc.stdout.fileno():
                    buffer += chunk
                    if len(buffer) > limit:
                        result.overflow = True
                        return result
                elif fd == info_fd:
                    buffer += chunk
                    if on_info is not None:
                        on_info(bytes(buffer))
                elif len(buffer) < STDERR_KEPT:
                    buffer += chunk[:STDERR_KEPT - len(buffer)]
    finally:
        selector.close()
        if not proc.stdin.closed:
            try:
                proc.stdin.close()
            except OSError:
                pass
        result.stdout, result.stderr, result.info = bytes(out), bytes(err), bytes(info)
    return result


def run_request(filename: str, content: bytes, options: dict, limits: Limits) -> dict:
    """Run ``nncalc summary`` on ``content`` (saved as ``filename``) in a sandboxed child.

    Returns the worker's answer (``{"ok": True, ...}`` or ``{"ok": False, "error": ...}``);
    raises :class:`SandboxFailure` when the child breaks a limit or crashes.
    """
    workdir = tempfile.mkdtemp(prefix="nncalc-serve-")
    try:
        os.chmod(workdir, 0o700)
        path = os.path.join(workdir, filename)
        with open(path, "wb") as f:
            f.write(content)
        request = {"dir": workdir, "file": filename, "options": dict(options, timeout=limits.timeout),
                   "limits": asdict(limits)}
        return _run_child(json.dumps(request).encode(), filename, limits, options.get("lang", "en"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def frame(lang: str) -> str:
    """``nncalc: error: `` in the request's language (as nncalc.errors.FRAMES)."""
    from ..errors import FRAMES

    return FRAMES.get(lang, FRAMES["en"])["error"]


def _death(returncode, label: str, limits: Limits) -> str:
    """Why a child without an answer died, in one line."""
    sig = -returncode if returncode is not None and returncode < 0 else None
    if sig == getattr(signal, "SIGXCPU", None):
        why = f"the model used more than {limits.cpu_seconds} seconds of CPU time, the web calculator's limit"
    elif sig == signal.SIGKILL:
        why = "the model was stopped: it ran too long or used too much memory"
    elif sig == signal.SIGSEGV:
        why = "the model crashed the worker (too deep a recursion?)"
    elif sig:
        why = f"the worker was stopped by signal {signal.Signals(sig).name}"
    else:
        why = f"the worker ended without an answer (exit code {returncode}); too much memory?"
    return f"{label}: {why}"


def answer_of(result: Exchange, returncode, label: str, limits: Limits, lang: str) -> dict:
    """The worker's answer from what it wrote, or :class:`SandboxFailure` in one line."""
    if result.timed_out:
        raise SandboxFailure(f"{frame(lang)}{label}: stopped after {limits.timeout:g} seconds, "
                             "the web calculator's time limit")
    if result.overflow:
        raise SandboxFailure(f"{frame(lang)}{label}: the answer is larger than "
                             f"{limits.output_bytes:,} bytes, the web calculator's limit")
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or "ok" not in answer:
        raise SandboxFailure(frame(lang) + _death(returncode, label, limits))
    return answer


def converse(proc: subprocess.Popen, request: bytes, deadline: float, limit: int, info_fd=None,
             on_info=None, stop=None):
    """:func:`exchange` with ``proc``, then wait for its exit until ``deadline``; then kill it
    and its process group (``stop()`` first: the jail's own kill), close the pipes, and return
    (:class:`Exchange`, exit status or None)."""
    try:
        result = exchange(proc, request, deadline, limit, info_fd=info_fd, on_info=on_info)
        if not (result.timed_out or result.overflow):
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                result.timed_out = True
    finally:
        if stop is not None:
            stop()
        _kill(proc)  # whatever the child started in its group goes with it
        for stream in (proc.stdout, proc.stderr):
            stream.close()
    try:
        returncode = proc.wait(5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL was sent
        returncode = None
    return result, returncode


def _run_child(request: bytes, label: str, limits: Limits, lang: str = "en") -> dict:
    deadline = time.monotonic() + limits.timeout + limits.grace
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", BOOT, json.dumps({"first": [package_parent()], "last": []})],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=_env(), cwd="/", start_new_session=True, close_fds=True)
    result, returncode = converse(proc, request, deadline, limits.output_bytes)
    return answer_of(result, returncode, label, limits, lang)
