"""The directory: search as Korean directories are searched, 직급/직책, 내선번호, photo, today's
status — personal details only for those allowed — the team tree, and the import's new columns."""

from __future__ import annotations

import io
from datetime import time, timedelta
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts import services
from accounts.models import Team, User
from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _names(response) -> list[str]:
    return [row["person"].name for row in response.context["rows"]]


def test_initial_consonants_find_the_name(as_user, org):
    c = as_user(org["agent_b"])
    assert _names(c.get(reverse("accounts:directory"), {"q": "ㄱㅁㅈ"})) == ["김민지"]
    assert _names(c.get(reverse("accounts:directory"), {"q": "김ㅁ"})) == ["김민지"]
    assert "김민지" not in _names(c.get(reverse("accounts:directory"), {"q": "ㅇㅅㅈ"}))


def test_search_by_client_extension_and_rank(as_user, org):
    org["agent_a"].extension = "4021"
    org["agent_a"].position = "주임"
    org["agent_a"].save(update_fields=["extension", "position"])
    c = as_user(org["agent_b"])
    assert _names(c.get(reverse("accounts:directory"), {"q": "한빛카드"})) == ["김민지"]
    assert _names(c.get(reverse("accounts:directory"), {"q": "4021"})) == ["김민지"]
    assert "김민지" in _names(c.get(reverse("accounts:directory"), {"q": "주임"}))


def test_mobile_number_and_status_only_for_team_managers_and_admins(client, org):
    agent = org["agent_a"]
    agent.phone = "010-1234-5678"
    agent.extension = "4021"
    agent.save(update_fields=["phone", "extension"])
    teammate = UserFactory(team=agent.team, name="정하늘")

    def page_as(user):
        client.force_login(user)
        return client.get(reverse("accounts:profile", args=[agent.pk])).content.decode()

    for allowed in (agent, teammate, org["manager_a"], org["admin_user"]):
        page = page_as(allowed)
        assert "010-1234-5678" in page and 'class="badge' in page and "status" in page, allowed
    for other in (org["agent_b"], org["manager_b"]):
        page = page_as(other)
        assert "010-1234-5678" not in page, other
        assert "4021" in page  # the desk extension is for everyone
        assert "status" not in page.split("<table", 1)[0]


def test_status_reads_leave_remote_and_overtime(org):
    from wellbeing.models import AwayDay, AwayKind, OvertimeRequest, RequestState
    from wellbeing.selectors import DayStatus, day_statuses

    agent, other, third = org["agent_a"], org["agent_b"], UserFactory()
    monday_10 = timezone.make_aware(timezone.datetime(2026, 12, 7, 10, 0))
    AwayDay.objects.create(user=agent, date=monday_10.date(), kind=AwayKind.LEAVE)
    AwayDay.objects.create(user=other, date=monday_10.date(), kind=AwayKind.REMOTE)
    statuses = day_statuses(users=[agent, other, third], now=monday_10)
    assert statuses == {agent.pk: DayStatus.LEAVE, other.pk: DayStatus.REMOTE, third.pk: DayStatus.WORKING}
    OvertimeRequest.objects.create(
        user=third,
        date=monday_10.date(),
        start_time=time(18, 0),
        end_time=time(20, 0),
        reason="정산",
        state=RequestState.APPROVED,
    )
    evening = monday_10 + timedelta(hours=9)  # 19:00
    assert day_statuses(users=[third], now=evening)[third.pk] == DayStatus.OVERTIME
    assert day_statuses(users=[third], now=monday_10 + timedelta(hours=13))[third.pk] == DayStatus.OFF


def _png(width=1000, height=600) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 200)).save(buffer, "PNG")
    return SimpleUploadedFile("얼굴.png", buffer.getvalue(), content_type="image/png")


def test_a_photo_is_resized_to_a_square_and_served_to_staff_only(client, as_user, org):
    agent = org["agent_a"]
    response = as_user(agent).post(reverse("accounts:profile", args=[agent.pk]), {"photo": _png()})
    assert response.status_code == HTTPStatus.FOUND
    agent.refresh_from_db()
    served = client.get(reverse("accounts:photo", args=[agent.pk]))
    assert served.status_code == HTTPStatus.OK and served["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as image:
        assert image.size == (services.PHOTO_SIZE, services.PHOTO_SIZE)
    client.logout()
    assert client.get(reverse("accounts:photo", args=[agent.pk])).status_code == HTTPStatus.FOUND


def test_nobody_changes_someone_elses_photo_and_bad_files_change_nothing(as_user, org):
    agent = org["agent_a"]
    c = as_user(org["agent_b"])
    assert c.post(reverse("accounts:profile", args=[agent.pk]), {"photo": _png()}).status_code == 403
    c = as_user(agent)
    bad = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    response = c.post(reverse("accounts:profile", args=[agent.pk]), {"photo": bad}, follow=True)
    assert "This file is not a photo we can read." in response.content.decode()
    agent.refresh_from_db()
    assert agent.photo == ""


def test_team_tree_nests_teams_under_their_centre(as_user, org):
    centre = Team.objects.create(name="고객센터 1본부")
    Team.objects.filter(pk__in=[org["agent_a"].team_id, org["agent_b"].team_id]).update(parent=centre)
    page = as_user(org["agent_a"]).get(reverse("accounts:teams"))
    tree = page.context["tree"]
    root = next(node for node in tree if node["team"] == centre)
    assert {child["team"].name for child in root["children"]} == {"상담1팀", "상담2팀"}
    assert "박지현" in page.content.decode()  # the manager is shown


def test_import_takes_rank_post_and_extension_and_refuses_a_bad_extension(db):
    good = "email,name,role,position,job_title,extension\nnew@dasan.test,한지우,agent,사원,,4102\n".encode()
    [user] = services.users_import_csv(data=good)
    assert (user.position, user.extension, user.name_initials) == ("사원", "4102", "ㅎㅈㅇ")
    bad = "email,name,role,extension\nnext@dasan.test,오세린,agent,내선없음\n".encode()
    with pytest.raises(services.ImportRejected) as exc:
        services.users_import_csv(data=bad)
    assert "extension" in str(exc.value.errors[0])
    assert not User.objects.filter(email="next@dasan.test").exists()
