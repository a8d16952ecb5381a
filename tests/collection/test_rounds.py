"""Rounds: what they ask for, opening (pinning set versions), closing, choosing units."""

import pytest
from django.core.exceptions import PermissionDenied

from benchlearn.catalogue.models import Indicator, IndicatorSet, IndicatorSetVersion
from benchlearn.catalogue.selectors import current_version
from benchlearn.catalogue.services import catalogue_import, edit_token, indicator_update
from benchlearn.collection.models import RoundState, Submission, SubmissionState
from benchlearn.collection.selectors import (
    round_variables,
    units_by_filter,
    units_by_teryt,
    units_of_group,
)
from benchlearn.collection.services import (
    CollectionError,
    round_close,
    round_create,
    round_open,
)
from tests.collection.conftest import COLLECTION_YAML, DEADLINE, make_round
from tests.conftest import TERYT_A, TERYT_B


def codes(variables):
    return [v.code for v in variables]


def test_round_asks_for_entered_variables_through_indicator_references(round_):
    # EDU_NET_COST uses the indicator EDU_COST_PUPIL (not in the set), which uses
    # EDU_EXP; NEW_PUPILS is only in a declared denominator; PUPILS (public statistics)
    # and SATISF (survey) are not typed in; WASTE_T belongs to another set.
    assert codes(round_variables(round_)) == ["EDU_EXP", "NEW_PUPILS", "SUBSIDY", "TEACHERS"]


def test_variables_are_ordered_by_domain_then_code(published, operator, units):
    round_ = make_round(operator, list(units.values()), sets=("SET_WASTE", "SET_EDU"))
    assert codes(round_variables(round_)) == [
        "EDU_EXP",
        "NEW_PUPILS",
        "SUBSIDY",
        "TEACHERS",
        "WASTE_T",
    ]


def test_opening_pins_the_published_versions_and_creates_submissions(round_, units):
    assert round_.state == RoundState.OPEN
    pinned = list(round_.set_versions.all())
    assert [v.set.code for v in pinned] == ["SET_EDU"]
    assert pinned[0].published_at is not None
    submissions = Submission.objects.filter(round=round_)
    assert {s.unit for s in submissions} == set(units.values())
    assert {s.state for s in submissions} == {SubmissionState.DRAFT}


def test_a_later_catalogue_edit_does_not_change_an_open_round(round_, operator):
    indicator = Indicator.objects.get(code="TEACHERS_PER_100")
    version = current_version(indicator)
    indicator_update(
        indicator=indicator,
        user=operator,
        base_number=version.number,
        base_token=edit_token(version.updated_at),
        formula="TEACHERS / PUPILS * 100",
        numerator="TEACHERS * 100",
        denominator="PUPILS",
    )
    assert "NEW_PUPILS" in codes(round_variables(round_))


def test_a_set_without_a_published_version_cannot_be_opened(db, operator, units):
    catalogue_import(text=COLLECTION_YAML, user=operator)  # not published
    round_ = round_create(
        user=operator,
        name="Oświata",
        period=2024,
        indicator_sets=IndicatorSet.objects.filter(code="SET_EDU"),
        units=[units["a"]],
        deadline=DEADLINE,
    )
    with pytest.raises(CollectionError) as refused:
        round_open(round_=round_, user=operator)
    assert "SET_EDU has no published version" in str(refused.value)
    round_.refresh_from_db()
    assert round_.state == RoundState.DRAFT
    assert not Submission.objects.exists()
    assert not IndicatorSetVersion.objects.filter(rounds=round_).exists()


def test_round_needs_a_name_sets_and_units(published, operator):
    with pytest.raises(CollectionError) as refused:
        round_create(
            user=operator, name=" ", period=2024, indicator_sets=[], units=[], deadline=DEADLINE
        )
    assert len(refused.value.problems) == 3


def test_closing_and_reopening_rules(round_, operator):
    with pytest.raises(CollectionError):
        round_open(round_=round_, user=operator)
    round_close(round_=round_, user=operator)
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED and round_.closed_at is not None
    with pytest.raises(CollectionError):
        round_close(round_=round_, user=operator)


def test_units_from_a_group_a_list_or_a_filter(group, units):
    assert units_of_group(group) == sorted([units["a"], units["b"]], key=lambda u: u.name)
    found, unknown = units_by_teryt([TERYT_A, " ", TERYT_B, TERYT_A, "9999999"])
    assert [u.teryt for u in found] == [TERYT_A, TERYT_B]
    assert unknown == ["9999999"]
    assert units["c"] in units_by_filter(kind=units["c"].kind, voivodeship="śląskie")
    assert units_by_filter(voivodeship="mazowieckie") == []


@pytest.mark.parametrize("name", ["moderator", "participant_a", "stranger", "nobody"])
def test_only_operators_create_open_and_close_rounds(round_, programme, units, name):
    user = programme[name]
    with pytest.raises(PermissionDenied):
        round_create(
            user=user,
            name="X",
            period=2024,
            indicator_sets=IndicatorSet.objects.all(),
            units=[units["a"]],
            deadline=DEADLINE,
        )
    with pytest.raises(PermissionDenied):
        round_close(round_=round_, user=user)


# --- closing with confirmation, reopening with a reason -----------------------------------


def test_closing_asks_first_and_names_the_forms_still_open(round_, operator, unit_a, unit_b):
    from benchlearn.collection.models import RoundEvent, RoundState
    from tests.conftest import client_for

    client = client_for(operator)
    page = client.get(f"/rounds/{round_.pk}/close/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Close Oświata 2024?" in html
    assert unit_a.name in html and unit_b.name in html
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN  # asking changed nothing
    response = client.post(f"/rounds/{round_.pk}/close/")
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED
    event = RoundEvent.objects.get(round=round_, kind=RoundEvent.Kind.CLOSED)
    assert event.by == operator
    assert {u["name"] for u in event.open_units} >= {unit_a.name, unit_b.name}


def test_an_operator_reopens_a_closed_round_with_a_reason(round_, operator):
    from benchlearn.collection.models import RoundEvent, RoundState
    from benchlearn.collection.services import round_close
    from tests.conftest import client_for

    round_close(round_=round_, user=operator)
    client = client_for(operator)
    refused = client.post(f"/rounds/{round_.pk}/reopen/", {"reason": "  "})
    assert refused.status_code == 400
    assert "Say why the round is reopened" in refused.content.decode()
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED
    done = client.post(f"/rounds/{round_.pk}/reopen/", {"reason": "Gliwice poprawia dane"})
    assert done.status_code == 302
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN and round_.closed_at is None
    event = RoundEvent.objects.get(round=round_, kind=RoundEvent.Kind.REOPENED)
    assert (event.by, event.reason) == (operator, "Gliwice poprawia dane")
    history = client.get(f"/rounds/{round_.pk}/").content.decode()
    assert "History of the round" in history and "Gliwice poprawia dane" in history


def test_only_operators_reopen_and_only_closed_rounds(round_, operator, moderator, participant_a):
    from django.core.exceptions import PermissionDenied

    from benchlearn.collection.services import CollectionError, round_close, round_reopen
    from tests.conftest import client_for

    with pytest.raises(CollectionError, match="Only a closed round"):
        round_reopen(round_=round_, user=operator, reason="x")
    round_close(round_=round_, user=operator)
    for user in (moderator, participant_a):
        with pytest.raises(PermissionDenied):
            round_reopen(round_=round_, user=user, reason="x")
        assert (
            client_for(user).post(f"/rounds/{round_.pk}/reopen/", {"reason": "x"}).status_code
            == 403
        )
        assert client_for(user).get(f"/rounds/{round_.pk}/close/").status_code == 403
