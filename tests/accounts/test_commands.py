"""create_client, create_user, import_users and create_api_token."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken, ClientAssignment, ClientCompany, Role, Team, User


def test_create_client(db):
    call_command("create_client", "hanbit-card", "--name", "한빛카드")
    assert ClientCompany.objects.get(slug="hanbit-card").name == "한빛카드"


def test_create_client_refuses_a_bad_slug(db):
    with pytest.raises(CommandError, match="slug"):
        call_command("create_client", "not a slug", "--name", "X")
    assert not ClientCompany.objects.exists()


def test_create_user_agent_with_team_and_clients(org):
    call_command(
        "create_user",
        "new@dasan.test",
        "--name",
        "정하은",
        "--role",
        "agent",
        "--team",
        "상담9팀",
        "--clients",
        "hanbit-card,nuri-telecom",
        "--password",
        "s3cret-pass-word",
    )
    user = User.objects.get(email="new@dasan.test")
    assert user.role == Role.AGENT and user.team.name == "상담9팀"
    assert set(user.clients.values_list("slug", flat=True)) == {"hanbit-card", "nuri-telecom"}
    assert user.check_password("s3cret-pass-word")


def test_create_user_manager_manages_the_named_team(db):
    call_command(
        "create_user", "boss@dasan.test", "--name", "박팀장", "--role", "manager", "--team", "상담7팀"
    )
    manager = User.objects.get(email="boss@dasan.test")
    assert Team.objects.get(name="상담7팀").manager == manager
    assert not manager.has_usable_password()


def test_create_user_admin_reaches_the_admin_site(db):
    call_command("create_user", "root@dasan.test", "--name", "관리", "--role", "admin")
    admin = User.objects.get(email="root@dasan.test")
    assert admin.is_admin and admin.is_staff


def test_create_user_unknown_client_is_an_error_and_creates_nothing(org):
    before = User.objects.count()
    with pytest.raises(CommandError, match="unknown client no-such"):
        call_command(
            "create_user",
            "x@dasan.test",
            "--name",
            "엑스",
            "--role",
            "agent",
            "--clients",
            "hanbit-card,no-such",
        )
    assert User.objects.count() == before
    assert not Team.objects.filter(name="").exists()


def test_create_user_duplicate_email_is_an_error(org):
    with pytest.raises(CommandError, match="already in use"):
        call_command("create_user", "AGENT.A@dasan.test", "--name", "중복", "--role", "agent")


def test_import_users_creates_every_row(org, tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(
        "email,name,role,team,clients,employee_number,hire_date\n"
        "a1@dasan.test,김하나,agent,상담1팀,hanbit-card,X1,2024-03-02\n"
        "m1@dasan.test,이둘,manager,상담5팀,,X2,\n",
        encoding="utf-8",
    )
    call_command("import_users", str(path))
    assert User.objects.get(email="a1@dasan.test").clients.get().slug == "hanbit-card"
    assert Team.objects.get(name="상담5팀").manager.email == "m1@dasan.test"


def test_import_users_reads_cp949(org, tmp_path):
    path = tmp_path / "users.csv"
    path.write_bytes("email,name,role\nkr@dasan.test,한국어,agent\n".encode("cp949"))
    call_command("import_users", str(path))
    assert User.objects.get(email="kr@dasan.test").name == "한국어"


def test_import_users_with_bad_rows_creates_nothing_and_names_the_lines(org, tmp_path, capsys):
    path = tmp_path / "users.csv"
    path.write_text(
        "email,name,role,clients,hire_date\n"
        "ok@dasan.test,좋음,agent,hanbit-card,\n"
        "bad-email,나쁨,agent,,\n"
        "r@dasan.test,역할,boss,,\n"
        "c@dasan.test,고객,agent,nope,\n"
        "d@dasan.test,날짜,agent,,2024-13-40\n"
        "ok@dasan.test,중복,agent,,\n",
        encoding="utf-8",
    )
    before = (User.objects.count(), ClientAssignment.objects.count())
    with pytest.raises(CommandError, match="5 problem"):
        call_command("import_users", str(path))
    err = capsys.readouterr().err
    for line in ("line 3", "line 4", "line 5", "line 6", "line 7"):
        assert line in err or line.replace("line", "") in err
    assert (User.objects.count(), ClientAssignment.objects.count()) == before


def test_import_users_missing_columns(db, tmp_path):
    path = tmp_path / "users.csv"
    path.write_text("email\nx@dasan.test\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_users", str(path))
    assert not User.objects.exists()


def test_create_api_token_prints_a_working_key(org, capsys):
    call_command("create_api_token", "agent.a@dasan.test")
    key = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(key)).user == org["agent_a"]


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo")
    counts = (
        User.objects.count(),
        Team.objects.count(),
        ClientCompany.objects.count(),
        ClientAssignment.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        User.objects.count(),
        Team.objects.count(),
        ClientCompany.objects.count(),
        ClientAssignment.objects.count(),
    )
    assert User.objects.filter(role=Role.AGENT).count() == 20
    assert User.objects.filter(role=Role.MANAGER).count() == 2
    assert User.objects.filter(role=Role.ADMIN).count() == 1
    assert Team.objects.count() == 3 and ClientCompany.objects.count() == 4
