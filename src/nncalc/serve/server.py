"""The web calculator's HTTP server: the page, ``POST /api/summary``, ``GET /api/openapi.json``.

Standard library only (:class:`http.server.ThreadingHTTPServer`). The code API is off unless
the server was started with ``code_api=True`` (``nncalc serve --code-api``): a request with
``code`` then runs in a bubblewrap jail (:mod:`nncalc.serve.jail`); without it, such a request
gets ``403`` (the page runs pasted code in the browser). Uploaded model files are parsed in a
sandboxed child process (:mod:`nncalc.serve.sandbox`; in the jail too with ``--code-api``),
never executed. At most ``max_workers`` run at once; a request waits a moment for a free one,
then gets ``503``. Bodies above ``max_body`` bytes get ``413`` without being read.
Denial-of-service limits (:mod:`nncalc.serve.throttle`): connections (= threads) in all and
per client address, a per-client rate and number of running summaries (``429`` with
``Retry-After``), and deadlines for reading a request. Every error is ``{"error": "<one
line>"}`` with a 4xx (5xx: nncalc's own bug, or busy) status.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import openapi
from .assets import Assets, missing_note
from .sandbox import Limits, SandboxFailure, run_request
from .throttle import ClientLimits, Clients, DeadlineReader, LingeringCloser, retry_after

HERE = os.path.dirname(os.path.abspath(__file__))
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/index.html": ("index.html", "text/html; charset=utf-8"),
          "/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/style.css": ("style.css", "text/css; charset=utf-8"),
          "/example.py": ("example.py", "text/plain; charset=utf-8")}
DEFAULT_MAX_BODY = 5 * 1024 * 1024
DRAIN_LIMIT = 64 * 1024 * 1024  # a larger oversized body is not even read: the connection is closed
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_TYPES = {"boolean": bool, "string": str, "array": list, "null": type(None)}
CODE_FILE = "model.py"  # the name a request's code gets (uploads must end in a model file's extension)
CODE_API_OFF = ("this server does not run code: its code API is off (the page runs pasted code in "
                "your browser); send a model file, or start the server with --code-api to run "
                "scripts in a bubblewrap jail")


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _check(name: str, value, schema: dict) -> None:
    """Validate ``value`` against the small JSON-schema subset :mod:`.openapi` uses."""
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    ok = any((t == "integer" and isinstance(value, int) and not isinstance(value, bool))
             or (t in _TYPES and isinstance(value, _TYPES[t]) and not (t != "boolean" and isinstance(value, bool)))
             for t in types)
    if not ok:
        raise BadRequest(f"'{name}' must be {' or '.join(types)}, not {json.dumps(value)[:40]}")
    if "enum" in schema and value not in schema["enum"]:
        raise BadRequest(f"'{name}' must be one of {', '.join(map(str, schema['enum']))}")
    if isinstance(value, int) and not isinstance(value, bool):
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            raise BadRequest(f"'{name}' must be between {schema.get('minimum')} and {schema.get('maximum')}")
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", len(value)) or len(value) < schema.get("minItems", 0):
            raise BadRequest(f"'{name}' has a wrong number of items")
        if schema.get("uniqueItems") and len({json.dumps(v) for v in value}) != len(value):
            raise BadRequest(f"'{name}' has repeated items")
        for i, item in enumerate(value):
            _check(f"{name}[{i}]", item, schema["items"])


def parse_request(body: bytes) -> tuple[str, bytes, dict]:
    """A request body -> (file name, file content, options); :class:`BadRequest` if malformed."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"the request body is not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    options = {}
    for key, value in data.items():
        if key in openapi.OPTIONS:
            _check(key, value, openapi.OPTIONS[key])
            options[key] = value
        elif key not in ("code", "filename", "content_base64"):
            raise BadRequest(f"unknown field '{key}'")
    if "code" in data:
        if "filename" in data or "content_base64" in data:
            raise BadRequest("send either 'code' or 'filename' with 'content_base64', not both")
        if not isinstance(data["code"], str):
            raise BadRequest("'code' must be a string")
        if options.get("input_shape"):
            raise BadRequest("'input_shape' is for model files; a script sets its input shapes itself")
        return CODE_FILE, data["code"].encode("utf-8", "surrogatepass"), options
    if "filename" not in data or "content_base64" not in data:
        raise BadRequest("send 'code' (a Keras script) or 'filename' and 'content_base64' (a model file)")
    name, content = data["filename"], data["content_base64"]
    if not isinstance(name, str) or not isinstance(content, str):
        raise BadRequest("'filename' and 'content_base64' must be strings")
    base = os.path.basename(name.replace("\\", "/"))
    ext = os.path.splitext(base)[1].lower()
    if ext not in openapi.UPLOAD_EXTENSIONS:
        raise BadRequest(f"'{base[:60]}': a model file must end in {', '.join(openapi.UPLOAD_EXTENSIONS)}")
    if not SAFE_NAME.match(base):
        base = "model" + ext
    try:
        raw = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("'content_base64' is not valid base64") from None
    return base, raw, options


class Handler(BaseHTTPRequestHandler):
    server_version = "nncalc"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30  # socket timeout until the deadlines below take over

    def log_message(self, format, *args):  # quiet unless the server was asked to log
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def setup(self):
        super().setup()
        self.rfile.close()
        self.rfile = DeadlineReader(self.connection)  # see handle_one_request and do_POST

    def handle_one_request(self):
        # The request line and headers (or, on a kept-alive connection, the next request)
        # must arrive within header_seconds, however slowly the client sends them.
        self.rfile.set_deadline(self.server.client_limits.header_seconds)
        super().handle_one_request()

    # ------------------------------------------------------------------ replies
    def _send(self, status: int, body: bytes, content_type: str, extra=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy",
                             "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                             "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'")
        for key, value in extra:
            self.send_header(key, value)
        # a client that does not read; a large file (Pyodide's 9.6 MB) gets time at the slowest rate
        # a body is accepted at, as a slow connection needs
        limits = self.server.client_limits
        self.connection.settimeout(limits.write_seconds + len(body) / limits.body_bytes_per_second)
        try:
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client left: nothing to tell it
            self.close_connection = True

    def _json(self, status: int, data, extra=()) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                   "application/json; charset=utf-8", extra)

    def _error(self, status: int, message: str, extra=()) -> None:
        self._json(status, {"error": message}, extra)

    # ------------------------------------------------------------------ routes
    def do_GET(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/api/openapi.json":
            return self._send(200, self.server.openapi_bytes, "application/json; charset=utf-8")
        if path in STATIC:
            name, content_type = STATIC[path]
            with open(os.path.join(HERE, "static", name), "rb") as f:
                return self._send(200, f.read(), content_type)
        asset = self.server.assets.get(path)  # Pyodide's files, the wheels, the page's modules
        if asset is not None:
            return self._send(200, *asset)
        if path == "/favicon.ico":
            return self._send(204, b"", "image/x-icon")
        if path.startswith("/api/"):
            return self._error(405 if path == "/api/summary" else 404,
                               "use POST for /api/summary" if path == "/api/summary" else f"no such API: {path}",
                               [("Allow", "POST")] if path == "/api/summary" else ())
        return self._send(404, b"not found\n", "text/plain; charset=utf-8")

    do_HEAD = do_GET

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        if path != "/api/summary":
            self.close_connection = True
            return self._error(404 if path not in STATIC and path != "/api/openapi.json" else 405,
                               f"no such API: POST {path}")
        length = self.headers.get("Content-Length")
        if length is None or not length.strip().isdigit():
            self.close_connection = True
            return self._error(411, "the request needs a Content-Length header")
        length = int(length)
        limits = self.server.client_limits
        # the body (or an oversized one drained, below) at the slowest accepted rate
        self.rfile.set_deadline(limits.header_seconds + min(length, DRAIN_LIMIT) / limits.body_bytes_per_second)
        if length > self.server.max_body:
            self.close_connection = True
            if length <= DRAIN_LIMIT:  # read and drop it, so that the client sees the answer
                left = length
                while left > 0:
                    chunk = self.rfile.read(min(left, 1 << 20))
                    if not chunk:
                        break
                    left -= len(chunk)
            return self._error(413, f"the request body is {length:,} bytes; the limit is "
                                    f"{self.server.max_body:,}")
        kind = (self.headers.get("Content-Type") or "application/json").split(";")[0].strip().lower()
        body = self.rfile.read(length)
        if len(body) < length:  # the client closed the connection before sending its body
            self.close_connection = True
            return
        if kind != "application/json":
            return self._error(415, "send the request as application/json")
        try:
            filename, content, options = parse_request(body)
        except BadRequest as error:
            return self._error(error.status, str(error))
        if filename == CODE_FILE and not self.server.code_api:
            return self._error(403, CODE_API_OFF)
        address = self.client_address[0]
        wait = self.server.clients.admit(address)
        if wait is not None:
            return self._error(429, "too many requests from your address; try again in a moment",
                               [("Retry-After", retry_after(wait))])
        try:
            if not self.server.slots.acquire(timeout=limits.queue_seconds):
                return self._error(503, "the calculator is busy (too many requests at once); try "
                                        "again in a moment", [("Retry-After", "1")])
            try:
                answer = self.server.run(filename, content, options)
            except SandboxFailure as failure:
                return self._error(failure.status, str(failure))
            except OSError as error:  # no process could be started (out of resources)
                return self._error(503, f"the calculator could not start a worker ({error.strerror or error})",
                                   [("Retry-After", "1")])
            finally:
                self.server.slots.release()
        finally:
            self.server.clients.done(address)
        if not answer.get("ok"):
            return self._error(int(answer.get("status", 422)), str(answer.get("error")))
        answer.pop("ok")
        answer.pop("status", None)
        return self._json(200, answer)


class CalculatorServer(ThreadingHTTPServer):
    """The calculator. ``code_api``: run requests with ``code``, each in a bubblewrap jail
    (``jail``, or one built here from ``bwrap`` and ``jail_uid``; :class:`~nncalc.serve.jail.
    JailUnavailable` if it cannot work here). ``client_limits``: see
    :class:`~nncalc.serve.throttle.ClientLimits` (``jobs_per_client`` defaults to half the
    workers, so that one client never holds them all)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, limits: Limits | None = None, max_workers: int | None = None,
                 max_body: int = DEFAULT_MAX_BODY, verbose: bool = False, code_api: bool = False,
                 jail=None, bwrap: str | None = None, jail_uid: int | None = None,
                 client_limits: ClientLimits | None = None):
        self.limits = limits or Limits()
        workers = max_workers or max(1, min(4, (os.cpu_count() or 2)))
        self.code_api = code_api
        self.jail = jail
        if code_api and jail is None:
            from .jail import BWRAP, Jail  # (raises JailUnavailable: before the port is taken)

            self.jail = Jail(bwrap or BWRAP, host_uid=jail_uid, limits=self.limits, concurrency=workers)
        super().__init__(address, Handler)
        self.slots = threading.BoundedSemaphore(workers)
        self.client_limits = client_limits or ClientLimits(jobs_per_client=max(1, workers // 2))
        self.clients = Clients(self.client_limits)
        self.max_body = max_body
        self.verbose = verbose
        # Built afresh (the shipped openapi.json is the same text; a test keeps them equal), so
        # that the served document always has the summary schema of this nncalc.
        self.openapi_bytes = openapi.text().encode("utf-8")
        self.assets = Assets()
        self.lingering = LingeringCloser()

    def run(self, filename: str, content: bytes, options: dict) -> dict:
        """One summary request: in the jail when the code API is on, else in the sandbox."""
        if self.jail is not None:
            return self.jail.run_request(filename, content, options, self.limits)
        return run_request(filename, content, options, self.limits)

    # connections: at most client_limits.connections threads, and a share per address
    def process_request(self, request, client_address):
        address = client_address[0]
        if not self.clients.connect(address):
            body = json.dumps({"error": "the calculator has too many connections (from your address, "
                                        "or in all); try again in a moment"}).encode()
            try:
                request.setblocking(False)  # what fits in the socket's buffer, without waiting
                request.send(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json"
                                b"\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
                                % (len(body), body))
            except OSError:
                pass
            self.lingering.close(request)  # closing with its request unread would reset it
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread could be started
            self.clients.disconnect(address)
            self.shutdown_request(request)
            raise

    def server_close(self):
        super().server_close()
        lingering = getattr(self, "lingering", None)  # None: __init__ failed before making it
        if lingering is not None:
            lingering.stop()

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.clients.disconnect(client_address[0])

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def serve(host: str = "127.0.0.1", port: int = 8000, **kwargs) -> int:
    """Run the calculator until interrupted (``nncalc serve``)."""
    import sys

    from .jail import JailUnavailable

    try:
        server = CalculatorServer((host, port), verbose=True, **kwargs)
    except JailUnavailable as error:  # --code-api where the jail cannot work
        print(f"nncalc: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # port in use, address not available, no permission
        print(f"nncalc: error: cannot serve on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 2
    print(f"nncalc web calculator on {server.url}/ (Ctrl+C stops it)", file=sys.stderr)
    if server.assets.pyodide is None:
        print(missing_note(), file=sys.stderr)
    if server.code_api:
        print("nncalc: note: the code API is on: each request's code runs in a bubblewrap jail "
              "(see README, Web calculator)", file=sys.stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("nncalc: note: anyone who can reach this address can use the calculator; put it "
              "behind a TLS reverse proxy (see README, Web calculator)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
