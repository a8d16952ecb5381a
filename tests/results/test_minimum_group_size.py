"""The programme's minimum group size for published figures: an exchange group with
fewer member units with data than its programme's minimum shows participants (and its
moderator) no median, quartiles or figures by form of delivery, and says why; at or
above the minimum they are shown; the office sees them always."""

import html as html_text
import statistics
from types import SimpleNamespace

import pytest

from benchlearn.groups.services import programme_create
from benchlearn.reports.documents import group_report_for, unit_report_for
from benchlearn.reports.documents.group_report import _group_document
from benchlearn.reports.documents.meeting_pack import _results as meeting_pack_results
from benchlearn.reports.documents.unit_report import _unit_document
from benchlearn.results.models import Result
from tests.conftest import client_for
from tests.results.test_pages import cell_texts, computed  # noqa: F401 - fixture

WITHHELD = "The group's statistics (median, quartiles, figures by form of delivery) are not shown"


@pytest.fixture
def in_programme(computed, group):  # noqa: F811 - fixture
    """The group (units A and B, both with data) in a programme asking for 3 units."""
    programme_create(name="Program 2024", first_year=2024, last_year=2025, groups=[group])
    group.refresh_from_db()
    return group.programme


def group_median(group, year=2024) -> str:
    values = Result.objects.filter(
        indicator__code="EDU_NET_COST", period=year, unit__in=group.units.all()
    ).values_list("value", flat=True)
    return f"{statistics.median([v for v in values if v is not None]):,.2f}"


def dashboard(user, unit, group) -> str:
    response = client_for(user).get(
        f"/units/{unit.teryt}/results/?group=exchange-{group.pk}&year=2024"
    )
    assert response.status_code == 200
    return html_text.unescape(response.content.decode())


def indicator_page(user, unit, group) -> str:
    response = client_for(user).get(
        f"/units/{unit.teryt}/results/EDU_NET_COST/?group=exchange-{group.pk}&year=2024"
    )
    assert response.status_code == 200
    return html_text.unescape(response.content.decode())


def test_a_group_below_the_minimum_shows_participants_why_and_no_median(
    computed,  # noqa: F811 - fixture
    in_programme,
    group,
    participant_a,
):
    unit_a = computed["unit_a"]
    html = dashboard(participant_a, unit_a, group)
    assert WITHHELD in html
    assert "GWD Oświata has data from 2 units, and the programme Program 2024 shows them " in html
    cells = cell_texts(html, ">Net cost per pupil<")
    assert cells[1] == "—" and group_median(group) not in html
    page = indicator_page(participant_a, unit_a, group)
    assert WITHHELD in page
    assert "By organisational form of delivery" not in page
    assert group_median(group) not in page


def test_the_moderators_group_report_has_no_statistics_below_the_minimum(
    in_programme, group, moderator
):
    report = group_report_for(moderator, group, year="2024")
    assert report.comparison.withheld.startswith(WITHHELD)
    assert all(item.stat is None or item.stat.median is None for item in report.indicators)


def test_at_the_minimum_the_statistics_are_shown(
    computed,  # noqa: F811 - fixture
    in_programme,
    group,
    participant_a,
):
    in_programme.min_group_size = 2
    in_programme.save(update_fields=["min_group_size"])
    unit_a = computed["unit_a"]
    html = dashboard(participant_a, unit_a, group)
    assert WITHHELD not in html
    assert cell_texts(html, ">Net cost per pupil<")[1] == group_median(group)
    assert "By organisational form of delivery" in indicator_page(participant_a, unit_a, group)


def test_the_office_sees_the_statistics_below_the_minimum(
    computed,  # noqa: F811 - fixture
    in_programme,
    group,
    operator,
):
    unit_a = computed["unit_a"]
    html = dashboard(operator, unit_a, group)
    assert WITHHELD not in html
    assert cell_texts(html, ">Net cost per pupil<")[1] == group_median(group)
    assert "By organisational form of delivery" in indicator_page(operator, unit_a, group)
    report = group_report_for(operator, group, year="2024")
    assert report.comparison.withheld == ""
    assert any(item.stat is not None and item.stat.median is not None for item in report.indicators)


def test_the_reports_say_why_below_the_minimum(
    computed,  # noqa: F811 - fixture
    in_programme,
    group,
    participant_a,
    moderator,
):
    unit_a = computed["unit_a"]
    unit = unit_report_for(participant_a, unit_a, choice=f"exchange-{group.pk}", year="2024")
    assert any(
        line.startswith(WITHHELD) for line in _unit_document(unit, title="t")["cover"]["subtitle"]
    )
    everyone = unit_report_for(participant_a, unit_a, choice="all", year="2024")
    assert not any(
        line.startswith(WITHHELD)
        for line in _unit_document(everyone, title="t")["cover"]["subtitle"]
    )
    report = group_report_for(moderator, group, year="2024")
    assert any(
        line.startswith(WITHHELD)
        for line in _group_document(report, title="t")["cover"]["subtitle"]
    )


def test_the_meeting_packs_results_say_why_below_the_minimum(in_programme, group, moderator):
    report = group_report_for(moderator, group, year="2024")
    pack = SimpleNamespace(results=report, no_results="")  # what _results reads of a pack
    assert WITHHELD in meeting_pack_results(pack)["intro"]
