"""The office's programme report: meetings held against the plan per group, attendance
per seat level and unit, seats empty; the .xlsx read back and checked against a hand
count; the office only (participants and moderators refused)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from benchlearn.groups.programme_report import programme_report
from benchlearn.groups.services import group_create, programme_create, seat_fill
from benchlearn.units.models import Level, Unit
from tests.conftest import client_for, load_units
from tests.groups.cycle import hold, plan

S, M, OP = Level.STRATEGIC, Level.MIDDLE, Level.OPERATIONAL
MORE_TERYTS = ("0201011", "0201022", "0216043", "0216053", "0216062", "0201032")


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def funded(programme, group, unit_a, unit_b, unit_c, operator, moderator):
    """The group of A and B (cycle 2025–2026: all eight meetings dated in the past), two
    of them held; a group of C alone, nothing planned. Seats: A strategic, B operational,
    C middle.

    By hand — group 1: 2 held of 8 due, 6 behind; attendance A 3 of 6, B 2 of 6, strategic
    3 of 4, middle 1 of 4, operational 1 of 4, all 5 of 12; seats 2 of 6 filled. Group 2:
    nothing due or held, no attendance; 1 of 3 seats filled. Programme: 6 of 9 empty."""
    small = group_create(
        name="GWD Zieleń", service="Zieleń", cycle_start=2025, moderator=moderator, units=[unit_c]
    )
    funded = programme_create(
        name="Doskonalenie zarządzania usługami publicznymi 2026–2027",
        first_year=2025,
        last_year=2026,
        groups=[group, small],
    )
    meetings = plan(group, moderator)
    hold(meetings[0], moderator, [(unit_a, S), (unit_a, M), (unit_b, OP)], absent=[(unit_b, M)])
    hold(meetings[1], moderator, [(unit_a, S), (unit_b, S)])
    seat_fill(group=group, unit=unit_a, level=S, user=programme["participant_a"], by=operator)
    seat_fill(group=group, unit=unit_b, level=OP, user=programme["participant_b"], by=operator)
    seat_fill(group=small, unit=unit_c, level=M, user=programme["stranger"], by=operator)
    return funded


def _pairs(rates):
    return [(rate.present, rate.expected) for rate in rates]


def test_the_report_counts_meetings_attendance_and_seats_as_by_hand(funded, group, unit_a):
    report = programme_report(funded)
    first, second = report.groups  # by name: "GWD Oświata", "GWD Zieleń"
    assert first.group == group
    assert (first.plan, first.planned, first.due, first.held, first.behind) == (8, 8, 8, 2, 6)
    assert _pairs(first.levels) == [(3, 4), (1, 4), (1, 4)]
    assert (first.attendance.present, first.attendance.expected) == (5, 12)
    assert (first.seats_filled, first.seats_total, first.seats_empty) == (2, 6, 4)
    assert (second.planned, second.due, second.held, second.behind) == (0, 0, 0, 0)
    assert second.attendance.percent is None
    assert (second.seats_filled, second.seats_empty) == (1, 2)
    assert (report.plan, report.held, report.due) == (16, 2, 8)
    assert (report.seats_empty, report.seats_total) == (6, 9)
    assert [(r.present, r.expected) for _label, r in report.levels] == [(3, 4), (1, 4), (1, 4)]
    a = report.units[0]
    assert a.unit == unit_a
    assert _pairs(a.levels) == [(2, 2), (1, 2), (0, 2)]
    assert a.empty_levels == ["middle management", "operational (service delivery)"]


def test_the_page_shows_the_figures(funded, group, programme):
    html = client_for(programme["operator"]).get(f"/groups/programmes/{funded.pk}/report/")
    assert html.status_code == 200
    text = html.content.decode()
    start = text.index(f'<tr data-group="{group.pk}">')
    row = text[start : text.index("</tr>", start)]
    assert "2 / 8" in row and "6 behind" in row
    assert '<td class="num" data-rate>42 %</td>' in row
    assert '<td class="num" data-empty>4 / 6</td>' in row
    assert "<strong>6</strong> of 9 seats empty" in text
    assert f'href="/groups/programmes/{funded.pk}/report.xlsx"' in text
    # Reached from the programmes' list.
    listing = client_for(programme["operator"]).get("/groups/programmes/").content.decode()
    assert f'href="/groups/programmes/{funded.pk}/report/"' in listing


def test_the_xlsx_holds_the_hand_counted_figures(funded, programme, unit_a, unit_b, unit_c):
    response = client_for(programme["operator"]).get(f"/groups/programmes/{funded.pk}/report.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="programme-{funded.pk}-' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Groups", "Units", "Levels"]

    groups = [[cell.value for cell in row] for row in book["Groups"].iter_rows()]
    header = groups[0]
    first = dict(zip(header, groups[1], strict=True))
    assert first["Group"] == "GWD Oświata" and first["Cycle"] == "2025–2026"
    assert first["Moderator"] == "Marek Moderator"
    assert (first["Member units"], first["Meetings in the plan"], first["Meetings held"]) == (
        2,
        8,
        2,
    )
    assert first["Meetings behind the plan"] == 6
    assert first["Attendance"] == pytest.approx(5 / 12)
    assert first["Attendance: strategic (leadership)"] == pytest.approx(0.75)
    assert first["Attendance: middle management"] == pytest.approx(0.25)
    assert (first["Seats filled"], first["Seats"], first["Seats empty"]) == (2, 6, 4)
    second = dict(zip(header, groups[2], strict=True))
    assert second["Group"] == "GWD Zieleń"
    assert second["Attendance"] is None and second["Seats empty"] == 2
    assert book["Groups"].cell(row=2, column=header.index("Attendance") + 1).number_format == (
        "0.0%"
    )

    units = [[cell.value for cell in row] for row in book["Units"].iter_rows()]
    by_teryt = {row[2]: dict(zip(units[0], row, strict=True)) for row in units[1:]}
    a = by_teryt[unit_a.teryt]
    assert (a["Present: strategic (leadership)"], a["Present: middle management"]) == (2, 1)
    assert a["Present: operational (service delivery)"] == 0
    assert (a["Seats expected"], a["Attendance"], a["Seats empty"]) == (6, 0.5, 2)
    assert by_teryt[unit_b.teryt]["Attendance"] == pytest.approx(2 / 6)
    assert by_teryt[unit_b.teryt]["Empty seats"] == "strategic (leadership), middle management"
    c = by_teryt[unit_c.teryt]
    assert (c["Group"], c["Seats expected"], c["Attendance"]) == ("GWD Zieleń", 0, None)

    levels = [[cell.value for cell in row] for row in book["Levels"].iter_rows()]
    assert levels[1:] == [
        ["strategic (leadership)", 3, 4, 0.75],
        ["middle management", 1, 4, 0.25],
        ["operational (service delivery)", 1, 4, 0.25],
        ["All levels", 5, 12, pytest.approx(5 / 12)],
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("operator", 200),
        ("moderator", 403),
        ("participant_a", 403),
        ("participant_b", 403),
        ("stranger", 403),
        ("nobody", 403),
    ],
)
def test_the_office_only(funded, programme, role, status):
    client = client_for(programme[role])
    assert client.get(f"/groups/programmes/{funded.pk}/report/").status_code == status
    assert client.get(f"/groups/programmes/{funded.pk}/report.xlsx").status_code == status


def test_an_unknown_programme_is_404_for_the_office(programme):
    response = client_for(programme["operator"]).get("/groups/programmes/987654/report/")
    assert response.status_code == 404
    assert "987654" in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_report_makes_the_same_queries_for_one_small_group_or_two_larger(
    programme, operator, moderator, django_assert_max_num_queries
):
    load_units(*MORE_TERYTS)
    more = list(Unit.objects.filter(teryt__in=MORE_TERYTS).order_by("teryt"))
    small = programme_create(
        name="Mały",
        first_year=2025,
        last_year=2026,
        groups=[
            group_create(
                name="G1", service="x", cycle_start=2025, moderator=moderator, units=more[:2]
            )
        ],
    )
    large_groups = [
        group_create(name="G2", service="x", cycle_start=2025, moderator=moderator, units=more[:4]),
        group_create(name="G3", service="x", cycle_start=2025, moderator=moderator, units=more[2:]),
    ]
    large = programme_create(name="Duży", first_year=2025, last_year=2026, groups=large_groups)
    for group in [*small.groups.all(), *large_groups]:
        meetings = plan(group, moderator)
        hold(meetings[0], moderator, [(unit, S) for unit in group.units.all()])
        for unit in group.units.all():
            seat_fill(group=group, unit=unit, level=M, user=programme["stranger"], by=operator)
    client = client_for(operator)
    for programme_ in (small, large):
        client.get(f"/groups/programmes/{programme_.pk}/report/")  # the session's first queries
    small_url = f"/groups/programmes/{small.pk}/report/"
    large_url = f"/groups/programmes/{large.pk}/report/"
    assert _queries(client, small_url) == _queries(client, large_url)
    assert _queries(client, small_url.replace("report/", "report.xlsx")) == _queries(
        client, large_url.replace("report/", "report.xlsx")
    )
    with django_assert_max_num_queries(15):
        client.get(large_url)


def test_the_office_finds_the_reports_from_its_start_page(programme):
    start = client_for(programme["operator"]).get("/").content.decode()
    assert 'href="/groups/programmes/"' in start
    assert "reports on meetings, attendance and seats" in start
