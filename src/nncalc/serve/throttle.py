"""Denial-of-service limits of the web calculator's server, per client and in all.

* :class:`Clients` — how many connections each client address holds (and all together: each
  connection is one thread of the server), how many summary requests it has running, and a
  token bucket of summary requests per address: ``burst`` at once, then ``rate`` per second.
  A client over a limit gets ``429`` (with ``Retry-After``) or, for connections, ``503``, and
  never holds more than its share: the others are still served.
* :class:`LingeringCloser` — connections refused at once (too many) are answered, then closed
  only once the client has stopped sending (or after a short bound): closing a socket that
  still has unread bytes resets the connection, and the client would lose the answer.
* :class:`DeadlineReader` — the request's bytes, read with one deadline for the whole request
  line and headers and one for the body (a minimum rate), however slowly a client sends them
  (a "slowloris" client that sends a byte every few seconds is cut off at the deadline).
"""

from __future__ import annotations

import io
import math
import selectors
import socket
import threading
import time
from dataclasses import dataclass


@dataclass
class ClientLimits:
    """The server's limits. ``connections``: open connections (= handler threads) in all;
    ``connections_per_client``: of them, for one address; ``jobs_per_client``: summary
    requests one address may have running at once; ``rate``/``burst``: its token bucket of
    summary requests; ``queue_seconds``: how long a request waits for a free worker before
    ``503``; ``header_seconds``: for the request line and headers (and for an idle
    keep-alive connection's next request); ``body_bytes_per_second``: slowest body accepted
    (its deadline is ``header_seconds`` plus its length at this rate); ``write_seconds``: for
    sending an answer to a client that does not read it."""

    connections: int = 64
    connections_per_client: int = 8
    jobs_per_client: int = 1
    rate: float = 1.0
    burst: float = 10.0
    queue_seconds: float = 2.0
    header_seconds: float = 10.0
    body_bytes_per_second: float = 64 * 1024
    write_seconds: float = 30.0


class Clients:
    """Per-address bookkeeping, behind one lock (every operation is a few dictionary steps)."""

    FORGET_AFTER = 10_000  # addresses kept before idle ones are dropped

    def __init__(self, limits: ClientLimits):
        self.limits = limits
        self.lock = threading.Lock()
        self.connections = 0
        self.per_client: dict[str, int] = {}
        self.jobs: dict[str, int] = {}
        self.buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, time)

    # connections ---------------------------------------------------------------
    def connect(self, address: str) -> bool:
        """Count a new connection, or False if it is over a limit (in all or for ``address``)."""
        with self.lock:
            if (self.connections >= self.limits.connections
                    or self.per_client.get(address, 0) >= self.limits.connections_per_client):
                return False
            self.connections += 1
            self.per_client[address] = self.per_client.get(address, 0) + 1
            return True

    def disconnect(self, address: str) -> None:
        with self.lock:
            self.connections -= 1
            left = self.per_client.get(address, 1) - 1
            if left:
                self.per_client[address] = left
            else:
                self.per_client.pop(address, None)

    # summary requests ----------------------------------------------------------
    def admit(self, address: str) -> float | None:
        """Take a token and a job place for ``address``: None if admitted, else the seconds to
        wait before retrying (the caller answers 429)."""
        now = time.monotonic()
        limits = self.limits
        with self.lock:
            if self.jobs.get(address, 0) >= limits.jobs_per_client:
                return 1.0
            tokens, then = self.buckets.get(address, (limits.burst, now))
            tokens = min(limits.burst, tokens + (now - then) * limits.rate)
            if tokens < 1:
                self.buckets[address] = (tokens, now)
                return (1 - tokens) / limits.rate if limits.rate > 0 else 60.0
            self.buckets[address] = (tokens - 1, now)
            self.jobs[address] = self.jobs.get(address, 0) + 1
            if len(self.buckets) > self.FORGET_AFTER:
                self._forget(now)
            return None

    def done(self, address: str) -> None:
        with self.lock:
            left = self.jobs.get(address, 1) - 1
            if left:
                self.jobs[address] = left
            else:
                self.jobs.pop(address, None)

    def _forget(self, now: float) -> None:
        """Drop the buckets that are full again (their clients have been quiet)."""
        limits = self.limits
        for address, (tokens, then) in list(self.buckets.items()):
            if tokens + (now - then) * limits.rate >= limits.burst and address not in self.jobs:
                del self.buckets[address]


class LingeringCloser:
    """Closes refused connections gracefully, in one thread for all of them.

    ``close(sock)`` ends our side (``shutdown(SHUT_WR)``: the answer already sent is followed by
    the end of the stream), then reads and discards what the client still sends until it
    closes its side, ``max_bytes`` have come or ``seconds`` have passed, and only then closes
    the socket. At most ``max_sockets`` linger at once; beyond that a socket is closed at once
    (a flood of refused connections costs one bounded thread, never one thread each)."""

    def __init__(self, seconds: float = 2.0, max_bytes: int = 256 * 1024, max_sockets: int = 256):
        self.seconds, self.max_bytes, self.max_sockets = seconds, max_bytes, max_sockets
        self.selector = selectors.DefaultSelector()
        self.lock = threading.Lock()
        self.pending: list = []  # sockets handed over, registered by the thread
        self.wake_r, self.wake_w = socket.socketpair()
        self.wake_r.setblocking(False)
        self.selector.register(self.wake_r, selectors.EVENT_READ, None)
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="nncalc-lingering-close", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Close every lingering socket and end the thread (the server is closing)."""
        self.stopped = True
        try:
            self.wake_w.send(b"x")
        except OSError:
            pass
        self.thread.join(5)

    def close(self, sock) -> None:
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        with self.lock:
            if len(self.selector.get_map()) + len(self.pending) > self.max_sockets:
                sock.close()
                return
            self.pending.append(sock)
        try:
            self.wake_w.send(b"x")
        except OSError:
            pass

    def _run(self) -> None:
        while not self.stopped:
            now = time.monotonic()
            for key in list(self.selector.get_map().values()):
                if key.data is not None and key.data[0] <= now:
                    self._drop(key.fileobj)
            for key, _ in self.selector.select(timeout=0.5):
                if key.data is None:  # woken: register what was handed over
                    try:
                        self.wake_r.recv(4096)
                    except OSError:
                        pass
                    with self.lock:
                        pending, self.pending = self.pending, []
                    for sock in pending:
                        sock.setblocking(False)
                        self.selector.register(sock, selectors.EVENT_READ,
                                               [time.monotonic() + self.seconds, 0])
                    continue
                try:
                    data = key.fileobj.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                key.data[1] += len(data)
                if not data or key.data[1] >= self.max_bytes:
                    self._drop(key.fileobj)
        for key in list(self.selector.get_map().values()):
            if key.data is not None:
                self._drop(key.fileobj)
        with self.lock:
            for sock in self.pending:
                sock.close()
            self.pending = []
        self.selector.close()
        self.wake_r.close()
        self.wake_w.close()

    def _drop(self, sock) -> None:
        try:
            self.selector.unregister(sock)
        except (KeyError, ValueError):
            pass
        sock.close()


def retry_after(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


class _DeadlineSocket(io.RawIOBase):
    """A socket's input that raises :class:`TimeoutError` once ``deadline`` has passed."""

    def __init__(self, sock):
        self.sock = sock
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the client took too long to send its request")
            self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


class DeadlineReader(io.BufferedReader):
    """The handler's ``rfile``: buffered, each read bounded by the current deadline."""

    def __init__(self, sock):
        self.raw_socket = _DeadlineSocket(sock)
        super().__init__(self.raw_socket, 65536)

    def set_deadline(self, seconds: float) -> None:
        """From now on, reading fails ``seconds`` from now."""
        self.raw_socket.deadline = time.monotonic() + seconds
