"""What a reviewer reads of a broken validation rule: the rule's left side computed
with its operands and what the rule allows, in the page's language; frozen with the
submission's checks, so that later edits of the rule or the data change nothing."""

import pytest
from django.urls import reverse
from django.utils import translation

from benchlearn.catalogue.models import ValidationRule
from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.collection.models import FrozenCheck, Submission, Value
from benchlearn.collection.rule_findings import RuleFinding, submission_rule_findings
from benchlearn.groups.services import programme_create
from benchlearn.units.models import Unit
from tests.collection.conftest import make_round, save
from tests.collection.test_validation_peers import PER_YAML, store_population, submit
from tests.conftest import client_for, load_units

pytestmark = pytest.mark.django_db

BIELSKO = "2461011"
DETAIL_PL = "EDU_PUPILS / EDU_TEACHERS_FTE = 14 500 / 1 = 14 500,0; dopuszczalne 4–20"
DETAIL_EN = "EDU_PUPILS / EDU_TEACHERS_FTE = 14,500 / 1 = 14,500.0; allowed 4–20"


def text(html: str) -> str:
    """A page's text with Polish thousands separators (no-break spaces) as spaces."""
    return html.replace("\xa0", " ").replace("&nbsp;", " ")


@pytest.fixture
def typo(db, operator, programme):
    """Bielsko-Biała's form with 14,500 pupils on 1 teacher FTE, each value explained,
    saved (not submitted)."""
    catalogue_import(text=PER_YAML, user=operator)
    catalogue_publish(user=operator)
    load_units(BIELSKO)
    city = Unit.objects.get(teryt=BIELSKO)
    store_population({city: 171_259})
    round_ = make_round(operator, [city], sets=("SET_PER",))
    submission = Submission.objects.get(round=round_, unit=city)
    entries = {"EDU_PUPILS": "14 500", "EDU_TEACHERS_FTE": "1", "EDU_EXP": "325 000 000"}
    explained = {code: (number, "Sprawdzone") for code, number in entries.items()}
    assert save(submission, operator, explained).ok
    return submission


def page(user, submission, name="return", language="pl"):
    client = client_for(user)
    client.cookies["django_language"] = language
    url_name = "submission-return" if name == "return" else "submission-form"
    response = client.get(reverse(url_name, args=[submission.round_id, submission.unit.teryt]))
    assert response.status_code == 200
    return text(response.content.decode())


def test_a_broken_rule_shows_its_computed_left_side_and_bounds_in_polish(typo, operator):
    findings = submission_rule_findings(typo)["EDU_TEACHERS_FTE"]
    (finding,) = findings
    assert (finding.rule, finding.left_value, finding.right_value) == (
        "EDU_PUPILS_PER_TEACHER",
        14_500,
        4,
    )
    submit(typo, operator)
    shown = page(operator, typo)
    assert "Uczniów na etat nauczyciela jest zwykle od 4 do 20." in shown
    assert DETAIL_PL in shown
    assert DETAIL_EN in page(operator, typo, language="en")
    # The reviewer's read-only form says the same.
    assert DETAIL_PL in page(operator, typo, name="form")


def test_a_frozen_check_keeps_its_value_after_the_data_and_the_rule_change(typo, operator):
    submit(typo, operator)
    frozen = FrozenCheck.objects.get(submission=typo, variable__code="EDU_TEACHERS_FTE")
    assert [rule["rule"] for rule in frozen.rules] == ["EDU_PUPILS_PER_TEACHER"]
    # Later: the rule is made stricter and reads other variables, the stored figures
    # change (e.g. corrected by a script).
    ValidationRule.objects.filter(code="EDU_PUPILS_PER_TEACHER").update(
        left="EDU_EXP / EDU_TEACHERS_FTE", right="1", upper="2", message_pl="Inny komunikat."
    )
    Value.objects.filter(unit=typo.unit, variable__code="EDU_PUPILS").update(value=9_000)
    shown = page(operator, typo)
    assert DETAIL_PL in shown and "Inny komunikat." not in shown
    assert DETAIL_PL in page(operator, typo, name="form")


def test_a_bound_reading_variables_is_shown_computed_too(db):
    finding = RuleFinding(
        rule="WASTE_CHECK",
        severity="warning",
        operator="<=",
        left="WASTE_T",
        right="POP * 2",
        upper="",
        message_pl="Więcej niż 2 tony odpadów na mieszkańca.",
        message_en="",
        left_value=12_000.5,
        right_value=4_000,
        upper_value=None,
        values={"WASTE_T": 12_000.5, "POP": 2_000},
    )
    with translation.override("pl"):
        assert text(finding.detail) == (
            "WASTE_T = 12 000,5; dopuszczalne ≤ POP * 2 = 2 000 * 2 = 4 000,0"
        )
    with translation.override("en"):
        assert finding.message == "Więcej niż 2 tony odpadów na mieszkańca."  # no English
    assert RuleFinding.from_json(finding.as_json()) == finding


def test_function_arguments_are_separated_by_semicolons_in_polish(db):
    finding = RuleFinding(
        rule="R",
        severity="error",
        operator="between",
        left="(A + coalesce(B, 0)) / prev(A)",
        right="0.7",
        upper="1.5",
        message_pl="Skok.",
        message_en="A jump.",
        left_value=2.0625,
        right_value=0.7,
        upper_value=1.5,
        values={"A": 16.5, "B": None},
        previous={"A": 8},
    )
    with translation.override("pl"):
        assert finding.detail == (
            "(A + coalesce(B, 0)) / prev(A) = (16,5 + coalesce(—; 0)) / 8 = 2,06; "
            "dopuszczalne 0,7–1,5"
        )
    with translation.override("en"):
        assert finding.detail.endswith("= (16.5 + coalesce(—, 0)) / 8 = 2.06; allowed 0.7–1.5")


def test_a_reviewing_moderator_sees_the_same_and_a_participant_may_not_review(
    typo, operator, moderator, group, participant_b
):
    """The unit is in the moderator's exchange group, whose programme lets moderators
    review: the return page shows them the rule computed. Another unit's participant
    gets no review page."""
    group.programme = programme_create(
        name="Program 2026–2027", first_year=2026, last_year=2027, moderators_review=True
    )
    group.save(update_fields=["programme"])
    submit(typo, operator)
    assert typo.unit in group.units.all()
    assert DETAIL_PL in page(moderator, typo)
    client = client_for(participant_b)
    url = reverse("submission-return", args=[typo.round_id, typo.unit.teryt])
    assert client.get(url).status_code in (403, 404)
