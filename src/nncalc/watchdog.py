"""A watchdog process: the last resort of ``--timeout`` when Python itself is stuck.

The timeout of ``cli._time_limit`` is a signal handler, and Python runs signal handlers
only between bytecodes: a single long C call (``json.loads`` of a 250 MB config, a
regular expression that backtracks, a C extension) holds the process past any limit.
:func:`start` forks a small process that waits ``after`` seconds; if it has not been
stopped by then (:meth:`Watchdog.stop`, or the parent's death, which closes the pipe it
waits on), it writes the error line to stderr and kills the parent (``SIGKILL``: no
handler can delay it; the exit status is then 137, not 2).

Only the real command starts one (never an in-process call such as the tests' or a
server's), and only where ``os.fork`` exists (not on Windows).
"""

from __future__ import annotations

import os


class Watchdog:
    def __init__(self, pid: int, pipe: int):
        self.pid, self.pipe = pid, pipe

    def stop(self) -> None:
        """Close the pipe: the watchdog wakes and exits. It is reaped if it has (not waited for:
        on a busy machine that costs tens of milliseconds; the command ends soon anyway)."""
        if self.pipe is None:
            return
        os.close(self.pipe)
        self.pipe = None
        try:
            os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:  # pragma: no cover - already reaped
            pass


def start(after: float, line: str):
    """A :class:`Watchdog` that ends this process with ``line`` after ``after`` seconds, or None."""
    if not hasattr(os, "fork"):
        return None
    import select  # (imported here: the child only calls)
    import signal

    parent = os.getpid()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no more processes: run without the last resort
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the watchdog: no Python-level cleanup, no buffers of the parent's flushed
        code = 0
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            os.close(write_end)
            ready, _, _ = select.select([read_end], [], [], after)
            if not ready and os.getppid() == parent:
                os.write(2, (line.rstrip("\n") + "\n").encode("utf-8", "replace"))
                os.kill(parent, signal.SIGKILL)
        except BaseException:  # noqa: BLE001 - the watchdog must never outlive its purpose
            code = 1
        finally:
            os._exit(code)
    os.close(read_end)
    return Watchdog(pid, write_end)
