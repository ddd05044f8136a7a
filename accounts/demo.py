"""Demo data for accounts: teams, clients, managers, agents and an admin. Idempotent."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from . import services
from .models import ClientCompany, Role, Team, User

DEMO_PASSWORD = "dasan-demo-2026"  # noqa: S105 (printed for the demo on purpose)

CLIENTS = [
    ("hanbit-card", "한빛카드"),
    ("nuri-telecom", "누리텔레콤"),
    ("baro-mall", "바로마켓"),
    ("dunde-insurance", "든든손해보험"),
]

TEAMS = [
    ("상담1팀", ["hanbit-card", "dunde-insurance"]),
    ("상담2팀", ["nuri-telecom", "baro-mall"]),
    ("상담3팀", ["hanbit-card", "baro-mall"]),
]

MANAGERS = [
    ("manager1@dasan.example", "박지현", ["상담1팀", "상담3팀"]),
    ("manager2@dasan.example", "최동욱", ["상담2팀"]),
]

AGENT_NAMES = [
    "김민지",
    "이서준",
    "정하은",
    "강도윤",
    "조수아",
    "윤지호",
    "장예린",
    "임시우",
    "한유진",
    "오건우",
    "서지아",
    "신현우",
    "권나연",
    "황준서",
    "안소율",
    "송민재",
    "류하린",
    "홍태윤",
    "전다은",
    "고은호",
]


@transaction.atomic
def seed(stdout=None) -> list[tuple[str, str]]:
    """Create the demo organisation; returns the logins worth printing."""
    for slug, name in CLIENTS:
        services.client_create(slug=slug, name=name)
    teams = {name: Team.objects.get_or_create(name=name)[0] for name, _clients in TEAMS}
    team_clients = dict(TEAMS)

    logins: list[tuple[str, str]] = []
    if not User.objects.filter(email="admin@dasan.example").exists():
        services.user_create(
            services.UserSpec(
                email="admin@dasan.example",
                name="관리자",
                role=Role.ADMIN,
                password=DEMO_PASSWORD,
                employee_number="D0001",
                clients=[s for s, _n in CLIENTS],
            )
        )
    logins.append(("admin@dasan.example", "admin"))
    for i, (email, name, team_names) in enumerate(MANAGERS, start=2):
        manager = User.objects.filter(email=email).first() or services.user_create(
            services.UserSpec(
                email=email,
                name=name,
                role=Role.MANAGER,
                password=DEMO_PASSWORD,
                employee_number=f"D{i:04d}",
                hire_date=date(2019, 3, 2),
                position="과장",
                job_title="팀장",
                extension=f"40{i:02d}",
            )
        )
        for team_name in team_names:
            Team.objects.filter(pk=teams[team_name].pk).update(manager=manager)
        logins.append((email, "manager"))
    team_names = list(teams)
    for i, name in enumerate(AGENT_NAMES, start=1):
        email = f"agent{i}@dasan.example"
        if User.objects.filter(email=email).exists():
            continue
        team_name = team_names[(i - 1) % len(team_names)]
        services.user_create(
            services.UserSpec(
                email=email,
                name=name,
                role=Role.AGENT,
                team=team_name,
                password=DEMO_PASSWORD,
                employee_number=f"A{i:04d}",
                phone=f"010-{1000 + i:04d}-{2000 + i:04d}",
                hire_date=date(2021 + i % 4, 1 + i % 12, 1 + i % 27),
                position=("사원", "주임", "대리")[i % 3],
                extension=f"4{i:03d}",
                clients=team_clients[team_name],
            )
        )
    logins += [("agent1@dasan.example", "agent"), ("agent2@dasan.example", "agent")]
    assert ClientCompany.objects.count() >= len(CLIENTS)
    return logins
