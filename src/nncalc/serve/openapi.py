"""The OpenAPI 3.1 description of the web calculator's API, shipped as ``serve/openapi.json``.

:func:`build` makes the document: the API below, with the summary's JSON schema
(``render/summary.schema.json``, the schema of ``--format json``) merged into
``components.schemas`` (its ``$defs`` become ``Summary_<name>``). The shipped file is
``build()``'s output (``python -m nncalc.serve.openapi > src/nncalc/serve/openapi.json``);
a test checks that the two agree.
"""

from __future__ import annotations

import json
import os

OPTIMIZERS = ["sgd", "sgd-momentum", "rmsprop", "adam", "adamw", "adafactor", "adagrad",
              "adadelta", "adamax", "nadam", "ftrl", "lion"]
FORMATS = ["markdown", "csv", "html", "explain"]
UPLOAD_EXTENSIONS = [".keras", ".h5", ".hdf5", ".json"]

OPTIONS = {
    "flops": {"type": "boolean", "default": False, "description": "MACs and FLOPs per layer (--flops)"},
    "flops_convention": {"type": "string", "enum": ["nncalc", "tf"], "default": "nncalc",
                         "description": "--flops-convention"},
    "memory": {"type": "boolean", "default": False, "description": "activation and memory estimates (--memory)"},
    "receptive_field": {"type": "boolean", "default": False, "description": "--receptive-field"},
    "batch_size": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 32,
                   "description": "batch size of the memory estimates (--batch-size)"},
    "optimizer": {"type": "string", "enum": OPTIMIZERS, "default": "adam",
                  "description": "optimizer of the training memory estimate (--optimizer)"},
    "lang": {"type": "string", "enum": ["en", "zh"], "default": "en",
             "description": "language of explanations and errors (--lang)"},
    "expand_nested": {"type": "boolean", "default": False, "description": "--expand-nested"},
    "show_trainable": {"type": "boolean", "default": False, "description": "--show-trainable"},
    "line_length": {"type": "integer", "minimum": 40, "maximum": 400,
                    "description": "table width (--line-length)"},
    "input_shape": {"type": "array", "maxItems": 16,
                    "items": {"type": "array", "minItems": 1, "maxItems": 8,
                              "items": {"type": ["integer", "null"], "minimum": 1, "maximum": 1000000000}},
                    "description": "model files only: each input's shape without the batch axis (--input-shape)"},
    "formats": {"type": "array", "maxItems": 4, "uniqueItems": True, "items": {"type": "string", "enum": FORMATS},
                "description": "other renderings to add to the answer"},
}

ERROR = {"type": "object", "required": ["error"], "additionalProperties": False,
         "properties": {"error": {"type": "string", "description": "one line, as `nncalc summary` prints it"}}}


def _request_schemas() -> dict:
    code = {"type": "object", "required": ["code"], "additionalProperties": False,
            "description": "Only when the server runs with `nncalc serve --code-api` (each request then "
                           "runs in a bubblewrap jail); otherwise the answer is 403: the page runs "
                           "pasted code in the browser.",
            "properties": {"code": {"type": "string", "maxLength": 1000000,
                                    "description": "a Keras script, run as `nncalc summary model.py` would run it"},
                           **OPTIONS}}
    upload = {"type": "object", "required": ["filename", "content_base64"], "additionalProperties": False,
              "properties": {"filename": {"type": "string", "minLength": 1, "maxLength": 200,
                                          "pattern": r"(?i)\.(keras|h5|hdf5|json)$",
                                          "description": "the file's name; its extension says how to read it"},
                             "content_base64": {"type": "string", "contentEncoding": "base64",
                                                "description": "the file, base64-encoded"},
                             **OPTIONS}}
    return {"CodeRequest": code, "FileRequest": upload}


def _summary_components() -> dict:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(here, "render", "summary.schema.json"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace('"#/$defs/', '"#/components/schemas/Summary_')
    schema = json.loads(text)
    defs = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    components = {"Summary": schema}
    components.update({f"Summary_{name}": value for name, value in defs.items()})
    return components


def build() -> dict:
    """The OpenAPI document."""
    from .. import __version__

    response = {"type": "object", "required": ["summary", "text"], "additionalProperties": False,
                "properties": {
                    "summary": {"$ref": "#/components/schemas/Summary"},
                    "text": {"type": "string", "description": "what `nncalc summary` prints (the Keras table)"},
                    "markdown": {"type": "string"}, "csv": {"type": "string"},
                    "html": {"type": "string"}, "explain": {"type": "string"}}}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "nncalc web calculator", "version": __version__,
                 "description": "Keras 3 model summaries (shapes, parameters, FLOPs, memory) and the "
                                "derivation of every figure, computed without TensorFlow. Model files "
                                "are parsed, never executed. Scripts (`code`) are accepted only by a "
                                "server started with --code-api, and each then runs in an OS jail "
                                "(bubblewrap: its own user, PID, network, IPC and mount namespaces, "
                                "an unprivileged uid, rlimits, seccomp)."},
        "paths": {
            "/api/summary": {"post": {
                "operationId": "summarize",
                "summary": "Summarize the models of a Keras script or a model file",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "oneOf": [{"$ref": "#/components/schemas/CodeRequest"},
                              {"$ref": "#/components/schemas/FileRequest"}]}}}},
                "responses": {
                    "200": {"description": "the summary", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/SummaryResponse"}}}},
                    "400": {"description": "malformed request", **error},
                    "411": {"description": "no Content-Length", **error},
                    "413": {"description": "request body too large", **error},
                    "403": {"description": "a script (`code`) sent to a server whose code API is "
                                           "off (the default; see `nncalc serve --code-api`)", **error},
                    "415": {"description": "not JSON", **error},
                    "422": {"description": "the model or script is wrong, or broke a limit", **error},
                    "500": {"description": "a bug in nncalc", **error},
                    "429": {"description": "too many requests from this client address (its rate, "
                                           "or one already running); retry after Retry-After seconds",
                            **error},
                    "503": {"description": "too many requests or connections at once; retry", **error},
                }}},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": {"description": "the OpenAPI document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {**_request_schemas(), "SummaryResponse": response, "Error": ERROR,
                                   **_summary_components()}},
    }


def text() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(text())
