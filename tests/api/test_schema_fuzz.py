"""Schema-driven fuzzing of the whole API with schemathesis.

Every operation in the project's own OpenAPI schema gets a bounded number of generated requests,
authenticated as an agent and as a manager. No answer may be a 5xx, and documented responses must
match their schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts import services

# Token issuance is fuzzed too, but its per-account failure budget would make later examples 429.
EXCLUDED_PATHS = ("/api/v1/auth/token/",)


def _load_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = get_wsgi_application()
    loaded.location = "/api/schema/"
    return loaded.exclude(path=list(EXCLUDED_PATHS))


schema = _load_schema()


@pytest.fixture(autouse=True)
def keep_test_connection_open():
    """The WSGI handler closes the connection at request end (as in production); inside a test
    transaction that would drop the test database's connection, so do what Django's test client
    does and leave it open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["agent_a", "manager_a"])
def auth_headers(request, org):
    _token, key = services.api_token_create(user=org[request.param], name="fuzz")
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_never_fails_and_matches_its_schema(case, auth_headers):
    case.call_and_validate(headers=auth_headers, checks=[not_a_server_error, response_schema_conformance])
