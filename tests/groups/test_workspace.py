"""The moderator's workspace of a group: seats filled and empty per member unit, the
members' data in the open rounds (state, warnings, last change); the moderator and the
office open it, the group's participants are refused, others see no such page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchlearn.collection.models import Submission
from benchlearn.collection.services import submission_submit
from benchlearn.groups.services import group_create, seat_fill
from benchlearn.meetings.services import action_add
from benchlearn.units.models import Level, Unit
from tests.collection.conftest import COMPLETE, PERIOD, make_round, published, save  # noqa: F401
from tests.conftest import client_for, load_units
from tests.groups.cycle import hold, plan

MORE_TERYTS = ("0201011", "0201022", "0216043", "0216053", "0216062", "0201032")


def page(client, group):
    response = client.get(f"/groups/{group.pk}/workspace/")
    assert response.status_code == 200
    return response.content.decode()


def row_of(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</tr>", start)]


def test_the_moderator_sees_seats_filled_and_empty_per_unit(programme, group, unit_a, unit_b):
    seat_fill(
        group=group,
        unit=unit_a,
        level=Level.STRATEGIC,
        user=programme["participant_a"],
        by=programme["operator"],
    )
    html = page(client_for(programme["moderator"]), group)
    assert "1 of 6 seats filled." in html
    a = row_of(html, f'<tr data-unit="{unit_a.teryt}">')
    assert "<td data-filled>1</td>" in a
    assert '<strong class="bad">2</strong>' in a
    assert "middle management, operational (service delivery)" in a
    b = row_of(html, f'<tr data-unit="{unit_b.teryt}">')
    assert "<td data-filled>0</td>" in b and '<strong class="bad">3</strong>' in b


def test_the_moderator_sees_each_members_data_state_warnings_and_last_change(
    published,  # noqa: F811
    programme,
    group,
    unit_a,
    unit_b,
    operator,
):
    last_year = make_round(operator, [unit_a, unit_b], period=PERIOD - 1)
    assert save(
        Submission.objects.get(round=last_year, unit=unit_a), operator, {"EDU_EXP": "100 000"}
    ).ok
    round_ = make_round(operator, [unit_a, unit_b])
    submission_a = Submission.objects.get(round=round_, unit=unit_a)
    # Ten times last year's: a warning for the moderator to ask about.
    entries = {code: (text, "nowa szkoła") for code, text in COMPLETE.items()}
    assert save(submission_a, programme["participant_a"], entries).ok
    submission_a.refresh_from_db()
    submission_submit(
        submission=submission_a,
        user=programme["participant_a"],
        base_revision=submission_a.revision,
    )
    submission_a.refresh_from_db()

    html = page(client_for(programme["moderator"]), group)
    assert round_.name in html
    a = row_of(html, f'data-unit="{unit_a.teryt}" data-round="{round_.pk}"')
    assert 'data-state="submitted"' in a and "submitted" in a
    assert '<span class="warning">1</span>' in a
    assert submission_a.last_activity_at is not None
    b = row_of(html, f'data-unit="{unit_b.teryt}" data-round="{round_.pk}"')
    assert 'data-state="draft"' in b and "<td data-warnings>0</td>" in b and "never" in b
    assert "1 of 2 members have sent their data." in html


def test_a_member_outside_the_round_is_marked_so(
    published,  # noqa: F811
    programme,
    group,
    unit_a,
    operator,
):
    round_ = make_round(operator, [unit_a])
    html = page(client_for(programme["moderator"]), group)
    assert "not in this round" in html
    assert f'data-unit="{unit_a.teryt}" data-round="{round_.pk}"' in html


def test_without_open_rounds_the_page_says_so(programme, group):
    assert "No collection round asking the members for data is open." in page(
        client_for(programme["operator"]), group
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("operator", 200),
        ("moderator", 200),
        ("participant_a", 403),
        ("participant_b", 403),
        ("stranger", 404),
        ("nobody", 404),
    ],
)
def test_who_opens_the_workspace(programme, group, role, status):
    response = client_for(programme[role]).get(f"/groups/{group.pk}/workspace/")
    assert response.status_code == status


def test_a_participant_is_refused_and_sees_no_link(programme, group):
    client = client_for(programme["participant_a"])
    response = client.get(f"/groups/{group.pk}/workspace/")
    assert response.status_code == 403
    assert "workspace" not in client.get(f"/groups/{group.pk}/").content.decode()
    assert "/workspace/" not in client.get("/").content.decode()


def test_the_start_page_and_the_group_page_lead_the_moderator_there(programme, group):
    client = client_for(programme["moderator"])
    link = f'href="/groups/{group.pk}/workspace/"'
    assert link in client.get("/").content.decode()
    assert link in client.get(f"/groups/{group.pk}/").content.decode()


def _queries(client, group) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, group)
    return len(queries)


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_workspace_makes_the_same_queries_for_2_or_8_units(
    published,  # noqa: F811
    programme,
    units,
    operator,
    moderator,
    django_assert_max_num_queries,
):
    load_units(*MORE_TERYTS)
    more = list(Unit.objects.filter(teryt__in=MORE_TERYTS))
    small = group_create(
        name="Mała", service="Oświata", cycle_start=2025, moderator=moderator, units=more[:2]
    )
    large = group_create(
        name="Duża", service="Oświata", cycle_start=2025, moderator=moderator, units=more
    )
    round_ = make_round(operator, more)
    for unit in more:
        submission = Submission.objects.get(round=round_, unit=unit)
        assert save(submission, operator, {"EDU_EXP": "100"}).ok
        seat_fill(
            group=large, unit=unit, level=Level.MIDDLE, user=programme["stranger"], by=operator
        )
    for group in (small, large):
        meetings = plan(group, moderator)
        members = list(group.units.all())
        hold(meetings[0], moderator, [(unit, level) for unit in members for level in Level.values])
        for unit in members:
            action_add(
                meeting=meetings[0],
                by=moderator,
                kind="action",
                text=f"Zadanie {unit.name}",
                owner=moderator,
                due=datetime.date(2025, 6, 30),
            )
    client = client_for(moderator)
    page(client, small)  # the session's first queries out of the way
    assert _queries(client, small) == _queries(client, large)
    with django_assert_max_num_queries(30):
        page(client, large)
