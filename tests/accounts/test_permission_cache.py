"""The visible-client answer is cached per user; every write that can change it is seen at once.

Each test first asks (so the answer is cached), changes something, then asks again through a new
user object, as the next request would.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services
from accounts.models import ClientAssignment, ClientCompany, Role, Team, User
from accounts.permissions import can_see_client, visible_client_map, visible_clients
from tests.accounts.factories import ClientCompanyFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as the next request loads it."""
    return User.objects.get(pk=user.pk)


def test_the_answer_is_cached_after_the_first_question(org):
    agent = org["agent_a"]
    assert set(visible_client_map(agent)) == {org["client_a"].pk}
    with CaptureQueriesContext(connection) as ctx:
        assert can_see_client(fresh(agent), org["client_a"])
        assert not can_see_client(fresh(agent), org["client_b"])
    assert [q for q in ctx.captured_queries if "accounts_client" in q["sql"]] == []


def test_a_removed_assignment_is_seen_at_once(org):
    agent = org["agent_a"]
    assert can_see_client(agent, org["client_a"])
    ClientAssignment.objects.filter(user=agent, client=org["client_a"]).delete()
    assert not can_see_client(fresh(agent), org["client_a"])
    assert list(visible_clients(fresh(agent))) == []


def test_an_assignment_added_through_the_relation_is_seen_at_once(org):
    agent = org["agent_a"]
    assert not can_see_client(agent, org["client_b"])
    agent.clients.add(org["client_b"])
    assert can_see_client(fresh(agent), org["client_b"])
    agent.clients.remove(org["client_b"])
    assert not can_see_client(fresh(agent), org["client_b"])


def test_assignments_written_in_bulk_by_the_service_are_seen_at_once(org):
    agent = org["agent_a"]
    assert not can_see_client(agent, org["client_b"])
    services.user_assign_clients(user=agent, slugs=[org["client_b"].slug])
    assert can_see_client(fresh(agent), org["client_b"])


def test_a_deactivated_client_disappears_for_agents_but_not_for_admins(org):
    agent, admin, client = org["agent_a"], org["admin_user"], org["client_a"]
    assert can_see_client(agent, client) and can_see_client(admin, client)
    client.active = False
    client.save()
    assert not can_see_client(fresh(agent), client)
    assert can_see_client(fresh(admin), client)


def test_a_new_client_appears_for_the_admin_at_once(org):
    admin = org["admin_user"]
    before = set(visible_client_map(admin))
    new = ClientCompanyFactory(slug="sae-bank", name="새은행")
    assert set(visible_client_map(fresh(admin))) == before | {new.pk}


def test_an_agent_moved_to_another_team_leaves_the_old_managers_view(org):
    agent, old_manager, new_manager = org["agent_a"], org["manager_a"], org["manager_b"]
    assert can_see_client(old_manager, org["client_a"])
    assert not can_see_client(new_manager, org["client_a"])
    agent.team = org["team_b"]
    agent.save()
    assert not can_see_client(fresh(old_manager), org["client_a"])
    assert can_see_client(fresh(new_manager), org["client_a"])


def test_a_team_handed_to_another_manager_moves_its_clients_with_it(org):
    old_manager, new_manager = org["manager_a"], UserFactory(role=Role.MANAGER)
    assert can_see_client(old_manager, org["client_a"])
    team = org["team_a"]
    team.manager = new_manager
    team.save()
    assert not can_see_client(fresh(old_manager), org["client_a"])
    assert can_see_client(fresh(new_manager), org["client_a"])


def test_a_deleted_team_or_user_drops_the_answer(org):
    manager = org["manager_a"]
    assert can_see_client(manager, org["client_a"])
    org["agent_a"].delete()
    assert not can_see_client(fresh(manager), org["client_a"])
    other = TeamFactory(manager=org["manager_b"])
    UserFactory(team=other, clients=[org["client_a"]])
    assert can_see_client(fresh(org["manager_b"]), org["client_a"])
    other.delete()  # its members stay, without a team
    assert not can_see_client(fresh(org["manager_b"]), org["client_a"])


def test_a_role_change_or_deactivation_is_part_of_the_question(org):
    agent = org["agent_a"]
    assert not can_see_client(agent, org["client_b"])
    User.objects.filter(pk=agent.pk).update(role=Role.ADMIN)  # no signal: the key holds the role
    assert can_see_client(fresh(agent), org["client_b"])
    User.objects.filter(pk=agent.pk).update(role=Role.AGENT, is_active=False)
    assert visible_client_map(fresh(agent)) == {}
    assert not can_see_client(fresh(agent), org["client_a"])


def test_a_sign_in_does_not_drop_anybody_s_answer(org, client):
    manager = org["manager_a"]
    visible_client_map(manager)
    client.force_login(org["agent_b"])  # saves last_login only
    with CaptureQueriesContext(connection) as ctx:
        assert can_see_client(fresh(manager), org["client_a"])
    assert [q for q in ctx.captured_queries if "accounts_clientcompany" in q["sql"]] == []


def test_the_version_changes_again_when_the_transaction_commits(org, django_capture_on_commit_callbacks):
    from accounts.caches import PERMISSIONS

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        before = PERMISSIONS.current()
        ClientAssignment.objects.filter(user=org["agent_a"]).delete()
        during = PERMISSIONS.current()
    after = PERMISSIONS.current()
    assert before != during != after  # at once, and again after commit
    assert len(callbacks) >= 1


# --- Writes that send no signal: the querysets bump the version, nobody calls anything by hand ---


def test_a_stray_queryset_update_of_a_team_manager_is_seen_at_once(org):
    old_manager, new_manager = org["manager_a"], org["manager_b"]
    assert can_see_client(old_manager, org["client_a"])
    Team.objects.filter(pk=org["team_a"].pk).update(manager=new_manager)
    assert not can_see_client(fresh(old_manager), org["client_a"])
    assert can_see_client(fresh(new_manager), org["client_a"])


def test_assignments_bulk_created_directly_are_seen_at_once(org):
    agent = org["agent_a"]
    assert not can_see_client(agent, org["client_b"])
    ClientAssignment.objects.bulk_create([ClientAssignment(user=agent, client=org["client_b"])])
    assert can_see_client(fresh(agent), org["client_b"])


def test_a_client_deactivated_by_queryset_update_disappears_at_once(org):
    agent = org["agent_a"]
    assert can_see_client(agent, org["client_a"])
    ClientCompany.objects.filter(pk=org["client_a"].pk).update(active=False)
    assert not can_see_client(fresh(agent), org["client_a"])


def test_people_moved_between_teams_in_bulk_are_seen_at_once(org):
    agent, old_manager, new_manager = org["agent_a"], org["manager_a"], org["manager_b"]
    assert can_see_client(old_manager, org["client_a"])
    agent.team = org["team_b"]
    User.objects.bulk_update([agent], ["team"])
    assert not can_see_client(fresh(old_manager), org["client_a"])
    assert can_see_client(fresh(new_manager), org["client_a"])


def test_a_page_request_sees_an_assignment_made_earlier_in_the_same_test_client(org, as_user):
    agent = org["agent_a"]
    browser = as_user(agent)
    url = f"/knowledge/call/results/?client={org['client_b'].slug}&q=요금"
    assert browser.get(url, HTTP_HX_REQUEST="true").status_code == 404
    agent.clients.add(org["client_b"])
    assert browser.get(url, HTTP_HX_REQUEST="true").status_code == 200
    agent.clients.remove(org["client_b"])
    assert browser.get(url, HTTP_HX_REQUEST="true").status_code == 404


# --- The signed-in user is read from the cache too (accounts.backends) ------------------------


def test_a_signed_in_user_is_not_read_from_the_database_on_every_request(org, as_user):
    browser = as_user(org["agent_a"])
    assert browser.get("/knowledge/call/").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert browser.get("/knowledge/call/").status_code == 200
    assert [q for q in ctx.captured_queries if 'FROM "accounts_user"' in q["sql"]] == []


def test_a_deactivated_user_is_signed_out_at_their_next_request(org, as_user):
    agent = org["agent_a"]
    browser = as_user(agent)
    assert browser.get("/knowledge/call/").status_code == 200
    agent.is_active = False
    agent.save()
    response = browser.get("/knowledge/call/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_new_password_ends_the_other_sessions(org, client):
    from django.test import Client

    agent = org["agent_a"]
    client.force_login(agent)
    assert client.get("/knowledge/call/").status_code == 200
    other = Client()
    other.force_login(fresh(agent))
    changed = fresh(agent)
    changed.set_password("a-new-long-passphrase-2026")
    changed.save()
    response = client.get("/knowledge/call/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_deactivated_by_queryset_update_is_signed_out_at_their_next_request(org, as_user):
    browser = as_user(org["agent_a"])
    assert browser.get("/knowledge/call/").status_code == 200
    User.objects.filter(pk=org["agent_a"].pk).update(is_active=False)  # no signal, no by-hand call
    response = browser.get("/knowledge/call/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_deleted_user_is_signed_out(org, as_user):
    browser = as_user(org["agent_b"])
    assert browser.get("/knowledge/call/").status_code == 200
    org["agent_b"].delete()
    response = browser.get("/knowledge/call/")
    assert response.status_code == 302


# --- One client-visibility helper, two named contracts -----------------------------------------


def test_a_client_out_of_sight_is_none_or_404_by_the_helper_s_name(org):
    from django.http import Http404

    from accounts.permissions import visible_client_or_404, visible_client_or_none

    agent = org["agent_a"]
    assert visible_client_or_none(agent, org["client_a"].slug) == org["client_a"]
    assert visible_client_or_404(agent, org["client_a"].slug) == org["client_a"]
    for slug in (org["client_b"].slug, "no-such-client"):
        assert visible_client_or_none(agent, slug) is None
        with pytest.raises(Http404):
            visible_client_or_404(agent, slug)
