"""The API keeps to its OpenAPI description: schemathesis generates requests from it, and
answers to known requests are validated against its schemas with jsonschema."""

from __future__ import annotations

import base64

import pytest

from nncalc.serve import openapi

try:
    import schemathesis
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - the test extra installs it
    schemathesis = None


def validator(component: str):
    """A jsonschema validator of ``#/components/schemas/<component>`` of the document."""
    import jsonschema

    document = openapi.build()
    return jsonschema.Draft202012Validator({**document, "$ref": f"#/components/schemas/{component}"})


def test_document_is_valid_json_schema():
    import jsonschema

    document = openapi.build()
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    assert document["openapi"].startswith("3.")


def test_answers_match_the_schemas(client, seed_code):
    responses = validator("SummaryResponse")
    errors = validator("Error")
    status, _, answer = client.post({"code": seed_code, "flops": True, "memory": True, "receptive_field": True,
                                     "formats": openapi.FORMATS, "lang": "zh"})
    assert status == 200
    responses.validate(answer)
    requests = validator("CodeRequest")
    requests.validate({"code": seed_code, "flops": True, "formats": ["csv"]})
    for body in ({"code": "import os"}, {"code": 5}, {"filename": "x.keras", "content_base64": base64.b64encode(b"x").decode()},
                 {"code": "while True: pass"}):
        status, _, answer = client.post(body)
        assert status in (400, 422)
        errors.validate(answer)


@pytest.mark.parametrize("where", ["server", "plain_server"])  # code API on (jail) / off (403)
def test_api_conforms_to_openapi(request, where):
    """Requests generated from the document (valid and invalid ones) get documented answers.

    (Schemathesis' pytest plugin does not work with this pytest; its Hypothesis strategies do.)
    """
    server = request.getfixturevalue(where)
    if schemathesis is None:  # pragma: no cover - the test extra installs it
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    from hypothesis import given
    from schemathesis import GenerationMode
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    schema = schemathesis.openapi.from_url(server.url + "/api/openapi.json")
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            def check(case):
                # A script can be valid JSON and still a wrong model (422): the API documents that,
                # so schemathesis' "valid data is accepted" check does not apply.
                case.call_and_validate(timeout=60, excluded_checks=[positive_data_acceptance])

            check()
            checked.append((operation.method.upper(), operation.path, str(mode)))
    assert ("POST", "/api/summary", "negative") in checked, checked
