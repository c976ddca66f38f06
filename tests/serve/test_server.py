"""The web calculator's API against a running server: the answers are what ``nncalc summary``
prints and real Keras counts; malformed requests get one-line JSON errors."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import time
import zipfile

import pytest

from nncalc.serve import openapi
from nncalc.serve.server import CODE_API_OFF, DRAIN_LIMIT, BadRequest, parse_request

from .conftest import BWRAP, ROOT, SEED, need_bwrap, nncalc_command


def test_seed_cnn_matches_keras_and_the_command(client, seed_code, keras_files):
    _, reference = keras_files
    status, _, answer = client.post({"code": seed_code})
    assert status == 200, answer
    model = answer["summary"]["models"][0]
    assert model["total_params"] == reference["seed_cnn"]["params"]  # real Keras: 8,593,034
    assert f"Total params: {reference['seed_cnn']['params']:,}" in answer["text"]
    assert answer["text"] == reference["seed_cnn"]["text"]  # Keras' own table, byte for byte
    assert answer["text"] == nncalc_command("summary", str(SEED)).stdout
    assert set(answer) == {"summary", "text"}


def test_options_are_the_command_options(client, seed_code):
    options = ["--flops", "--memory", "--receptive-field", "--batch-size", "8", "--optimizer", "sgd",
               "--lang", "zh", "--show-trainable"]
    body = {"code": seed_code, "flops": True, "memory": True, "receptive_field": True, "batch_size": 8,
            "optimizer": "sgd", "lang": "zh", "show_trainable": True, "formats": ["markdown", "csv", "explain"]}
    status, _, answer = client.post(body)
    assert status == 200, answer
    assert answer["text"] == nncalc_command("summary", str(SEED), *options).stdout
    as_json = json.loads(nncalc_command("summary", str(SEED), *options, "--format", "json").stdout)
    assert answer["summary"] == as_json
    assert answer["markdown"] == nncalc_command("summary", str(SEED), *options, "--format", "markdown").stdout
    assert answer["csv"] == nncalc_command("summary", str(SEED), *options, "--format", "csv").stdout
    assert answer["explain"] in nncalc_command("explain", str(SEED), *options).stdout
    assert answer["summary"]["models"][0]["analysis"]["memory"]["batch_size"] == 8


def config_only(path, out):
    """A copy of a .keras archive with only config.json and metadata.json (what the page sends)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for name in ("config.json", "metadata.json"):
            if name in source.namelist():
                target.writestr(name, source.read(name))
    return out


@pytest.mark.parametrize("where", ["plain_client", "client"])  # code API off (sandbox) / on (jail)
@pytest.mark.parametrize("name, model", [("seed_cnn.keras", "seed_cnn"), ("seed_cnn.json", "seed_cnn"),
                                         ("seed_mlp.h5", "seed_mlp"), ("seed_mlp.keras", "seed_mlp")])
def test_uploaded_files_are_read(request, where, keras_files, tmp_path, name, model):
    client = request.getfixturevalue(where)
    out, reference = keras_files
    path = out / name
    if name == "seed_cnn.keras":  # 34 MB of weights: too large to send whole
        path = config_only(path, tmp_path / name)
    content = base64.b64encode(path.read_bytes()).decode()
    status, _, answer = client.post({"filename": name, "content_base64": content, "flops": True})
    if name.endswith(".h5") and status == 422 and "h5py" in answer["error"]:
        pytest.skip("h5py is not installed")
    assert status == 200, answer
    assert answer["summary"]["models"][0]["total_params"] == reference[model]["params"]
    assert answer["text"] == nncalc_command("summary", str(out / name), "--flops").stdout


def test_a_whole_large_keras_file_is_refused_cleanly(client, keras_files, seed_code):
    out, _ = keras_files
    content = base64.b64encode((out / "seed_cnn.keras").read_bytes()).decode()
    status, _, answer = client.post({"filename": "seed_cnn.keras", "content_base64": content})
    assert status == 413 and "limit" in answer["error"]
    assert client.post({"code": seed_code})[0] == 200


@pytest.mark.parametrize("where", ["plain_client", "client"])
def test_lambda_in_a_file_is_never_run(request, where, keras_files):
    client = request.getfixturevalue(where)
    out, _ = keras_files
    content = base64.b64encode((out / "lambda.keras").read_bytes()).decode()
    status, _, answer = client.post({"filename": "lambda.keras", "content_base64": content})
    assert not (out / "lambda_ran").exists()
    expected = nncalc_command("summary", str(out / "lambda.keras"))
    if expected.returncode == 0:
        assert status == 200 and answer["text"] == expected.stdout
    else:
        assert status == 422 and answer == {"error": expected.stderr.strip().replace(str(out / "lambda.keras"), "lambda.keras")}
        assert "Lambda" in answer["error"]


def test_code_api_is_off_by_default(plain_client, seed_code, keras_files):
    status, _, answer = plain_client.post({"code": seed_code})
    assert status == 403 and answer == {"error": CODE_API_OFF}
    assert "browser" in answer["error"] and "--code-api" in answer["error"]
    out, reference = keras_files  # files are still read (parsed, never executed)
    content = base64.b64encode((out / "seed_cnn.json").read_bytes()).decode()
    status, _, answer = plain_client.post({"filename": "seed_cnn.json", "content_base64": content})
    assert status == 200 and answer["summary"]["models"][0]["total_params"] == reference["seed_cnn"]["params"]
    document = plain_client.get("/api/openapi.json")[2]
    summarize = document["paths"]["/api/summary"]["post"]
    assert "403" in summarize["responses"] and "429" in summarize["responses"]
    assert "--code-api" in document["components"]["schemas"]["CodeRequest"]["description"]


def test_script_errors_are_the_command_errors(client, tmp_path):
    code = "import keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(-3)])\n"
    status, _, answer = client.post({"code": code})
    path = tmp_path / "model.py"
    path.write_text(code)
    expected = nncalc_command("summary", "model.py", cwd=tmp_path)
    assert expected.returncode == 2
    assert status == 422 and answer == {"error": expected.stderr.strip()}


@pytest.mark.parametrize("body, status, message", [
    (b"{not json", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    ({"code": 1}, 400, "'code' must be a string"),
    ({}, 400, "send 'code'"),
    ({"code": "x", "flops": "yes"}, 400, "'flops' must be boolean"),
    ({"code": "x", "batch_size": 0}, 400, "'batch_size' must be between"),
    ({"code": "x", "batch_size": True}, 400, "'batch_size' must be integer"),
    ({"code": "x", "lang": "fr"}, 400, "'lang' must be one of"),
    ({"code": "x", "formats": ["pdf"]}, 400, "must be one of"),
    ({"code": "x", "surprise": 1}, 400, "unknown field 'surprise'"),
    ({"code": "x", "filename": "a.keras", "content_base64": ""}, 400, "not both"),
    ({"filename": "a.exe", "content_base64": ""}, 400, "must end in"),
    ({"filename": "a.keras", "content_base64": "***"}, 400, "not valid base64"),
    ({"filename": "a.keras", "content_base64": base64.b64encode(b"not a zip").decode()}, 422, "not a zip"),
    ({"filename": "m.json", "content_base64": base64.b64encode(b"{").decode()}, 422, "m.json"),
    ({"filename": "../../etc/m.h5", "content_base64": base64.b64encode(b"\x00" * 64).decode()}, 422, "m.h5"),
])
def test_malformed_requests(client, body, status, message):
    got, headers, answer = client.post(body)
    assert got == status, answer
    assert headers["Content-Type"].startswith("application/json")
    assert set(answer) == {"error"} and message in answer["error"] and "\n" not in answer["error"]


def test_parse_request_keeps_names_safe():
    name, content, options = parse_request(json.dumps({"filename": "dir/../we ird.keras",
                                                       "content_base64": "AAAA", "lang": "zh"}).encode())
    assert (name, content, options) == ("model.keras", b"\x00\x00\x00", {"lang": "zh"})
    with pytest.raises(BadRequest):
        parse_request(json.dumps({"code": "x", "input_shape": [[3]]}).encode())


def test_other_routes(client, server):
    status, headers, page = client.get("/")
    assert status == 200 and "<textarea" in page and "Content-Security-Policy" in headers
    assert client.get("/example.py")[2] == SEED.read_text(encoding="utf-8")
    assert client.get("/app.js")[0] == client.get("/style.css")[0] == 200
    assert client.get("/nope")[0] == 404
    assert client.get("/../../etc/passwd")[0] == 404
    status, headers, answer = client.get("/api/summary")
    assert status == 405 and "error" in answer
    assert client.get("/api/nothing")[0] == 404
    status, _, document = client.get("/api/openapi.json")
    assert status == 200 and document == openapi.build()


def test_shipped_openapi_file_is_current():
    shipped = (ROOT / "src" / "nncalc" / "serve" / "openapi.json").read_text(encoding="utf-8")
    assert shipped == openapi.text(), "regenerate: python -m nncalc.serve.openapi > src/nncalc/serve/openapi.json"


def read_all(conn) -> str:
    """Everything the server sends until it closes the connection (as it does after these errors)."""
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


def test_oversized_and_lengthless_bodies(server, client, seed_code):
    with socket.create_connection(server.server_address[:2], timeout=10) as conn:
        conn.sendall(b"POST /api/summary HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % (DRAIN_LIMIT + 1))  # not even read
        reply = read_all(conn)
    assert reply.startswith("HTTP/1.1 413") and '"error"' in reply
    with socket.create_connection(server.server_address[:2], timeout=10) as conn:
        conn.sendall(b"POST /api/summary HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = read_all(conn)
    assert reply.startswith("HTTP/1.1 411") and '"error"' in reply
    status, _, answer = client.post(b'{"code": "' + b"#" * (server.max_body + 10) + b'"}')
    assert status == 413 and "limit" in answer["error"]
    status, _, answer = client.request("POST", "/api/summary", b"code=1", {"Content-Type": "text/plain"})
    assert status == 415
    assert client.post({"code": seed_code})[0] == 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_command(*args: str):
    """``nncalc serve --port P ARGS`` in a child process, once it answers; (process, client)."""
    from .conftest import Client

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nncalc", "serve", "--port", str(port), *args],
                            stderr=subprocess.PIPE, text=True)
    client = Client(f"http://127.0.0.1:{port}")
    for _ in range(600):
        try:
            client.get("/")
            return proc, client
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.terminate()
    raise AssertionError(f"nncalc serve did not start: {proc.stderr.read()}")


def test_nncalc_serve_command(seed_code, keras_files):
    out, reference = keras_files
    proc, client = start_command()
    try:
        assert client.get("/")[0] == 200
        assert client.post({"code": seed_code})[:3:2] == (403, {"error": CODE_API_OFF})
        content = base64.b64encode((out / "seed_cnn.json").read_bytes()).decode()
        answer = client.post({"filename": "seed_cnn.json", "content_base64": content})[2]
        assert answer["summary"]["models"][0]["total_params"] == reference["seed_cnn"]["params"]
        port = client.url.rsplit(":", 1)[1]
        busy = nncalc_command("serve", "--port", port)  # the port is taken: one line, exit 2
        assert busy.returncode == 2 and busy.stderr.startswith("nncalc: error: cannot serve on")
        assert len(busy.stderr.strip().splitlines()) == 1
    finally:
        proc.terminate()
        proc.wait(10)
    assert "127.0.0.1" in proc.stderr.read()


@pytest.mark.jail
def test_nncalc_serve_code_api_command(seed_code):
    need_bwrap()
    proc, client = start_command("--code-api", "--bwrap", BWRAP)
    try:
        status, _, answer = client.post({"code": seed_code})
        assert status == 200 and answer["summary"]["models"][0]["name"] == "sequential"
    finally:
        proc.terminate()
        proc.wait(10)
    assert "bubblewrap jail" in proc.stderr.read()


def test_code_api_refuses_to_start_without_bubblewrap(tmp_path):
    missing = tmp_path / "no-bwrap"
    done = nncalc_command("serve", "--port", str(free_port()), "--code-api", "--bwrap", str(missing))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("nncalc: error: --code-api needs bubblewrap")
    assert str(missing) in done.stderr and len(done.stderr.strip().splitlines()) == 1
    (tmp_path / "fake").write_text("#!/bin/sh\nexit 1\n")  # a bwrap that cannot make a jail
    (tmp_path / "fake").chmod(0o755)
    done = nncalc_command("serve", "--port", str(free_port()), "--code-api", "--bwrap", str(tmp_path / "fake"))
    assert done.returncode == 2 and done.stderr.startswith("nncalc: error: --code-api needs a working bubblewrap jail")
    assert len(done.stderr.strip().splitlines()) == 1


def test_import_of_the_cli_does_not_import_the_server():
    code = "import sys, nncalc.cli; print(any(m.startswith('nncalc.serve') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
