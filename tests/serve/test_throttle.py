"""Denial of service: the server's limits per client and in all, against a running server.
One hostile client (many connections, slow requests, floods, endless scripts) must not make
the server refuse another client for longer than one request's deadline."""

from __future__ import annotations

import base64
import concurrent.futures
import http.client
import json
import socket
import time

import pytest

from nncalc.serve import throttle
from nncalc.serve.throttle import ClientLimits, Clients

from .conftest import TEST_LIMITS, need_bwrap, serving

TINY = "import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n"
DEADLINE = TEST_LIMITS["timeout"] + TEST_LIMITS["grace"]  # one request's deadline in these servers


def post(server, body: dict, source: str, timeout: float = 60):
    """(status, headers, JSON) of a POST /api/summary from the address ``source``."""
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=timeout,
                                            source_address=(source, 0))
    try:
        connection.request("POST", "/api/summary", json.dumps(body).encode(), {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        connection.close()


def get(server, source: str, timeout: float = 10) -> int:
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=timeout, source_address=(source, 0))
    try:
        connection.request("GET", "/api/openapi.json")
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def opened(server, source: str) -> socket.socket:
    return socket.create_connection(server.server_address[:2], timeout=30, source_address=(source, 0))


def counted(server, connections: int, limit: float = 30) -> None:
    """Wait until the server holds ``connections`` connections (accepting takes a moment on a
    busy machine: a fixed sleep would race it)."""
    started = time.monotonic()
    while server.clients.connections != connections:
        assert time.monotonic() - started < limit, (server.clients.per_client, connections)
        time.sleep(0.02)


def closed_by_server(conn: socket.socket, drip: bytes = b"", every: float = 0.3, limit: float = 30) -> float:
    """Send ``drip`` every ``every`` seconds until the server closes the connection; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            if drip:
                conn.sendall(drip)
            conn.settimeout(every)
            if conn.recv(65536) == b"":
                return time.monotonic() - started
        except TimeoutError:
            continue
        except OSError:  # reset
            return time.monotonic() - started
    raise AssertionError("the server kept the connection open")


@pytest.fixture(scope="module")
def model_json(keras_files):
    out, _ = keras_files
    return {"filename": "seed_cnn.json", "content_base64": base64.b64encode((out / "seed_cnn.json").read_bytes()).decode()}


# ----------------------------------------------------------------------------- bookkeeping
def test_token_bucket(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: now[0])
    clients = Clients(ClientLimits(rate=0.5, burst=3, jobs_per_client=5))
    for _ in range(3):
        assert clients.admit("a") is None
    assert clients.admit("a") == pytest.approx(2.0)  # one token back after 1 / rate seconds
    assert clients.admit("b") is None  # another address has its own bucket
    now[0] += 1.0
    assert clients.admit("a") == pytest.approx(1.0)
    now[0] += 1.0
    assert clients.admit("a") is None
    assert throttle.retry_after(0.2) == "1" and throttle.retry_after(2.01) == "3"


def test_jobs_and_connections_per_client():
    clients = Clients(ClientLimits(connections=3, connections_per_client=2, jobs_per_client=1, burst=100))
    assert clients.admit("a") is None and clients.admit("a") is not None
    clients.done("a")
    assert clients.admit("a") is None
    assert clients.connect("a") and clients.connect("a") and not clients.connect("a")
    assert clients.connect("b") and not clients.connect("c")  # 3 in all
    clients.disconnect("a")
    assert clients.connect("c")


# ----------------------------------------------------------------------------- a running server
@pytest.fixture
def small_server():
    with serving(max_workers=2, client_limits=ClientLimits(
            connections=5, connections_per_client=3, jobs_per_client=1, rate=0.2, burst=3,
            queue_seconds=1.0, header_seconds=1.5, body_bytes_per_second=1_000_000)) as server:
        yield server


@pytest.fixture
def roomy_server():
    """small_server's connection limits with time to spare for idle connections (10 s): the
    connection tests hold idle connections, which small_server cuts after 1.5 s — sooner
    than a loaded machine may take to run them."""
    with serving(max_workers=2, client_limits=ClientLimits(
            connections=5, connections_per_client=3, jobs_per_client=1, rate=0.2, burst=3,
            queue_seconds=1.0, header_seconds=10, body_bytes_per_second=1_000_000)) as server:
        yield server


def test_slow_headers_and_bodies_are_cut_off(small_server):
    with opened(small_server, "127.0.0.2") as conn:
        conn.sendall(b"POST /api/summary HTTP/1.1\r\nHost: x\r\n")
        took = closed_by_server(conn, b"X", every=0.3)  # a header byte every 0.3 s: never done
    assert 1.4 < took < 4, took
    with opened(small_server, "127.0.0.2") as conn:
        conn.sendall(b"POST /api/summary HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100000\r\n\r\n{")
        took = closed_by_server(conn, b" ", every=0.3)  # 1.5 s + 0.1 s allowed for 100 kB
    assert 1.4 < took < 4, took
    with opened(small_server, "127.0.0.2") as conn:  # an idle connection, too
        took = closed_by_server(conn)
    assert 1.4 < took < 4, took
    assert get(small_server, "127.0.0.2") == 200


def test_connections_per_client_and_in_all(roomy_server):
    small_server = roomy_server
    hostile = [opened(small_server, "127.0.0.3") for _ in range(3)]
    try:
        counted(small_server, 3)
        with opened(small_server, "127.0.0.3") as fourth:  # over its share: 503 at once
            fourth.settimeout(5)
            reply = fourth.recv(65536).decode()
        assert reply.startswith("HTTP/1.1 503") and "Retry-After: 1" in reply and "too many connections" in reply
        assert get(small_server, "127.0.0.4") == 200  # another client is served
        counted(small_server, 3)  # its connection's thread has ended
        more = [opened(small_server, "127.0.0.5") for _ in range(2)]  # 5 in all now
        counted(small_server, 5)
        with opened(small_server, "127.0.0.6") as late:
            late.settimeout(5)
            assert late.recv(65536).startswith(b"HTTP/1.1 503")
        for conn in more:
            conn.close()
    finally:
        for conn in hostile:
            conn.close()
    counted(small_server, 0)
    assert get(small_server, "127.0.0.6") == 200  # and once they are gone, everyone again


def test_a_refused_connection_still_gets_its_answer_while_it_sends(roomy_server):
    """The 503 of a connection over its share is not lost to a reset: the server closes only
    once the client has stopped sending (closing with unread bytes would reset it)."""
    hostile = [opened(roomy_server, "127.0.0.9") for _ in range(3)]
    try:
        counted(roomy_server, 3)
        for _ in range(3):
            with opened(roomy_server, "127.0.0.9") as fourth:
                fourth.settimeout(5)
                body = b'{"code": "' + b"x" * 200_000 + b'"}'
                fourth.sendall(b"POST /api/summary HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                               b"\r\nContent-Length: %d\r\n\r\n" % len(body))
                time.sleep(0.1)  # the server has answered and shut its side by now
                fourth.sendall(body)
                reply = fourth.recv(65536).decode()
                assert reply.startswith("HTTP/1.1 503") and "too many connections" in reply
    finally:
        for conn in hostile:
            conn.close()


def test_rate_per_client(small_server, model_json):
    # a token every 5 s: the burst of 3 is spent before one comes back, even on a busy machine
    statuses = [post(small_server, model_json, "127.0.0.7")[0] for _ in range(3)]
    assert statuses == [200, 200, 200]  # the burst
    status, headers, answer = post(small_server, model_json, "127.0.0.7")
    assert status == 429 and set(answer) == {"error"} and "your address" in answer["error"]
    assert int(headers["Retry-After"]) >= 1
    assert post(small_server, model_json, "127.0.0.8")[0] == 200  # another client is not slowed
    time.sleep(int(headers["Retry-After"]))
    assert post(small_server, model_json, "127.0.0.7")[0] == 200


@pytest.mark.jail
def test_one_hostile_client_does_not_shut_out_the_others():
    """127.0.0.9 holds all the connections it may, with slow requests, and floods the API with
    endless scripts: each one beyond its share is refused at once, and 127.0.0.10 gets its
    answer well within one request's deadline while the flood goes on."""
    need_bwrap()
    with serving(max_workers=2, code_api=True, client_limits=ClientLimits(
            connections=16, connections_per_client=6, jobs_per_client=1, rate=100, burst=100,
            queue_seconds=1.0, header_seconds=DEADLINE)) as server:
        slow = [opened(server, "127.0.0.9") for _ in range(3)]
        for conn in slow:
            conn.sendall(b"POST /api/summary HTTP/1.1\r\n")
        endless = {"code": "while True:\n    pass\n"}
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            flood = [pool.submit(post, server, endless, "127.0.0.9") for _ in range(3)]
            time.sleep(0.5)
            started = time.monotonic()
            status, _, answer = post(server, {"code": TINY}, "127.0.0.10")
            took = time.monotonic() - started
            assert status == 200 and answer["summary"]["models"][0]["total_params"] == 8, answer
            assert took < DEADLINE, took
            results = [f.result() for f in flood]
        # one ran to its deadline (its share: one job), the others were refused at once
        assert sorted(r[0] for r in results) == [422, 429, 429], [r[:1] + (r[2],) for r in results]
        for conn in slow:
            conn.close()


@pytest.mark.jail
def test_a_request_waits_a_bounded_time_for_a_worker(model_json):
    need_bwrap()
    with serving(max_workers=1, code_api=True, client_limits=ClientLimits(
            jobs_per_client=1, rate=100, burst=100, queue_seconds=1.0)) as server:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            busy = pool.submit(post, server, {"code": "while True:\n    pass\n"}, "127.0.0.11")
            time.sleep(1.0)
            started = time.monotonic()
            status, headers, answer = post(server, model_json, "127.0.0.12")
            took = time.monotonic() - started
            assert status == 503 and headers["Retry-After"] == "1" and "busy" in answer["error"]
            assert 0.9 < took < 3, took
            assert busy.result()[0] == 422
        assert post(server, model_json, "127.0.0.12")[0] == 200
