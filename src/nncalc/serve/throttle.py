"""Denial-of-service limits of the web calculator's server, per client and in all.

* :class:`Clients` — how many connections each client address holds (and all together: each
  connection is one thread of the server), how many summary requests it has running, and a
  token bucket of summary requests per address: ``burst`` at once, then ``rate`` per second.
  A client over a limit gets ``429`` (with ``Retry-After``) or, for connections, ``503``, and
  never holds more than its share: the others are still served.
* :class:`DeadlineReader` — the request's bytes, read with one deadline for the whole request
  line and headers and one for the body (a minimum rate), however slowly a client sends them
  (a "slowloris" client that sends a byte every few seconds is cut off at the deadline).
"""

from __future__ import annotations

import io
import math
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
