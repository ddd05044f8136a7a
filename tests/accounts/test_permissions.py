"""The one visibility rule: who sees which client companies."""

from __future__ import annotations

from accounts.permissions import can_see_client, managed_users, manages, visible_clients
from tests.accounts.factories import ClientCompanyFactory, UserFactory


def test_agent_sees_only_assigned_clients(org):
    assert list(visible_clients(org["agent_a"])) == [org["client_a"]]
    assert not can_see_client(org["agent_a"], org["client_b"])


def test_manager_sees_the_clients_of_their_teams(org):
    assert list(visible_clients(org["manager_a"])) == [org["client_a"]]
    assert list(visible_clients(org["manager_b"])) == [org["client_b"]]


def test_admin_sees_every_client_including_inactive(org):
    hidden = ClientCompanyFactory(slug="old-client", active=False)
    assert set(visible_clients(org["admin_user"])) == {org["client_a"], org["client_b"], hidden}


def test_inactive_client_disappears_for_agents(org):
    org["client_a"].active = False
    org["client_a"].save()
    assert list(visible_clients(org["agent_a"])) == []


def test_anonymous_and_inactive_users_see_nothing(org, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert list(visible_clients(AnonymousUser())) == []
    org["agent_a"].is_active = False
    assert list(visible_clients(org["agent_a"])) == []


def test_manager_manages_team_members_but_not_themselves_or_other_teams(org):
    assert manages(org["manager_a"], org["agent_a"])
    assert not manages(org["manager_a"], org["agent_b"])
    assert not manages(org["manager_a"], org["manager_a"])
    assert not manages(org["agent_a"], org["agent_a"])
    assert list(managed_users(org["agent_a"])) == []


def test_agent_serving_several_clients_sees_each(org):
    agent = UserFactory(clients=[org["client_a"], org["client_b"]])
    assert set(visible_clients(agent)) == {org["client_a"], org["client_b"]}
