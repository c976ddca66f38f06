"""Run one request in a fresh child process (:mod:`nncalc.serve.worker`) with hard limits.

The server writes the pasted code (or the uploaded file) into a new private temporary
directory, starts ``sys.executable -I -m nncalc.serve.worker`` in its own process group with
a minimal environment, sends the request on stdin and reads at most ``limits.output_bytes``
of JSON from stdout. Past ``limits.wall_seconds`` the whole process group is killed. The
directory is removed afterwards. A child that dies (CPU limit: SIGXCPU; memory; a crash) or
answers garbage gives a one-line error, never an exception in the server.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass


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


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        try:
            proc.kill()
        except OSError:
            pass


def _death(returncode: int, label: str, limits: Limits) -> str:
    """Why a child without an answer died, in one line."""
    sig = -returncode if returncode < 0 else None
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


def _frame(lang: str) -> str:
    """``nncalc: error: `` in the request's language (as nncalc.errors.FRAMES)."""
    from ..errors import FRAMES

    return FRAMES.get(lang, FRAMES["en"])["error"]


def _run_child(request: bytes, label: str, limits: Limits, lang: str = "en") -> dict:
    proc = subprocess.Popen(
        [sys.executable, "-I", "-m", "nncalc.serve.worker"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env=_env(), cwd="/", start_new_session=True, close_fds=True)
    chunks, size, overflow = [], 0, threading.Event()

    def read():
        nonlocal size
        while True:
            chunk = proc.stdout.read1(65536) if hasattr(proc.stdout, "read1") else proc.stdout.read(65536)
            if not chunk:
                return
            size += len(chunk)
            if size > limits.output_bytes:
                overflow.set()
                _kill(proc)
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc.stdin.write(request)
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass
    try:
        proc.wait(timeout=limits.timeout + limits.grace)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.wait()
        reader.join(1)
        raise SandboxFailure(f"{_frame(lang)}{label}: stopped after {limits.timeout:g} seconds, "
                             "the web calculator's time limit") from None
    finally:
        _kill(proc)  # whatever the child started in its group goes with it
    reader.join(5)
    proc.stdout.close()
    if overflow.is_set():
        raise SandboxFailure(f"{_frame(lang)}{label}: the answer is larger than "
                             f"{limits.output_bytes:,} bytes, the web calculator's limit")
    data = b"".join(chunks)
    try:
        answer = json.loads(data)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or "ok" not in answer:
        raise SandboxFailure(_frame(lang) + _death(proc.returncode, label, limits))
    return answer
