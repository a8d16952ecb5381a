"""Chart specs and their text alternatives, from plain data."""

import json

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from benchlearn.charts import (
    BarItem,
    EfficiencyItem,
    ProfileItem,
    YearSummary,
    bar_chart,
    box_plot,
    efficiency_chart,
    profile_chart,
    sparkline,
)


@pytest.fixture(autouse=True)
def polish():
    with translation.override("pl"):
        yield


def group(n=15, own=6):
    return [BarItem(f"Gmina {i:02d}", 10.0 + i * 1.5, own=(i == own)) for i in range(n)]


def layers(spec):
    """Every layer, nested ones included."""
    for layer in spec.get("layer", []):
        yield layer
        yield from layers(layer)


def test_bar_chart_sorts_best_first_by_polarity_and_marks_the_own_unit():
    chart = bar_chart(
        title="Koszt", items=group(), median=20.5, polarity="lower", unit_of_measure="zł"
    )
    rows = chart.spec["data"]["values"]
    assert [row["value"] for row in rows] == sorted(row["value"] for row in rows)
    own = [row for row in rows if row["own"]]
    assert [row["label"] for row in own] == ["Gmina 06"]
    # Dark fill for the own bar, and a text label naming it (not colour alone).
    bar = chart.spec["layer"][0]
    assert bar["encoding"]["fill"]["condition"]["test"] == "datum.own"
    texts = [layer for layer in layers(chart.spec) if layer.get("mark", {}).get("type") == "text"]
    assert any("Twoja jednostka" in json.dumps(layer, ensure_ascii=False) for layer in texts)


def test_bar_chart_draws_the_median_as_a_labelled_dashed_line():
    chart = bar_chart(title="Koszt", items=group(), median=20.5, polarity="higher")
    medians = [layer for layer in chart.spec["layer"] if "data" in layer]
    assert medians[0]["data"]["values"] == [{"median": 20.5, "text": "mediana 20,5"}]
    rule = medians[0]["layer"][0]["mark"]
    assert rule["type"] == "rule" and rule["strokeDash"]


def test_bar_chart_description_and_table_give_the_rank():
    chart = bar_chart(title="Koszt", items=group(), median=20.5, polarity="higher", decimals=1)
    # Higher is better: Gmina 14 is first, Gmina 06 ninth.
    assert chart.description == "Twoja jednostka: 9. miejsce z 15; mediana 20,5."
    assert chart.table.headers == ["Miejsce", "Jednostka", "Wartość"]
    own_rows = [row for row in chart.table.rows if row.own]
    assert [row.cells for row in own_rows] == [["9", "Gmina 06", "19,0"]]
    assert chart.table.rows[0].cells == ["1", "Gmina 14", "31,0"]


def test_ties_share_the_best_rank_and_missing_values_come_last():
    items = [
        BarItem("A", 10.0),
        BarItem("B", 10.0, own=True),
        BarItem("C", None),
        BarItem("D", 8.0),
    ]
    chart = bar_chart(title="x", items=items, median=10.0, polarity="higher", decimals=0)
    assert [row.cells[:2] for row in chart.table.rows] == [
        ["1", "A"],
        ["1", "B"],
        ["3", "D"],
        ["", "C"],
    ]
    assert [row["label"] for row in chart.spec["data"]["values"]] == ["A", "B", "D"]
    assert chart.description.startswith("Twoja jednostka: 1. miejsce z 3;")


def test_neutral_indicator_has_no_rank():
    chart = bar_chart(title="x", items=group(), median=20.5, polarity="neutral")
    assert all(row.cells[0] == "" for row in chart.table.rows)
    assert "miejsce" not in chart.description


def test_anonymised_labels_pass_through():
    items = [BarItem(label, float(i), own=label == "Gmina Moja") for i, label in enumerate("ABCD")]
    items.append(BarItem("Gmina Moja", 2.5, own=True))
    chart = bar_chart(title="x", items=items, median=2.0, polarity="higher")
    labels = {row["label"] for row in chart.spec["data"]["values"]}
    assert labels == {"A", "B", "C", "D", "Gmina Moja"}
    assert {row.cells[1] for row in chart.table.rows} == labels


def test_large_groups_have_no_per_bar_labels_but_still_name_the_own_unit():
    chart = bar_chart(title="x", items=group(n=300, own=150), median=200.0, polarity="higher")
    bar = chart.spec["layer"][0]
    assert bar["encoding"]["y"]["axis"] is None
    small = bar_chart(title="x", items=group(), median=20.5, polarity="higher")
    assert small.spec["layer"][0]["encoding"]["y"]["axis"] is not None
    own_text = chart.spec["layer"][1]
    assert own_text["transform"][0] == {"filter": "datum.own"}


def test_box_plot_uses_the_given_statistics_and_marks_the_own_value():
    years = [YearSummary(2021 + i, 1, 2, 3 + i, 4 + i, 9, own=5.0 - i) for i in range(3)]
    chart = box_plot(title="Rozkład", years=years)
    spec_text = json.dumps(chart.spec)
    # Quartiles are given, never computed by vega.
    assert '"boxplot"' not in spec_text and '"quantile"' not in spec_text
    assert chart.spec["data"]["values"][2] == {
        "period": "2023",
        "min": 1,
        "q1": 2,
        "median": 5,
        "q3": 6,
        "max": 9,
        "own": 3.0,
    }
    own_points = [
        layer for layer in layers(chart.spec) if layer.get("mark", {}).get("shape") == "diamond"
    ]
    assert own_points[0]["encoding"]["y"]["field"] == "own"
    assert chart.description == "Mediana od 2021 do 2023: 3,0 do 5,0. Twoja jednostka w 2023: 3,0."
    assert chart.table.rows[0].cells == ["2021", "1,0", "2,0", "3,0", "4,0", "9,0", "5,0"]


def test_profile_chart_centres_on_the_median_with_a_quartile_band():
    items = [ProfileItem("Koszt", 80.0), ProfileItem("Jakość", 20.0), ProfileItem("Brak", None)]
    chart = profile_chart(title="Profil", items=items)
    rows = chart.spec["data"]["values"]
    assert {(row["low"], row["centre"], row["high"]) for row in rows} == {(25.0, 50.0, 75.0)}
    assert [row["indicator"] for row in rows] == ["Koszt", "Jakość", "Brak"]
    assert chart.description == (
        "1 z 2 wskaźników powyżej mediany grupy; najmocniejszy: Koszt (80), "
        "najsłabszy: Jakość (20)."
    )
    assert chart.table.rows[2].cells == ["Brak", "—"]
    z = profile_chart(title="Profil", items=[ProfileItem("Koszt", 1.2)], scale="z")
    assert z.spec["data"]["values"][0]["centre"] == 0.0


def test_efficiency_chart_marks_frontier_and_own_unit():
    items = [
        EfficiencyItem("A", 1.0, frontier=True),
        EfficiencyItem("B", 0.75, own=True),
        EfficiencyItem("C", 1.0, frontier=True),
        EfficiencyItem("D", 0.5),
    ]
    chart = efficiency_chart(title="DEA", items=items)
    assert chart.description == (
        "2 z 4 jednostek jest na granicy efektywności. Twoja jednostka: wynik 0,750, miejsce 3."
    )
    assert [row.cells for row in chart.table.rows][2] == ["3", "B", "0,750", "poza granicą"]
    assert chart.table.rows[0].cells[3] == "na granicy efektywności"
    frontier = [
        layer
        for layer in chart.spec["layer"]
        if layer.get("transform") == [{"filter": "datum.frontier"}]
    ]
    assert frontier


def test_sparkline_is_tiny_and_described():
    chart = sparkline([1.0, None, 2.25], periods=[2021, 2022, 2023], decimals=2)
    assert chart.spec["width"] <= 100 and chart.spec["height"] <= 30
    assert chart.description == "Od 1,00 (2021) do 2,25 (2023)."


def test_english_uses_a_decimal_point():
    with translation.override("en"):
        chart = bar_chart(title="x", items=group(), median=20.5, polarity="higher")
    assert chart.description == "Your unit: rank 9 of 15; median 20.5."
    assert chart.language == "en"


def test_chart_include_has_spec_caption_and_table_without_javascript():
    chart = bar_chart(title="Koszt <b>", items=group(), median=20.5, polarity="higher")
    html = render_to_string("reports/chart.html", {"chart": chart})
    assert '<script type="application/json">' in html
    payload = json.loads(html.split('<script type="application/json">')[1].split("</script>")[0])
    assert payload["spec"] == chart.spec
    assert payload["formatLocale"]["decimal"] == ","
    assert "Twoja jednostka: 9. miejsce z 15; mediana 20,5." in html
    assert "<table" in html and '<tr class="own">' in html
    assert "Koszt &lt;b&gt;" in html


def test_pages_write_numbers_grouped_in_the_readers_language():
    from benchlearn.reports.templatetags.reports import number

    with translation.override("pl"):
        assert number(1234567.891, 2) == "1\u00a0234\u00a0567,89"
        assert number(None, 2) == "—"
    with translation.override("en"):
        assert number(1234.5, "1") == "1,234.5"


def test_a_year_without_data_is_a_gap_in_time_charts():
    from benchlearn.charts import YearSummary, box_plot, sparkline
    from benchlearn.charts.common import with_missing_years

    assert with_missing_years([2021, 2023, 2024], [1.0, 3.0, 4.0]) == (
        [2021, 2022, 2023, 2024],
        [1.0, None, 3.0, 4.0],
    )
    assert with_missing_years(["Q1", "Q3"], [1.0, 2.0]) == (["Q1", "Q3"], [1.0, 2.0])
    line = sparkline([1.0, 3.0, 4.0], periods=[2021, 2023, 2024], with_table=True)
    rows = line.spec["data"]["values"]
    assert [(r["period"], r["value"]) for r in rows][1] == ("2022", None)
    assert line.spec["layer"][0]["mark"]["invalid"] == "break-paths-filter-domains"
    assert [row.cells[0] for row in line.table.rows] == ["2021", "2022", "2023", "2024"]
    box = box_plot(
        title="t",
        years=[
            YearSummary(2021, 1, 2, 3, 4, 5, own=3),
            YearSummary(2023, 1, 2, 3, 4, 5, own=None),
            YearSummary(2024, 1, 2, 3, 4, 5, own=4),
        ],
    )
    assert [row.cells[0] for row in box.table.rows] == ["2021", "2022", "2023", "2024"]
    assert box.table.rows[1].cells[1:] == ["—"] * 6


def _marks(spec):
    return [(layer.get("mark") or {}).get("type") for layer in layers(spec) if "mark" in layer]


def test_charts_leave_out_the_marks_they_have_no_value_for():
    # A layer whose rows are all filtered away leaves vega a scale of nothing, which it
    # reports in the browser's console ("Infinite extent"); such layers are not drawn.
    others = [BarItem(f"Gmina {i:02d}", 10.0 + i) for i in range(5)]
    chart = bar_chart(title="Koszt", items=others, median=12.0, polarity="higher")
    assert "Twoja jednostka" not in json.dumps(chart.spec, ensure_ascii=False)
    assert _marks(chart.spec) == ["bar", "rule", "text"]

    no_own = [YearSummary(2023, 1, 2, 3, 4, 5), YearSummary(2024, 1, 2, 3, 4, 5)]
    assert _marks(box_plot(title="Koszt", years=no_own).spec) == ["rule", "bar", "tick"]
    with_own = [YearSummary(2023, 1, 2, 3, 4, 5, own=2.5)]
    assert _marks(box_plot(title="Koszt", years=with_own).spec) == [
        "rule",
        "bar",
        "tick",
        "line",
        "point",
        "text",
    ]

    below = [EfficiencyItem("A", 0.8), EfficiencyItem("B", 0.9, own=True)]
    assert "point" not in _marks(efficiency_chart(title="DEA", items=below).spec)
    on_it = [EfficiencyItem("A", 1.0, frontier=True), EfficiencyItem("B", 0.9, own=True)]
    assert "point" in _marks(efficiency_chart(title="DEA", items=on_it).spec)

    unplaced = [ProfileItem(indicator="Koszt", position=None)]
    assert _marks(profile_chart(title="Profil", items=unplaced).spec) == ["bar", "rule", "text"]


def test_box_plot_marks_a_break_in_series():
    years = [YearSummary(2023 + i, 1, 2, 3, 4, 9, own=5.0) for i in range(3)]
    chart = box_plot(title="Rozkład", years=years, breaks=[2025])
    assert [row["series"] for row in chart.spec["data"]["values"]] == [0, 0, 1]
    rules = [layer for layer in chart.spec["layer"] if layer.get("mark", {}).get("strokeDash")]
    assert any(layer.get("data", {}).get("values") == [{"period": "2025"}] for layer in rules)
    assert [row.cells[0] for row in chart.table.rows] == [
        "2023",
        "2024",
        "2025 (przerwa w szeregu)",
    ]
    assert "definicja zmieniła się od 2025 r." in chart.description
