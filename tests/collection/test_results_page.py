"""The page of a round's indicators: the newest computation's stored results of approved
submissions, in the page's language, with the indicator versions' decimals; it says
when nothing is computed yet and when a newer computation is under way; each person
sees the rows of the units they may see; strangers are refused and anonymous visitors
sent to log in."""

import re

import pytest

from benchlearn.catalogue.models import IndicatorSet
from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.collection.models import Submission
from benchlearn.collection.services import submission_approve, submission_submit
from benchlearn.results.models import Computation, ComputationState
from benchlearn.results.services import computation_request, computation_run
from tests.collection.conftest import make_round, save
from tests.conftest import TERYT_A, TERYT_B, client_for

pytestmark = pytest.mark.django_db

RESULTS_YAML = """\
format: benchlearn-catalogue
version: 1
domains:
  - code: EDU
    name: {pl: Oświata, en: Education}
variables:
  - code: EXP
    name: {pl: Wydatki na oświatę, en: Expenditure on education}
    unit: zł
    min: 0
    domain: EDU
  - code: SUBSIDY
    name: {pl: Subwencja oświatowa, en: Education subsidy}
    min: 0
    domain: EDU
  - code: PUPILS
    name: {pl: Liczba uczniów, en: Pupils}
    min: 0
    domain: EDU
  - code: CLASSES
    name: {pl: Liczba oddziałów, en: Classes}
    min: 0
    domain: EDU
  - code: POP
    name: {pl: Liczba mieszkańców, en: Population}
    source: public_statistics
indicators:
  - code: COST_PUPIL
    name: {pl: Wydatki na ucznia, en: Expenditure per pupil}
    formula: EXP / PUPILS
    unit: zł/ucznia
    decimals: 2
    domain: EDU
  - code: NET_COST
    name: {pl: Koszt netto na ucznia, en: Net cost per pupil}
    formula: COST_PUPIL - SUBSIDY / PUPILS
    unit: zł
    decimals: 0
    domain: EDU
  - code: PUPILS_PER_CLASS
    name: {pl: Uczniowie w oddziale, en: Pupils per class}
    formula: PUPILS / CLASSES
    decimals: 1
    domain: EDU
  - code: EXP_PER_RESIDENT
    name: {pl: Wydatki na mieszkańca, en: Expenditure per resident}
    formula: EXP / POP
    unit: zł
    decimals: 2
    domain: EDU
sets:
  - code: SET_RESULTS
    name: {pl: Wyniki, en: Results}
    domain: EDU
    indicators: [NET_COST, PUPILS_PER_CLASS, EXP_PER_RESIDENT]
"""

UNIT_A_VALUES = {"EXP": "1 234 567,89", "SUBSIDY": "600 000", "PUPILS": "1 000", "CLASSES": "40"}
# Unit B has no classes: pupils per class divides by zero.
UNIT_B_VALUES = {"EXP": "500 000", "SUBSIDY": "300 000", "PUPILS": "400", "CLASSES": "0"}


@pytest.fixture
def round_(programme, units, operator):
    """A round of units A and B (the group's): unit C's participant, the stranger, has
    no part in it."""
    catalogue_import(text=RESULTS_YAML, user=operator)
    catalogue_publish(user=operator)
    assert IndicatorSet.objects.filter(code="SET_RESULTS").exists()
    return make_round(operator, [units["a"], units["b"]], sets=("SET_RESULTS",))


def approve(round_, teryt, participant, operator, values, *, then_approve=True):
    submission = Submission.objects.get(round=round_, unit__teryt=teryt)
    assert save(submission, participant, values).ok
    submission.refresh_from_db()
    submission_submit(submission=submission, user=participant, base_revision=submission.revision)
    if then_approve:
        submission_approve(submission=submission, operator=operator)


def compute(operator):
    """Run the computation the approvals asked for (or a new one)."""
    return computation_run(computation_request(user=operator).pk)


def url(round_):
    return f"/rounds/{round_.pk}/results/"


def cells(html: str, teryt: str) -> list[str]:
    """The texts of the indicator cells of a unit's row, tags and spacing removed."""
    rows = [r for r in re.findall(r"<tr><th scope=\"row\">.*?</tr>", html, re.S) if teryt in r]
    assert len(rows) == 1, f"no row for {teryt}"
    found = re.findall(r"<td class=\"num\">(.*?)</td>", rows[0], re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in found]


def test_values_match_a_hand_computation_in_polish(
    round_, participant_a, participant_b, operator, settings
):
    settings.LANGUAGE_CODE = "pl"
    approve(round_, TERYT_A, participant_a, operator, UNIT_A_VALUES)
    approve(round_, TERYT_B, participant_b, operator, UNIT_B_VALUES, then_approve=False)
    computation = compute(operator)
    response = client_for(operator).get(url(round_))
    assert response.status_code == 200
    html = response.content.decode().replace("\xa0", " ")
    # Columns: the set's members, then what they use (COST_PUPIL, in NET_COST).
    # 1 234 567,89 / 1000 = 1 234,56789 → 2 places: 1 234,57;
    # 1 234,56789 − 600 000 / 1000 = 634,56789 → 0 places: 635;
    # 1000 / 40 = 25 → 1 place: 25,0; POP has no public statistics: no data.
    assert cells(html, TERYT_A) == ["635", "25,0", "— (brak danych)", "1 234,57"]
    assert "Koszt netto na ucznia" in html and "[zł/ucznia]" in html
    # Unit B submitted but is not approved: not shown, only counted.
    assert TERYT_B not in html
    assert "1 jednostka nie została jeszcze zatwierdzona" in html
    assert f"wersja danych {computation.data_version}" in html  # the stored results shown


def test_division_by_zero_is_marked_and_explained(round_, participant_a, participant_b, operator):
    approve(round_, TERYT_A, participant_a, operator, UNIT_A_VALUES)
    approve(round_, TERYT_B, participant_b, operator, UNIT_B_VALUES)
    compute(operator)
    html = client_for(operator).get(url(round_)).content.decode()
    # 500 000 / 400 = 1 250; − 300 000 / 400 = 500; 400 / 0: division by zero.
    assert cells(html, TERYT_B) == ["500", "— (division by zero)", "— (no data)", "1,250.00"]
    assert cells(html, TERYT_A)[0] == "635"
    assert "the formula divides by a value that is zero" in html
    assert "a value the formula needs is empty or not available" in html


def test_participants_and_the_moderator_see_their_units_rows(
    round_, participant_a, participant_b, moderator, operator
):
    approve(round_, TERYT_A, participant_a, operator, UNIT_A_VALUES)
    approve(round_, TERYT_B, participant_b, operator, UNIT_B_VALUES)
    compute(operator)
    for user, shown, hidden in (
        (participant_a, [TERYT_A], [TERYT_B]),
        (participant_b, [TERYT_B], [TERYT_A]),
        (moderator, [TERYT_A, TERYT_B], []),
        (operator, [TERYT_A, TERYT_B], []),
    ):
        html = client_for(user).get(url(round_)).content.decode()
        assert all(teryt in html for teryt in shown), user
        assert not any(teryt in html for teryt in hidden), user


def test_nothing_approved_shows_nothing_computed(round_, participant_a, operator):
    approve(round_, TERYT_A, participant_a, operator, UNIT_A_VALUES, then_approve=False)
    html = client_for(operator).get(url(round_)).content.decode()
    assert "No submission you may see has been approved yet" in html
    assert "2 more units have not been approved yet" in html


def test_the_round_page_links_the_results(round_, participant_a):
    html = client_for(participant_a).get(f"/rounds/{round_.pk}/").content.decode()
    assert f'href="{url(round_)}"' in html


def test_stranger_is_refused_and_anonymous_sent_to_log_in(round_, stranger, nobody):
    # A round one takes no part in answers as a round that does not exist.
    assert client_for(stranger).get(url(round_)).status_code == 404
    assert client_for(nobody).get(url(round_)).status_code == 404
    response = client_for(None).get(url(round_))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_round_is_404(programme, operator):
    assert client_for(operator).get("/rounds/999/results/").status_code == 404


def test_page_makes_a_fixed_number_of_queries(
    round_, participant_a, participant_b, operator, django_assert_max_num_queries
):
    approve(round_, TERYT_A, participant_a, operator, UNIT_A_VALUES)
    approve(round_, TERYT_B, participant_b, operator, UNIT_B_VALUES)
    compute(operator)
    client = client_for(operator)
    with django_assert_max_num_queries(30):
        client.get(url(round_))


def approve_on_the_page(round_, teryt, participant, operator, values):
    """Submit, then approve as the office does on the form: which queues a computation."""
    approve(round_, teryt, participant, operator, values, then_approve=False)
    response = client_for(operator).post(f"/rounds/{round_.pk}/units/{teryt}/approve/")
    assert response.status_code == 302


def test_the_page_reads_stored_results_and_says_when_there_are_none(
    round_, participant_a, participant_b, operator
):
    client = client_for(operator)
    # Approved without a computation (approved by the service alone): nothing to show,
    # and nothing is evaluated on the page.
    approve(round_, TERYT_A, participant_a, operator, UNIT_A_VALUES)
    none = client.get(url(round_)).content.decode()
    assert "No results have been computed yet." in none
    assert cells_or_none(none) == []
    assert 'href="/results/"' in none  # the office's way to the computations
    computation_request(user=operator)
    waiting = client.get(url(round_)).content.decode()
    assert "The results are waiting to be computed" in waiting
    assert cells_or_none(waiting) == []
    Computation.objects.filter(state=ComputationState.QUEUED).update(
        state=ComputationState.RUNNING, done=3, total=6
    )
    running = client.get(url(round_)).content.decode()
    assert "The results are being computed (50% done)" in running
    Computation.objects.update(state=ComputationState.QUEUED, done=0)
    compute(operator)
    assert cells(client.get(url(round_)).content.decode(), TERYT_A)[0] == "635"
    # A later approval queues a computation; the stored results stay until it has run.
    approve_on_the_page(round_, TERYT_B, participant_b, operator, UNIT_B_VALUES)
    later = client.get(url(round_)).content.decode()
    assert cells(later, TERYT_A)[0] == "635"
    assert "1 unit was approved after this computation" in later
    assert "A newer computation is waiting to start" in later
    compute(operator)
    done = client.get(url(round_)).content.decode()
    assert cells(done, TERYT_B)[0] == "500"
    assert "approved after this computation" not in done and "newer computation" not in done


def test_a_participant_sees_the_status_without_the_office_link(round_, participant_a, operator):
    approve_on_the_page(round_, TERYT_A, participant_a, operator, UNIT_A_VALUES)
    html = client_for(participant_a).get(url(round_)).content.decode()
    assert "The results are waiting to be computed" in html
    assert 'href="/results/"' not in html


def cells_or_none(html: str) -> list[str]:
    return re.findall(r"<td class=\"num\">", html)
