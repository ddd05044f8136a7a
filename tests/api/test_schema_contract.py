"""Issue 18: the OpenAPI schema says what the API really returns."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def document():
    return SchemaGenerator().get_schema(request=None, public=True)


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_times_are_declared_as_the_hh_mm_they_are_returned_as(document):
    overtime = document["components"]["schemas"]["Overtime"]["properties"]
    for name in ("end_time", "start_time"):
        assert overtime[name].get("format") != "time"
        assert overtime[name]["pattern"].startswith("^([01][0-9]|2[0-3]):[0-5][0-9]")
    assert not [n for n in _walk(document) if n.get("format") == "time"]


def test_decided_by_and_transition_by_are_nullable(document):
    schemas = document["components"]["schemas"]
    assert schemas["Overtime"]["properties"]["decided_by"]["nullable"] is True
    assert schemas["Transition"]["properties"]["by"]["nullable"] is True


def test_every_operation_documents_its_errors(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "429"):
                assert status in operation["responses"], f"{method.upper()} {path} lacks {status}"


@pytest.mark.django_db
def test_an_unmatched_api_url_is_a_json_404(client, org):
    client.force_login(org["agent_a"])
    response = client.post("/api/v1/bookclub/loans/null,null/renew/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
