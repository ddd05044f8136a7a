"""Top-level use cases commit on their own: `transaction.atomic(durable=True)`."""

import pytest
from django.db import transaction

from accounts import services
from accounts.models import ApiToken

from .factories import UserFactory


@pytest.mark.django_db
def test_a_durable_use_case_refuses_to_run_inside_another_transaction():
    user = UserFactory()
    token, _key = services.api_token_create(user=user, name="laptop")
    # A caller that wraps it would make its commit (and its on-commit notices) depend on the caller.
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.api_token_revoke(user=user, token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
