"""Did it work? The plan page's figures against the numbers worked by hand in
tests/plans/measured.py (the engine's arithmetic is tested in tests/engine and
tests/results/test_effects.py), the group's figures withheld below the programme's
minimum group size, and who sees them."""

import io
import re

import pypdf
from django.urls import reverse

from benchlearn.groups.services import programme_create
from tests.conftest import client_for


def _facts(page: str) -> dict[str, str]:
    """The "Did it work?" table rows of the page as label -> value, in order."""
    section = page[page.index('id="plan-effects-heading"') :]
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', section)
    return [(label, value) for label, value in rows]


def test_the_plan_page_measures_each_indicator_against_the_group(measured, participant_b):
    page = client_for(participant_b).get(reverse("plan-detail", args=[measured["plan"].pk]))
    assert page.status_code == 200
    text = page.content.decode()
    facts = _facts(text)
    staff, cost = facts[:7], facts[7:14]
    assert staff == [
        ("Baseline", "10.00 (2023)"),
        ("Latest result", "19.00 (2025)"),  # 2024 is missing: the latest year is 2025
        ("Target", "15.00 (2026): met"),
        ("Own change", "+9.00 (better)"),
        ("The group&#x27;s median change, 2023–2025", "+2.00 (5 units with both years)"),
        (
            "Difference (own change − the group&#x27;s median change)",
            "+7.00: better than the group",
        ),
        (
            "Band of normal variation (the group&#x27;s interquartile range of changes)",
            "+1.00 to +6.00: outside normal variation",
        ),
    ]
    # Lower is better: a cost that rose less than the group's is better.
    assert cost == [
        ("Baseline", "100.00 (2023)"),
        ("Latest result", "103.00 (2025)"),
        ("Target", "95.00 (2026): not met"),
        ("Own change", "+3.00 (worse)"),
        ("The group&#x27;s median change, 2023–2025", "+4.50 (6 units with both years)"),
        (
            "Difference (own change − the group&#x27;s median change)",
            "\u22121.50: better than the group",
        ),
        (
            "Band of normal variation (the group&#x27;s interquartile range of changes)",
            "+2.25 to +7.50: within normal variation",
        ),
    ]
    assert len(facts) == 14  # MOOD: nothing measured yet
    assert "No result after the baseline year (2023) yet." in text
    # A chart per indicator with its data table: the unit's line against the group's.
    assert text.count('class="chart chart-effect"') == 3
    unit = measured["plan"].unit.name
    assert (
        f"{unit} from 10.00 (2023) to 19.00 (2025). Baseline year: 2023. Solid line: {unit}; "
        "dashed: the group&#x27;s median; band: its quartiles."
    ) in text
    # STAFF in 2024: no value of the unit (a gap), the group's median and quartiles.
    assert "<td>2024</td><td>—</td><td>7.00</td><td>9.00</td><td>20.50</td>" in text


def test_below_the_minimum_group_size_the_group_figures_are_withheld(
    measured, group, participant_b, operator
):
    programme = programme_create(
        name="Program", first_year=2025, last_year=2026, min_group_size=10, groups=[group]
    )
    url = reverse("plan-detail", args=[measured["plan"].pk])
    text = client_for(participant_b).get(url).content.decode()
    assert "are not shown: GWD Oświata has data from 6 units" in text
    labels = [label for label, _value in _facts(text)]
    assert labels[:4] == ["Baseline", "Latest result", "Target", "Own change"]
    assert not any("median change" in label or "Difference" in label for label in labels)
    assert "chart-effect" in text and "Lower quartile" in text  # the table's headers…
    assert "+2.25" not in text  # …but no group figure
    assert "<td>2024</td><td>—</td><td>—</td><td>—</td><td>—</td>" in text
    assert "dashed: the group" not in text
    # The office sees them always.
    office = client_for(operator).get(url).content.decode()
    assert programme.name and "+7.00: better than the group" in office


def test_before_any_later_result_nothing_is_measured(measured, participant_a):
    from benchlearn.results.models import Result

    Result.objects.filter(period__gt=2023).delete()
    text = client_for(participant_a).get(reverse("plan-detail", args=[measured["plan"].pk]))
    text = text.content.decode()
    assert text.count("No result after the baseline year (2023) yet.") == 3
    assert _facts(text) == []


def test_the_plan_page_in_polish(measured, participant_a, settings):
    settings.LANGUAGE_CODE = "pl"
    client = client_for(participant_a)
    text = client.get(reverse("plan-detail", args=[measured["plan"].pk])).content.decode()
    assert "Czy zadziałało?" in text
    assert "w granicach zwykłej zmienności" in text
    assert "+2,25 do +7,50" in text


def test_a_private_plan_is_hidden_from_the_other_units(measured, participant_b, stranger, nobody):
    plan = measured["plan"]
    plan.private = True
    plan.save(update_fields=["private"])
    for person in (participant_b, stranger, nobody):
        for name in ("plan-detail", "plan-pdf"):
            assert client_for(person).get(reverse(name, args=[plan.pk])).status_code == 404


def test_the_plan_pdf_opens_with_the_actions_and_their_effects(
    measured, participant_b, tasks_run_at_once
):
    response = client_for(participant_b).get(reverse("plan-pdf", args=[measured["plan"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Improvement plan: Bielsko-Biała" in text
    assert "Nabór nauczycieli i wspólne zakupy" in text and "Ankieta nastrojów" in text
    assert "+7.00: better than the group" in text
    assert "within normal variation" in text
    assert "No result after the baseline year (2023) yet." in text
