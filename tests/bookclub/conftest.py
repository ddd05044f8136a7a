from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from bookclub.models import LIBRARIAN_GROUP
from tests.accounts.factories import UserFactory


@pytest.fixture
def librarian(db):
    user = UserFactory(name="사서", email="librarian@dasan.test")
    Group.objects.get_or_create(name=LIBRARIAN_GROUP)[0].user_set.add(user)
    return user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
