"""Bulk downloads of a published year: CSV, xlsx and JSON with the dictionary and the
licence; the same figures as the API, withheld ones empty; bad input a 404 that says
why."""

import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from benchlearn.groups.services import programme_create
from tests.public.conftest import YEAR


def _get(path):
    return Client().get(path)


def test_the_data_page_lists_years_formats_dictionary_and_licence(published):
    page = _get("/portal/data/").content.decode()
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="/portal/data/{YEAR}.{fmt}"' in page
    assert "CC BY 4.0" in page and 'rel="license"' in page
    assert "<code>aggregate</code>" in page


def test_json_holds_results_dictionary_licence_and_agrees_with_the_api(published):
    response = _get(f"/portal/data/{YEAR}.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="benchlearn-{YEAR}.json"'
    data = json.loads(response.content)
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["computation"] == published.pk
    assert {e["column"] for e in data["dictionary"] if e["table"] == "results"} >= {
        "n",
        "median",
        "aggregate",
        "withheld",
    }
    rows = [r for r in data["results"] if r["indicator"] == "EDU_COST_PUPIL"]
    api = Client().get(
        "/api/v1/public/results", {"indicator": "EDU_COST_PUPIL", "year": YEAR, "by": "band"}
    )
    by_band = {r["class"]: r for r in rows if r["by"] == "band"}
    for row in api.json()["items"][1:]:
        assert by_band[row["class"]]["median"] == row["median"]
        assert by_band[row["class"]]["n"] == row["n"]
    for row in rows:
        assert row["withheld"] == 1 or row["n"] >= 5
        if row["withheld"]:
            assert [row[k] for k in ("n", "median", "q1", "q3", "aggregate")] == [None] * 5


def test_csv_opens_in_polish_excel(published):
    content = _get(f"/portal/data/{YEAR}.csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["indicator", "indicator_name", "unit_of_measure", "year"]
    total = next(r for r in rows[1:] if r[4] == "all")
    # n, and the median rounded to the indicator's decimals (none for EDU_COST_PUPIL)
    assert total[7] == "42" and total[8].isdigit()


def test_xlsx_has_results_units_dictionary_and_licence(published):
    book = load_workbook(io.BytesIO(_get(f"/portal/data/{YEAR}.xlsx").content))
    assert book.sheetnames == ["results", "units", "dictionary", "licence"]
    assert book["licence"]["A2"].value == "CC BY 4.0"
    withheld = [row for row in book["results"].iter_rows(min_row=2, values_only=True) if row[12]]
    assert withheld and all(row[7] is None for row in withheld)


def test_named_units_are_in_the_files_only_where_their_programme_agreed(published, group):
    unit = published.result_rows.first().unit
    group.units.add(unit)
    group.save(update_fields=["updated_at"])
    data = json.loads(_get(f"/portal/data/{YEAR}.json").content)
    assert data["units"] == []
    programme_create(
        name="Jawny", first_year=2024, last_year=2025, groups=[group], public_names=True
    )
    data = json.loads(_get(f"/portal/data/{YEAR}.json").content)
    assert [u["teryt"] for u in data["units"]] == [unit.teryt]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/portal/data/1999.csv", "The published results have no values for 1999."),
        (f"/portal/data/{YEAR}.pdf", "There is no download as “pdf”: choose csv, xlsx or json."),
    ],
)
def test_bad_downloads_are_not_found_with_a_sentence(published, path, message):
    response = _get(path)
    assert response.status_code == 404
    assert message in response.content.decode()


def test_nothing_to_download_before_publication(computed):
    assert _get(f"/portal/data/{YEAR}.csv").status_code == 404
    assert "Nothing is published yet." in _get("/portal/data/").content.decode()
