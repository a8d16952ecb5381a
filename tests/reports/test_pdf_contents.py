"""What a group report's PDF says, read back from its text: the cover and the summary
first, the summary's strongest and weakest positions and largest changes as the data
give them, indicators without any value named in one line and not drawn, an empty
domain marked, no page without content, long names whole, money with two decimals,
neutral indicators placed without "best" or "worst", the methodology last."""

import io

import numpy as np
import pypdf
import pytest
from django.utils import translation

from benchlearn import charts
from benchlearn.engine.stats import position_in_group
from benchlearn.groups.models import ExchangeGroup
from benchlearn.reports.documents import (
    GroupIndicator,
    GroupMemberRow,
    GroupReport,
    group_report_pdf,
)
from benchlearn.results.models import ComparisonKind, Computation
from benchlearn.results.selectors import Comparison, IndicatorInfo, Stat
from benchlearn.units.models import Unit

OWN = "Gmina Żółkiewka"
OTHERS = [10.0, 20.0, 30.0, 40.0, 50.0]  # the other five members' values, every indicator
LONG = (
    "Odsetek dzieci w wieku 3–5 lat objętych wychowaniem przedszkolnym w placówkach "
    "prowadzonych i dotowanych przez gminę, według stanu na 30 września roku szkolnego"
)
LONG_MEMBER = "Gmina Miejsko-Wiejska Konstantynów Łódzki i Okolice Południowe"


def info(k: int, name: str, *, polarity: str = "higher", unit: str = "%", domain: str = "EDU"):
    domains = {"EDU": "Oświata", "CUL": "Kultura"}
    return IndicatorInfo(
        code=f"IND_{k}",
        name=name,
        unit=unit,
        decimals=0 if unit == "zł" else 1,
        polarity=polarity,
        category="efficiency",
        category_label="efektywność",
        domain=domain,
        domain_name=domains[domain],
        formula="A / B",
        numerator="A",
        denominator="B",
        notes="",
        version=1,
        pk=k + 1,
    )


def indicator(meta: IndicatorInfo, own: float | None, previous: float | None = None):
    """The own unit and five others; no value at all when ``own`` is None."""
    if own is None:
        rows = [GroupMemberRow(label, False, None, None) for label in "ABCDE"]
        rows.append(GroupMemberRow(OWN, True, None, None))
        return GroupIndicator(meta, None, rows, None)
    labelled = [*zip("ABCDE", OTHERS, strict=True), (OWN, own)]
    values = np.sort(np.array([value for _label, value in labelled]))
    median = float(np.median(values))
    q1, q3 = float(np.quantile(values, 0.25)), float(np.quantile(values, 0.75))
    stat = Stat(
        *(len(values), float(values.mean()), None, median, q1, q3),
        *(float(values[0]), float(values[-1]), float(values.std(ddof=1))),
        *(float(values[-1]), float(values[0])),
        values=values,
    )
    rows = [
        GroupMemberRow(
            label,
            label == OWN,
            value,
            position_in_group(
                value,
                values,
                meta.polarity,
                mean=stat.mean,
                std=stat.std,
                median=median,
                best=stat.best,
                q1=q1,
                q3=q3,
            ),
            previous if label == OWN else None,
        )
        for label, value in labelled
    ]
    rows.sort(key=lambda r: -r.value)
    chart = charts.bar_chart(
        title=meta.name,
        items=[charts.BarItem(r.label, r.value, r.own) for r in rows],
        median=median,
        polarity=meta.polarity,
        decimals=meta.decimals,
    )
    return GroupIndicator(meta, stat, rows, chart)


def report_of(indicators: list[GroupIndicator], *, own: bool = True) -> GroupReport:
    group = ExchangeGroup(pk=1, name="GWD Oświata", service="Oświata", cycle_start=2024)
    comparison = Comparison("exchange-1", ComparisonKind.EXCHANGE, group.name, None, False)
    computation = Computation(pk=7, value_change=2024, context_change=7)
    unit = Unit(pk=99, name=OWN) if own else None
    return GroupReport(group, computation, comparison, 2024, [2023, 2024], unit, 6, indicators)


def pages_of(document: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(document))
    return [page.extract_text().replace("\u00a0", " ") for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pages():
    """Own unit: best on "Najlepszy" (60 > all), worst on "Najsłabszy" (5 < all),
    middling elsewhere; "Skok" rose most from 2023 (+300 %); "Pusty" and "Bez danych"
    have no value at all, nor has the whole "Kultura" domain."""
    found = [
        indicator(info(0, "Najlepszy wskaźnik"), 60.0, 58.0),
        indicator(info(1, "Średni wskaźnik"), 35.0, 30.0),
        indicator(info(2, "Najsłabszy wskaźnik"), 5.0, 5.5),
        indicator(info(3, "Skok"), 32.0, 8.0),
        indicator(info(4, "Pusty"), None),
        indicator(info(5, "Bez danych"), None),
        indicator(info(6, LONG), 25.0),
        indicator(info(7, "Wydatki bieżące", unit="zł"), 612_345_678.9),
        indicator(info(8, "Udział subwencji", polarity="neutral"), 45.0),
        indicator(info(9, "Czytelnicy", domain="CUL"), None),
        indicator(info(10, "Wypożyczenia", domain="CUL"), None),
    ]
    with translation.override("pl"):
        return pages_of(group_report_pdf(report_of(found)))


def test_the_cover_and_the_summary_come_first_the_appendix_last(pages):
    assert "Raport grupy: GWD Oświata, 2024" in pages[0]
    assert "Podsumowanie" not in pages[0]
    assert flat(pages[1]).startswith(flat(pages[1].splitlines()[0]))
    assert "Podsumowanie" in pages[1] and "Najmocniejsze pozycje" in pages[1]
    assert all("Podsumowanie" not in text for text in pages[2:])
    assert "Załącznik: jak liczone są wielkości" in pages[-1]
    assert "Mediana i kwartyle" in pages[-1] and "Anonimizacja" in pages[-1]


def section(summary: str, heading: str, following: str | None) -> str:
    start = summary.index(heading)
    end = summary.index(following, start) if following else len(summary)
    return summary[start:end]


def test_the_summary_names_the_strongest_and_weakest_positions_and_largest_changes(pages):
    summary = flat(pages[1])
    strongest = section(summary, "Najmocniejsze pozycje", "Najsłabsze pozycje")
    weakest = section(summary, "Najsłabsze pozycje", "Największe zmiany od 2023")
    changes = section(summary, "Największe zmiany od 2023", None)
    # Best first: rank 1 of 6, percentile 100.
    assert strongest.index("Najlepszy wskaźnik (%) 60,0 35,0 1 z 6 100") >= 0
    assert "Najsłabszy" not in strongest
    # Weakest first: rank 6 of 6, percentile 0.
    assert weakest.index("Najsłabszy wskaźnik (%) 5,0") < weakest.index(LONG[:20])
    assert "Najlepszy wskaźnik" not in weakest
    # From 8 to 32: +300 %, the largest; 58 → 60 is the smallest of those listed.
    assert "Skok (%) 8,0 → 32,0 (+300,0 %, lepiej)" in changes
    assert changes.index("Skok") < changes.index("Średni wskaźnik")
    assert changes.index("Średni wskaźnik") < changes.index("Najlepszy wskaźnik")
    # The neutral indicator: placed against the median, neither best nor worst.
    assert "Udział subwencji: powyżej mediany" in summary
    assert "Udział subwencji" not in strongest and "Udział subwencji" not in weakest


def test_indicators_without_any_value_are_named_in_one_line_and_not_drawn(pages):
    lines = [line for text in pages for line in text.splitlines() if "Pusty" in line]
    assert len(lines) == 1
    assert "Bez żadnej wartości w 2024 r., niepokazane: Pusty; Bez danych." in flat(" ".join(pages))
    assert sum(text.count("Bez danych") for text in pages) == 1  # no heading, no chart


def test_an_empty_domain_is_marked_not_drawn(pages):
    text = flat(" ".join(pages))
    assert (
        "Kultura Żadna jednostka grupy nie ma wartości w tej dziedzinie w 2024 r. "
        "(Czytelnicy; Wypożyczenia)." in text
    )
    assert text.count("Czytelnicy") == 1


def test_no_page_is_empty(pages, settings):
    for number, text in enumerate(pages, start=1):
        body = flat(text)
        for frame in (settings.BENCHLEARN_ORGANISATION, f"strona {number} z {len(pages)}"):
            body = body.replace(frame, "")
        assert len(body.split()) > 20, (number, text)


def test_long_names_are_whole(pages):
    text = flat(" ".join(pages))
    assert f"{LONG} (%)" in text  # its heading wraps, every word kept
    assert "…" not in " ".join(pages[:-1])  # (the appendix says "A, B, C…")


def test_a_long_member_name_is_whole_in_the_chart():
    meta = info(0, "Wskaźnik")
    item = indicator(meta, 30.0)
    item.rows[0].label = LONG_MEMBER
    item.chart = charts.bar_chart(
        title=meta.name,
        items=[charts.BarItem(r.label, r.value, r.own) for r in item.rows],
        median=item.stat.median,
        polarity="higher",
    )
    with translation.override("pl"):
        pages = pages_of(group_report_pdf(report_of([item])))
    chart_page = pages[2]
    assert LONG_MEMBER in chart_page.split("Miejsce")[0]  # drawn in the chart, not cut
    assert "…" not in chart_page


def test_money_has_two_decimals_in_polish_format(pages):
    assert "612 345 678,90" in " ".join(pages)
    assert "e+" not in " ".join(pages)


def test_a_neutral_indicator_is_placed_against_the_median_without_a_rank(pages):
    text = flat(" ".join(pages[2:-1]))
    part = text[text.index("Udział subwencji (%)") :]
    part = part[: part.index("Kultura")]
    assert "Pozycja Jednostka" in part and "Miejsce" not in part  # no rank column
    assert f"powyżej mediany {OWN} 45,0" in part
    assert "poniżej mediany A 10,0" in part
    assert "najlepsz" not in part.lower() and "najsłabsz" not in part.lower()


def test_several_indicators_share_a_page(pages):
    drawn = ["Najlepszy wskaźnik (%)", "Średni wskaźnik (%)", "Najsłabszy wskaźnik (%)"]
    assert all(name in flat(pages[2]) for name in drawn)


def test_a_moderators_summary_names_no_member():
    found = [
        indicator(info(0, "Najlepszy wskaźnik"), 60.0),
        indicator(info(1, "Najsłabszy wskaźnik"), 5.0),
    ]
    found[0].previous_median = 20.0
    with translation.override("pl"):
        pages = pages_of(group_report_pdf(report_of(found, own=False)))
    summary = flat(pages[1])
    assert "mediana grupy wypada najlepiej i najsłabiej" in summary
    assert OWN not in summary
    assert "Najlepszy wskaźnik (%) 20,0 → 35,0 (+75,0 %, lepiej)" in summary
