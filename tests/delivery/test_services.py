"""Recording how a unit delivers a service: what is stored, what is refused (and then
nothing is stored), who may, and two people editing at once."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from benchlearn.delivery.models import Delivery, DeliveryChange, DeliveryShare
from benchlearn.delivery.services import (
    DeliveryConflict,
    DeliveryError,
    ShareEntry,
    delivery_save,
)
from tests.delivery.conftest import YEAR, record


def _save(unit, domain, user, shares, *, base=0, period=YEAR):
    return delivery_save(
        unit=unit,
        domain=domain,
        period=period,
        entries=[ShareEntry(form, Decimal(share), note) for form, share, note in shares],
        user=user,
        base_revision=base,
    )


def _nothing_stored() -> bool:
    return not (
        Delivery.objects.exists()
        or DeliveryShare.objects.exists()
        or DeliveryChange.objects.exists()
    )


def test_participant_records_forms_and_the_change_is_kept(unit_a, domains, participant_a):
    delivery = _save(
        unit_a,
        domains["EDU"],
        participant_a,
        [("company", "70", "Spółka Oświata Sp. z o.o."), ("private", "30", "")],
    )
    assert delivery.revision == 1
    assert sorted(delivery.shares.values_list("form", "share")) == [
        ("company", Decimal("70.00")),
        ("private", Decimal("30.00")),
    ]
    change = DeliveryChange.objects.get()
    assert change.changed_by == participant_a and change.old == [] and change.revision == 1
    assert change.new == [
        {"form": "company", "share": "70.00", "note": "Spółka Oświata Sp. z o.o."},
        {"form": "private", "share": "30.00", "note": ""},
    ]


def test_a_second_change_records_before_and_after(group, unit_a, domains, participant_a, moderator):
    record(unit_a, domains["EDU"], participant_a, ("company", 100))
    record(unit_a, domains["EDU"], moderator, ("department", 60), ("company", 40))
    latest = DeliveryChange.objects.first()
    assert latest.changed_by == moderator and latest.revision == 2
    assert latest.old == [{"form": "company", "share": "100.00", "note": ""}]
    assert [row["form"] for row in latest.new] == ["department", "company"]


def test_saving_the_same_again_writes_no_history(unit_a, domains, participant_a):
    record(unit_a, domains["EDU"], participant_a, ("company", 100))
    again = record(unit_a, domains["EDU"], participant_a, ("company", 100))
    assert again.revision == 1 and DeliveryChange.objects.count() == 1


def test_shares_over_100_are_refused_and_nothing_is_stored(unit_a, domains, participant_a):
    with pytest.raises(DeliveryError) as error:
        _save(unit_a, domains["EDU"], participant_a, [("company", "70", ""), ("private", "50", "")])
    assert error.value.problems == [
        "The shares add up to 120 %: together the forms may cover at most 100 % of the service."
    ]
    assert _nothing_stored()


def test_a_change_over_100_leaves_the_stored_forms_as_they_were(unit_a, domains, participant_a):
    record(unit_a, domains["EDU"], participant_a, ("company", 100))
    with pytest.raises(DeliveryError):
        _save(
            unit_a,
            domains["EDU"],
            participant_a,
            [("company", "60.5", ""), ("union", "40", "")],
            base=1,
        )
    delivery = Delivery.objects.get()
    assert delivery.revision == 1
    assert list(delivery.shares.values_list("form", "share")) == [("company", Decimal("100.00"))]
    assert DeliveryChange.objects.count() == 1


@pytest.mark.parametrize(
    ("shares", "problem"),
    [
        (
            [("company", "0", "")],
            "The share of municipal company must be more than 0 and at most 100 %.",
        ),
        (
            [("company", "101", "")],
            "The share of municipal company must be more than 0 and at most 100 %.",
        ),
        ([("company", "50", ""), ("company", "10", "")], "municipal company is given twice."),
        ([("shop", "50", "")], "“shop” is not an organisational form."),
    ],
)
def test_impossible_entries_are_refused(unit_a, domains, participant_a, shares, problem):
    with pytest.raises(DeliveryError) as error:
        _save(unit_a, domains["EDU"], participant_a, shares)
    assert problem in error.value.problems
    assert _nothing_stored()


def test_a_year_out_of_range_is_refused(unit_a, domains, participant_a):
    with pytest.raises(DeliveryError) as error:
        _save(unit_a, domains["EDU"], participant_a, [("company", "100", "")], period=1999)
    assert error.value.problems[0].startswith("The year must be between 2000 and ")
    assert _nothing_stored()


def test_a_participant_of_another_unit_may_not_record(unit_a, domains, participant_b, stranger):
    for user in (participant_b, stranger):
        with pytest.raises(PermissionDenied):
            _save(unit_a, domains["EDU"], user, [("company", "100", "")])
    assert _nothing_stored()


def test_the_groups_moderator_and_the_office_may_record(
    group, unit_a, domains, moderator, operator
):
    record(unit_a, domains["EDU"], moderator, ("union", 100))
    record(unit_a, domains["WASTE"], operator, ("private", 100))
    assert Delivery.objects.filter(revision=1).count() == 2


def test_a_save_from_an_older_page_is_a_conflict(group, unit_a, domains, participant_a, moderator):
    # Both opened the page at revision 0; the moderator saved first.
    _save(unit_a, domains["EDU"], moderator, [("company", "100", "")], base=0)
    with pytest.raises(DeliveryConflict) as error:
        _save(unit_a, domains["EDU"], participant_a, [("department", "100", "")], base=0)
    assert "Marek Moderator changed these forms" in error.value.problems[0]
    delivery = Delivery.objects.get()
    assert list(delivery.shares.values_list("form", flat=True)) == ["company"]
    assert DeliveryChange.objects.count() == 1


def test_clearing_the_forms_is_a_recorded_change(unit_a, domains, participant_a):
    record(unit_a, domains["EDU"], participant_a, ("company", 100))
    _save(unit_a, domains["EDU"], participant_a, [], base=1)
    assert not DeliveryShare.objects.exists()
    assert DeliveryChange.objects.first().new == []
