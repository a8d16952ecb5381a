"""Bulk downloads of a published year (reads): every published indicator's averaged
results by class, as the portal and the API give them, and the values of the units
named by agreement; as CSV, xlsx and JSON, each with the data dictionary and the
licence (CC BY 4.0). Built from one read of the year and kept per publication, so a
year is served in well under the two seconds ``bench/bench_portal.py`` holds it to.

Headers are machine names (stable for scripts); the dictionary explains each in Polish
and English. The CSV follows the site's CSV files (UTF-8 with a byte-order mark, ``;``
between fields, decimal commas, rounded to the indicator's decimals: what Excel in
Polish opens); xlsx and JSON keep the unrounded numbers.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from benchlearn.engine.io.spreadsheet_cells import xlsx_cell
from benchlearn.public.catalogue import PublicIndicator, public_indicators
from benchlearn.public.figures import (
    DIMENSIONS,
    Publication,
    Rules,
    YearFigures,
    public_rules,
    publication,
    published_years,
    year_all_figures,
)
from benchlearn.public.keeping import remembered
from benchlearn.public.pages import class_label, ordered, publication_or_404
from benchlearn.reports.exports import CSV_TYPE, XLSX_TYPE, Column, Sheet, to_csv

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.pl"
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE, "json": "application/json"}

# The columns of the results table: machine name, and its meaning (translated when
# the dictionary is written, in Polish and English alike).
RESULT_COLUMNS = [
    ("indicator", gettext_noop("the indicator's code")),
    ("indicator_name", gettext_noop("the indicator's name (Polish)")),
    ("unit_of_measure", gettext_noop("the indicator's unit of measure")),
    ("year", gettext_noop("the year of the data")),
    ("by", gettext_noop("the classes: all (all units), kind, band (population) or voivodeship")),
    ("class", gettext_noop("the class's code within “by”")),
    ("label", gettext_noop("the class's name (Polish)")),
    ("n", gettext_noop("units with a value; empty where withheld")),
    ("median", gettext_noop("median of the units' values (Excel's MEDIAN)")),
    ("q1", gettext_noop("lower quartile (Excel's QUARTILE.INC)")),
    ("q3", gettext_noop("upper quartile (Excel's QUARTILE.INC)")),
    ("aggregate", gettext_noop("ratio of sums: Σ numerator / Σ denominator of the units")),
    ("withheld", gettext_noop("1 when disclosure control withholds the class's figures")),
]
UNIT_COLUMNS = [
    ("indicator", gettext_noop("the indicator's code")),
    ("year", gettext_noop("the year of the data")),
    ("teryt", gettext_noop("the unit's TERYT code")),
    ("unit", gettext_noop("the unit's name")),
    ("kind", gettext_noop("the unit's kind")),
    ("value", gettext_noop("the unit's value of the indicator")),
]
NOTE = gettext_noop(
    "Averaged results of the published computation. A class's figures are withheld when "
    "fewer than %(min)s units stand behind them, when one unit makes up more than "
    "%(share)s%% of the aggregate's numerator, or when they would let a withheld figure "
    "be worked out. Units are named only where their programme agreed. Licence: "
    "%(licence)s (%(url)s): use freely, naming the source."
)


@dataclass(frozen=True)
class BulkYear:
    year: int
    computation: int
    published_at: str
    note_pl: str
    note_en: str
    results: list[dict[str, Any]]
    decimals: list[int]  # each result row's indicator's
    units: list[dict[str, Any]]
    unit_decimals: list[int]
    indicators: list[dict[str, Any]]


def download_years() -> tuple[Publication | None, list[int]]:
    """The published computation and the years with published results."""
    pub = publication()
    if pub is None:
        return None, []
    return pub, sorted({y for years in published_years(pub).values() for y in years})


def bulk_file(year: int, fmt: str) -> bytes:
    """A published year's file in ``fmt`` (one of FORMATS; 404 with a sentence for a
    year without results), kept per publication and public settings."""
    if fmt not in FORMATS:
        raise Http404(
            _("There is no download as “%(format)s”: choose csv, xlsx or json.")
            % {"format": fmt[:10]}
        )
    pub = publication_or_404()
    return remembered(
        (*pub.key, "bulk-file", public_rules().fingerprint, year, fmt),
        lambda: _encoded(bulk_year(year), fmt),
        lambda data: len(data) + 100,
    )


def bulk_year(year: int) -> BulkYear:
    """A published year's tables (404 with a sentence for a year without results)."""
    pub = publication_or_404()
    indicators = public_indicators()
    ids = {item.indicator.pk: code for code, item in indicators.items()}
    years = published_years(pub)
    if not any(year in years.get(pk, []) for pk in ids):
        raise Http404(_("The published results have no values for %(year)s.") % {"year": year})
    rules = public_rules()
    with_year = {pk: code for pk, code in ids.items() if year in years.get(pk, [])}
    return remembered(
        (*pub.key, "bulk", rules.fingerprint, year),
        lambda: _tables(pub, year, year_all_figures(pub, year, with_year), indicators, rules),
        lambda bulk: 300 * (len(bulk.results) + len(bulk.units)) + 10_000,
    )


def _tables(
    pub: Publication,
    year: int,
    figures: list[YearFigures],
    indicators: dict[str, PublicIndicator],
    rules: Rules,
) -> BulkYear:
    results: list[dict[str, Any]] = []
    decimals: list[int] = []
    units: list[dict[str, Any]] = []
    with translation.override("pl"):
        for table in figures:
            item = indicators[table.indicator]
            for by, figure in [
                ("all", table.total),
                *((d, f) for d in DIMENSIONS for f in ordered(table, d)),
            ]:
                results.append(
                    {
                        "indicator": item.code,
                        "indicator_name": item.version.name_pl,
                        "unit_of_measure": item.version.unit,
                        "year": year,
                        "by": by,
                        "class": figure.key,
                        "label": class_label(figure.dimension, figure.key),
                        "n": figure.n,
                        "median": figure.median,
                        "q1": figure.q1,
                        "q3": figure.q3,
                        "aggregate": figure.aggregate,
                        "withheld": 0 if figure.shown else 1,
                    }
                )
                decimals.append(item.version.decimals)
            for named in table.named:
                units.append(
                    {
                        "indicator": item.code,
                        "year": year,
                        "teryt": named.teryt,
                        "unit": named.name,
                        "kind": class_label("kind", named.kind),
                        "value": named.value,
                    }
                )
    params = {
        "min": rules.min_units,
        "share": round(rules.max_share * 100),
        "licence": LICENCE,
        "url": LICENCE_URL,
    }
    notes = {}
    for language in ("pl", "en"):
        with translation.override(language):
            notes[language] = _(NOTE) % params
    return BulkYear(
        year=year,
        computation=pub.computation.pk,
        published_at=pub.computation.published_at.isoformat()
        if pub.computation.published_at
        else "",
        note_pl=notes["pl"],
        note_en=notes["en"],
        results=results,
        decimals=decimals,
        units=units,
        unit_decimals=[indicators[row["indicator"]].version.decimals for row in units],
        indicators=[_indicator_entry(indicators[t.indicator]) for t in figures],
    )


def _indicator_entry(item: PublicIndicator) -> dict[str, Any]:
    version = item.version
    return {
        "code": item.code,
        "name_pl": version.name_pl,
        "name_en": version.name_en,
        "unit_of_measure": version.unit,
        "formula": version.formula,
        "numerator": version.numerator,
        "denominator": version.denominator,
        "polarity": version.polarity,
        "decimals": version.decimals,
        "version": version.number,
        "notes_pl": version.notes_pl,
        "notes_en": version.notes_en,
    }


def dictionary() -> list[dict[str, str]]:
    """Every column of the files, with its table and meaning in Polish and English."""
    entries = []
    for table, columns in (("results", RESULT_COLUMNS), ("units", UNIT_COLUMNS)):
        for name, meaning in columns:
            texts = {}
            for language in ("pl", "en"):
                with translation.override(language):
                    texts[language] = _(meaning)
            entries.append(
                {
                    "table": table,
                    "column": name,
                    "meaning_pl": texts["pl"],
                    "meaning_en": texts["en"],
                }
            )
    return entries


def _encoded(bulk: BulkYear, fmt: str) -> bytes:
    if fmt == "json":
        data = json.dumps(
            {
                "licence": {"name": LICENCE, "url": LICENCE_URL},
                "note": {"pl": bulk.note_pl, "en": bulk.note_en},
                "year": bulk.year,
                "computation": bulk.computation,
                "published_at": bulk.published_at,
                "dictionary": dictionary(),
                "indicators": bulk.indicators,
                "results": bulk.results,
                "units": bulk.units,
            },
            ensure_ascii=False,
        ).encode()
    elif fmt == "xlsx":
        data = _xlsx(_sheets(bulk))
    else:
        data = to_csv(_results_sheet(bulk))
    return data


def _results_sheet(bulk: BulkYear) -> Sheet:
    numeric = {"median", "q1", "q3", "aggregate"}
    columns = [
        Column(name, row_decimals=True) if name in numeric else Column(name)
        for name, _meaning in RESULT_COLUMNS
    ]
    return Sheet(
        title="results",
        columns=columns,
        rows=[[row[name] for name, _m in RESULT_COLUMNS] for row in bulk.results],
        decimals=bulk.decimals,
    )


def _sheets(bulk: BulkYear) -> list[Sheet]:
    units = Sheet(
        title="units",
        columns=[
            Column(name, row_decimals=True) if name == "value" else Column(name)
            for name, _m in UNIT_COLUMNS
        ],
        rows=[[row[name] for name, _m in UNIT_COLUMNS] for row in bulk.units],
        decimals=bulk.unit_decimals,
    )
    entries = dictionary()
    words = Sheet(
        title="dictionary",
        columns=[Column("table"), Column("column"), Column("meaning_pl"), Column("meaning_en")],
        rows=[[e["table"], e["column"], e["meaning_pl"], e["meaning_en"]] for e in entries],
    )
    licence = Sheet(
        title="licence",
        columns=[Column("licence"), Column("url"), Column("note_pl"), Column("note_en")],
        rows=[[LICENCE, LICENCE_URL, bulk.note_pl, bulk.note_en]],
    )
    return [_results_sheet(bulk), units, words, licence]


def _xlsx(sheets: list[Sheet]) -> bytes:
    """The sheets as a workbook of raw values: written row by row (openpyxl's write-only
    mode), a tenth of the time of the comparison pages' formatted writer, which a year of
    every indicator would keep over the two seconds a download may take. Text goes
    through ``xlsx_cell`` (never a formula)."""
    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title)
        for number, column in enumerate(sheet.columns, start=1):
            width = 40 if column.header.startswith(("meaning", "note", "indicator_name")) else 14
            ws.column_dimensions[get_column_letter(number)].width = width
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, column.header)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([xlsx_cell(ws, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
