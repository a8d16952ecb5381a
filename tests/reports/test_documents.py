"""PDF reports, and the pages' tables as .xlsx and .csv, opened by the people of the
programme: a participant, the moderator, an operator, and those who must be refused.

The group "GWD Duża" (units A, B and the five extra gminas, moderated by the moderator)
is anonymised: its report names no unit but the viewer's own.
"""

import csv
import datetime
import io
import re
from pathlib import Path

import openpyxl
import pypdf
import pytest
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from benchlearn.background.queue import abandoned_recover
from benchlearn.charts import BarItem
from benchlearn.groups.services import group_create
from benchlearn.reports import documents
from benchlearn.reports.models import Document, DocumentState
from benchlearn.results.models import Result
from benchlearn.results.selectors import IndicatorInfo, unit_indicator_codes
from benchlearn.results.services import computation_request, computation_run
from benchlearn.units.models import Unit
from tests.conftest import client_for
from tests.results.conftest import (  # noqa: F401 - fixtures used by these tests
    computed_programme,
    extra_units,
    published,
)


def reported(group) -> int:
    """The indicators a group's report has a page for: those of its members' rounds."""
    return len(unit_indicator_codes(*group.units.all()))


@pytest.fixture
def computed(computed_programme, operator, moderator):  # noqa: F811 - a fixture
    units = computed_programme["units"]
    big = group_create(
        name="GWD Duża", service="Oświata", cycle_start=2025, moderator=moderator, units=units
    )
    big.anonymised = True
    big.save(update_fields=["anonymised"])
    computation = computation_run(computation_request(user=operator).pk)
    return {**computed_programme, "big": big, "computation": computation}


def queued_documents() -> list:
    """The documents' tasks waiting in the dummy backend (which keeps them)."""
    return [t for t in task_backends["default"].results if t.task.name == "document_task"]


def made(response):
    """The PDF a download link leads to: the link queues the document and leads to its
    page; once the queued task has run, the page links to the file."""
    assert response.status_code == 302, response.content[:300]
    page = response.client.get(response["Location"])
    assert "hx-trigger" in page.content.decode()  # the page follows the work
    for queued in queued_documents():
        queued.task.call(*queued.args, **queued.kwargs)
    page = response.client.get(response["Location"]).content.decode()
    link = re.search(r'href="(/documents/\d+/file)"', page)
    assert link, page
    return response.client.get(link[1])


def pdf_text(response) -> tuple[str, int]:
    response = made(response) if response.status_code == 302 else response
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def data_version(computed) -> str:
    computed["computation"].refresh_from_db()
    return computed["computation"].data_version


def test_group_report_as_the_moderator_names_no_unit(computed, moderator):
    big = computed["big"]
    response = client_for(moderator).get(f"/groups/{big.pk}/report.pdf?year=2024")
    text, pages = pdf_text(response)
    # The cover, the summary, the indicators of the members' rounds (3 of the 5
    # computed, on one page) and the appendix.
    assert pages == 4 and reported(big) == 3
    assert text.index("Group report: GWD Duża, 2024") < text.index("Summary")
    assert text.index("Summary") < text.index("Net cost per pupil") < text.index("Appendix")
    assert f"data version {data_version(computed)}" in text
    assert "page 1 of 4" in text
    for unit in computed["units"]:
        assert unit.name not in text
    assert "Net cost per pupil" in text and "Gap to the median" in text


def test_group_report_as_a_participant_names_only_their_unit(computed, participant_a):
    big, unit_a = computed["big"], computed["unit_a"]
    text, _pages = pdf_text(client_for(participant_a).get(f"/groups/{big.pk}/report.pdf"))
    assert unit_a.name in text
    assert "Your unit" in text  # the chart's label of the own bar
    for unit in computed["units"]:
        if unit != unit_a:
            assert unit.name not in text


def test_the_summary_of_a_participant_names_its_largest_change(computed, participant_a):
    """Computed from the stored results: the unit's largest change from 2023 to 2024
    (in per cent of the 2023 value) among the indicators of the report comes first."""
    big, unit_a = computed["big"], computed["unit_a"]
    codes = unit_indicator_codes(*big.units.all())
    stored = {
        (code, period): value
        for code, period, value in Result.objects.filter(
            unit=unit_a, period__in=[2023, 2024], indicator__code__in=codes
        ).values_list("indicator__code", "period", "value")
    }
    changes = {
        code: abs(stored[(code, 2024)] - stored[(code, 2023)]) / abs(stored[(code, 2023)])
        for code in codes
        if stored.get((code, 2024)) is not None
        and stored.get((code, 2023))
        and stored[(code, 2024)] != stored[(code, 2023)]
    }
    assert changes
    largest = max(changes, key=changes.get)
    name = computed_name(largest)
    text, _pages = pdf_text(client_for(participant_a).get(f"/groups/{big.pk}/report.pdf"))
    summary = text[text.index("Summary") : text.index("Appendix")]
    changes_part = summary[summary.index("Largest changes from 2023") :]
    assert name in changes_part
    assert all(
        changes_part.index(name) <= changes_part.index(computed_name(code))
        for code in changes
        if computed_name(code) in changes_part
    )
    assert "Strongest positions" in summary and "Weakest positions" in summary


def computed_name(code: str) -> str:
    from benchlearn.catalogue.models import IndicatorVersion

    version = IndicatorVersion.objects.filter(indicator__code=code).order_by("-number").first()
    return version.name_en or version.name_pl


def test_group_report_as_an_operator_names_every_unit(computed, operator):
    big = computed["big"]
    text, pages = pdf_text(client_for(operator).get(f"/groups/{big.pk}/report.pdf?year=2023"))
    assert pages == 4
    assert "2023" in text
    for unit in computed["units"]:
        assert unit.name in text


def test_group_report_ranks_and_values(computed, operator):
    """The table's first row of a lower-better indicator is the lowest value."""
    big = computed["big"]
    lowest = (
        Result.objects.filter(
            indicator__code="EDU_NET_COST", period=2024, unit__in=computed["units"]
        )
        .exclude(value=None)
        .order_by("value")
        .first()
    )
    text, _pages = pdf_text(client_for(operator).get(f"/groups/{big.pk}/report.pdf?year=2024"))
    name = Unit.objects.get(pk=lowest.unit_id).name
    assert f"1 {name}" in text


def test_group_report_in_polish(computed, moderator, settings):
    settings.LANGUAGE_CODE = "pl"
    big = computed["big"]
    text, _pages = pdf_text(client_for(moderator).get(f"/groups/{big.pk}/report.pdf"))
    assert "Raport grupy: GWD Duża, 2024" in text
    assert "wersja danych" in text and "strona 1 z" in text


@pytest.mark.parametrize("role", ["stranger", "nobody"])
def test_people_outside_the_group_are_refused(computed, programme, group, role):
    """GWD Oświata has units A and B: unit C's participant is not in it."""
    # As for a group that does not exist: nobody learns which groups there are.
    assert client_for(programme[role]).get(f"/groups/{group.pk}/report.pdf").status_code == 404


def test_participant_b_opens_the_small_group(computed, participant_b, group, unit_b):
    text, pages = pdf_text(client_for(participant_b).get(f"/groups/{group.pk}/report.pdf"))
    assert pages == 4
    assert "GWD Oświata" in text and unit_b.name in text


def test_unknown_group_and_year_give_a_clear_page(computed, moderator, operator):
    big = computed["big"]
    client = client_for(moderator)
    response = client.get(f"/groups/{big.pk}/report.pdf?year=1999")
    assert response.status_code == 404
    assert "has no results for 1999" in response.content.decode()
    response = client_for(operator).get("/groups/99999/report.pdf")
    assert response.status_code == 404
    assert "There is no exchange group number 99999 that you may open" in response.content.decode()


def test_a_group_created_after_the_computation_has_no_results_yet(computed, operator, unit_a):
    late = group_create(
        name="Spóźniona", service="Oświata", cycle_start=2025, moderator=None, units=[unit_a]
    )
    response = client_for(operator).get(f"/groups/{late.pk}/report.pdf")
    assert response.status_code == 404
    assert "no results for the group Spóźniona yet" in response.content.decode()


def test_unit_report(computed, participant_a):
    unit_a = computed["unit_a"]
    response = client_for(participant_a).get(
        f"/units/{unit_a.teryt}/results/report.pdf?group=all&year=2024"
    )
    response = made(response)
    text, pages = pdf_text(response)
    assert unit_a.name in text
    assert f"data version {data_version(computed)}" in text
    assert f"page 1 of {pages}" in text
    assert "Net cost per pupil" in text
    # The cover, the summary, then by domain its table and its indicators' charts, and
    # the methodology.
    assert pages >= 4
    assert text.index("Results of Bielsko-Biała, 2024") < text.index("Summary")
    assert text.index("Strongest positions") < text.index("Weakest positions")
    assert text.index("Largest changes from 2023") < text.index("Position")
    assert text.index("Position") < text.index("Appendix: how the figures are computed")
    # A bar chart of every indicator of the unit's sets with values, the unit's bar
    # labelled with its value in the drawing itself.
    with_values = set(
        Result.objects.filter(period=2024, indicator__code__in=unit_indicator_codes(unit_a))
        .exclude(value=None)
        .values_list("indicator__code", flat=True)
    )
    assert len(with_values) >= 2 and text.count("◄ Your unit") == len(with_values)
    stored = Result.objects.get(indicator__code="EDU_NET_COST", unit=unit_a, period=2024).value
    assert f"◄ Your unit: {stored:,.2f}" in text
    assert "Your unit: rank" in text  # each chart's one-sentence description
    # Satisfaction has no value in the comparison: skipped, not drawn as an empty chart
    # (results.selectors.coverage_of).
    assert "No unit of this group has a value in this year." not in text
    assert "Satisfaction in 2024" not in text
    named = [line for line in text.splitlines() if "Satisfaction" in line]
    assert len(named) == 1 and "2024" in named[0], named  # named in one line
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert all(list(page.images) == [] for page in reader.pages)


def test_unit_report_of_a_large_group_draws_the_units_its_table_lists():
    """Over LARGE_GROUP units, as the indicator page cuts its table: the best and the
    weakest AROUND and AROUND on either side of the unit; the description still counts
    the whole group."""
    info = IndicatorInfo(
        *("X", "Cost", "zł", 1, "higher", "efficiency", "efficiency", "EDU", "Education"),
        *("A / B", "A", "B", "", 1, 1),
    )
    bars = [BarItem(f"U{i}", 1000.0 - i, own=i == 50) for i in range(100)]
    item = documents.unit_report._unit_indicator(info, None, bars, 2024, "all units")
    assert item.cut and item.units == 100
    drawn = item.chart.spec["data"]["values"]
    assert len(drawn) == len(item.chart.table.rows) == 10 + 21 + 10
    assert [row.cells[0] for row in item.chart.table.rows][-1] == "100"
    assert "rank 51 of 100" in item.chart.description
    small = documents.unit_report._unit_indicator(info, None, bars[:60], 2024, "all units")
    assert not small.cut and len(small.chart.spec["data"]["values"]) == 60


@pytest.mark.parametrize("role", ["stranger", "nobody", "participant_b"])
def test_unit_report_refuses_others(computed, programme, role):
    unit_a = computed["unit_a"]
    response = client_for(programme[role]).get(f"/units/{unit_a.teryt}/results/report.pdf")
    assert response.status_code == 404


def test_dashboard_table_as_xlsx(computed, participant_a):
    unit_a = computed["unit_a"]
    response = client_for(participant_a).get(
        f"/units/{unit_a.teryt}/results/table.xlsx?group=all&year=2024&sort=catalogue"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    net = rows["EDU_NET_COST"]
    stored = Result.objects.get(indicator__code="EDU_NET_COST", unit=unit_a, period=2024).value
    assert net[3].value == pytest.approx(stored)
    assert net[3].number_format == "#,##0.00"  # the indicator's two decimals
    assert isinstance(net[7].value, int)  # the rank


def test_indicator_table_as_xlsx_and_csv(computed, participant_a):
    unit_a = computed["unit_a"]
    base = f"/units/{unit_a.teryt}/results/EDU_NET_COST/table"
    client = client_for(participant_a)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}.xlsx?group=all").content))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Rank", "Unit", "Value"]
    first = [cell for cell in sheet[2]]
    assert first[0].value == 1
    assert first[3].number_format == "0.0%"
    response = client.get(f"{base}.csv?group=all")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Rank", "Unit", "Value"]
    assert len(rows) == 1 + sheet.max_row - 1
    own = next(row for row in rows if row[1] == unit_a.name)
    stored = Result.objects.get(indicator__code="EDU_NET_COST", unit=unit_a, period=2024).value
    assert own[2] == f"{stored:.2f}".replace(".", ",")


def test_domain_profile_table_as_xlsx_and_csv(computed, participant_a):
    unit_a = computed["unit_a"]
    base = f"/units/{unit_a.teryt}/results/domains/EDU/table"
    client = client_for(participant_a)
    page = client.get(f"/units/{unit_a.teryt}/results/domains/EDU/?group=all&year=2024")
    assert f"{base}.xlsx?group=all&amp;year=2024" in page.content.decode()
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{base}.xlsx?group=all&year=2024").content)
    ).active
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
    net = rows["EDU_NET_COST"]
    stored = Result.objects.get(indicator__code="EDU_NET_COST", unit=unit_a, period=2024).value
    everyone = Result.objects.filter(indicator__code="EDU_NET_COST", period=2024).exclude(
        value=None
    )
    cheaper = everyone.filter(value__lt=stored).count()  # lower is better: rank = 1 + cheaper
    assert net[3] == pytest.approx(stored) and net[4] == 1 + cheaper
    assert net[5] == everyone.count()
    text = client.get(f"{base}.csv?group=all&year=2024").content.decode("utf-8-sig")
    assert "EDU_NET_COST;" in text and f"{stored:.2f}".replace(".", ",") in text


def test_efficiency_table_as_xlsx_and_csv(computed_programme, operator):  # noqa: F811
    from benchlearn.results.models import EfficiencyScore
    from benchlearn.results.services import efficiency_model_save

    model = efficiency_model_save(
        user=operator,
        code="edu-cost",
        name_pl="Koszt oświaty",
        inputs=["EDU_EXP"],
        outputs=["TEACHERS"],
        rts="crs",
        orientation="input",
        reference="all",
    )
    computation = computation_run(computation_request(user=operator).pk)
    unit_a = computed_programme["unit_a"]
    base = f"/units/{unit_a.teryt}/efficiency/{model.code}/table"
    client = client_for(operator)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{base}.xlsx?group=all&year=2024").content)
    ).active
    assert [cell.value for cell in sheet[1]][:2] == ["Unit", "Efficiency"]
    # (Names may repeat: Bolesławiec the town and the rural gmina.)
    scores = sorted(
        (s.unit.name, round(s.score, 9))
        for s in EfficiencyScore.objects.filter(computation=computation, model=model, period=2024)
    )
    listed = [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=2)]
    assert sorted((name, round(score, 9)) for name, score in listed) == scores
    assert [score for _name, score in listed] == sorted(
        (score for _name, score in listed), reverse=True
    )
    assert sheet["B2"].number_format == "#,##0.000"
    text = client.get(f"{base}.csv?group=all&year=2024").content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Unit;Efficiency;")


def test_tables_refuse_others_and_unknown_formats(computed, stranger):
    unit_a = computed["unit_a"]
    client = client_for(stranger)
    assert client.get(f"/units/{unit_a.teryt}/results/table.csv").status_code == 404
    # No such download: Django's APPEND_SLASH redirect to a page that does not exist.
    assert client.get(f"/units/{unit_a.teryt}/results/table.pdf").status_code in (301, 404)


def test_a_document_is_for_the_person_who_asked_only(computed, moderator, operator):
    big = computed["big"]
    asker = client_for(moderator)
    page = asker.get(f"/groups/{big.pk}/report.pdf")["Location"]
    assert asker.get(page).status_code == 200
    # Asked again while being made: the same document, queued once.
    assert asker.get(f"/groups/{big.pk}/report.pdf")["Location"] == page
    assert len(queued_documents()) == 1
    made(asker.get(f"/groups/{big.pk}/report.pdf"))
    other = client_for(operator)  # who may read the group, but did not ask
    for url in (page, f"{page}file", "/documents/99999/", "/documents/99999/file"):
        assert other.get(url).status_code == 404
    assert asker.get(f"{page}file").status_code == 200


def test_documents_are_kept_a_day(computed, moderator):
    big = computed["big"]
    client = client_for(moderator)
    made(client.get(f"/groups/{big.pk}/report.pdf"))
    old = Document.objects.get()
    assert Path(old.path).exists()
    Document.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    made(client.get(f"/groups/{big.pk}/report.pdf?year=2023"))
    assert list(Document.objects.values_list("year", flat=True)) == ["2023"]
    assert not Path(old.path).exists()


def test_a_document_whose_worker_died_twice_fails_with_a_message(computed, moderator, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    big = computed["big"]
    client = client_for(moderator)
    page = client.get(f"/groups/{big.pk}/report.pdf")["Location"]
    Document.objects.update(state=DocumentState.RUNNING)
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["gone-1", "gone-2"])
    assert abandoned_recover() == 1
    shown = client.get(page).content.decode()
    assert "The document could not be made: ask for it again." in shown
    assert "hx-trigger" not in shown


def test_a_site_restored_elsewhere_serves_and_discards_its_own_copy(
    computed, moderator, settings, tmp_path
):
    big = computed["big"]
    client = client_for(moderator)
    settings.DOCUMENTS_DIR = first = tmp_path / "first"
    made(client.get(f"/groups/{big.pk}/report.pdf"))
    (original,) = first.iterdir()
    # Restored from a backup into another folder (a restore drill beside the site):
    settings.DOCUMENTS_DIR = second = tmp_path / "second"
    second.mkdir()
    (second / original.name).write_bytes(b"%PDF the restored copy")
    document = Document.objects.get()
    assert client.get(f"/documents/{document.pk}/file").content == b"%PDF the restored copy"
    Document.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    made(client.get(f"/groups/{big.pk}/report.pdf?year=2023"))
    assert not (second / original.name).exists()
    assert original.exists()  # the first site's file is left alone
