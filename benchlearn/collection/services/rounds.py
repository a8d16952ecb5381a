"""Collection rounds: created, opened, closed and reopened; each step is recorded
(``RoundEvent``), a reopening with its reason."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.accounts.models import User
from benchlearn.catalogue.models import IndicatorSet
from benchlearn.collection.models import (
    EDITABLE_STATES,
    Round,
    RoundEvent,
    RoundState,
    Submission,
    SubmissionState,
)
from benchlearn.collection.notices import round_opened_notify
from benchlearn.collection.selectors import round_open_submissions, set_published_version
from benchlearn.collection.services.common import (
    CollectionError,
)
from benchlearn.collection.services.workflow import submissions_signoff_release
from benchlearn.units.models import Level, Unit, UnitMembership


@transaction.atomic
def round_create(
    *,
    user: User,
    name: str,
    period: int,
    indicator_sets: Iterable[IndicatorSet],
    units: Iterable[Unit],
    deadline: date,
    warning_threshold: Decimal = Decimal(30),
    internal_signoff: bool = False,
) -> Round:
    """Create a round in preparation (state draft) for ``units``; ``internal_signoff``:
    the units' data leave them only when their strategic level confirms.

    Units are chosen by the caller: an exchange group's members
    (``selectors.units_of_group``), a list of TERYT codes (``selectors.units_by_teryt``)
    or a filter (``selectors.units_by_filter``).
    """
    require(user, Perm.COLLECTION_MANAGE)
    sets, chosen = list(indicator_sets), list(units)
    problems = []
    if not name.strip():
        problems.append(_("Give the round a name."))
    if not 1990 <= period <= 2100:
        problems.append(_("The year must be between 1990 and 2100."))
    if not sets:
        problems.append(_("Choose at least one indicator set."))
    if not chosen:
        problems.append(_("Choose at least one unit."))
    if warning_threshold <= 0:
        problems.append(_("The warning threshold must be a positive percentage."))
    if sets:
        problems += _units_without_sets(sets, chosen)
    if problems:
        raise CollectionError(problems)
    round_ = Round.objects.create(
        name=name.strip(),
        period=period,
        deadline=deadline,
        warning_threshold=warning_threshold,
        internal_signoff=internal_signoff,
        created_by=user,
    )
    round_.indicator_sets.set(sets)
    round_.units.set(chosen)
    return round_


def _units_without_sets(sets: list[IndicatorSet], units: list[Unit]) -> list[str]:
    """A problem per kind of unit none of the chosen sets applies to: such a unit would
    be asked for nothing."""
    left_out: dict[str, list[Unit]] = {}
    for unit in units:
        if not any(indicator_set.applies_to(unit.kind) for indicator_set in sets):
            left_out.setdefault(unit.kind, []).append(unit)
    return [
        _(
            "None of the chosen sets applies to a %(kind)s: %(units)s would be asked for "
            "nothing. Choose a set for them or leave them out."
        )
        % {"kind": found[0].get_kind_display(), "units": ", ".join(u.name for u in found)}
        for found in left_out.values()
    ]


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def round_open(*, round_: Round, user: User) -> Round:
    """Open a round: pin the sets' current published versions (refused if a set has
    none) and create a draft submission for every unit."""
    require(user, Perm.COLLECTION_MANAGE)
    round_ = _locked_round(round_)
    if round_.state != RoundState.DRAFT:
        raise CollectionError(_("Only a round in preparation can be opened."))
    versions, unpublished = [], []
    for indicator_set in round_.indicator_sets.order_by("position", "code"):
        version = set_published_version(indicator_set)
        if version is None:
            unpublished.append(indicator_set.code)
        else:
            versions.append(version)
    if unpublished:
        raise CollectionError(
            _(
                "The indicator set %(codes)s has no published version: publish the "
                "catalogue before opening the round."
            )
            % {"codes": ", ".join(unpublished)}
        )
    problems = _units_without_sets([v.set for v in versions], list(round_.units.all()))
    if problems:
        raise CollectionError(problems)
    round_.set_versions.set(versions)
    round_.set_kinds = {v.set.code: list(v.set.kinds) for v in versions}
    Submission.objects.bulk_create(
        [Submission(round=round_, unit=unit) for unit in round_.units.all()],
        ignore_conflicts=True,
    )
    round_.state, round_.opened_at = RoundState.OPEN, timezone.now()
    round_.save(update_fields=["state", "opened_at", "set_kinds"])
    RoundEvent.objects.create(
        round=round_, kind=RoundEvent.Kind.OPENED, at=round_.opened_at, by=user
    )
    round_opened_notify(round_)
    return round_


@transaction.atomic
def round_close(*, round_: Round, user: User) -> Round:
    """Close an open round: units can no longer edit or submit; operators may still
    approve what was submitted. The units whose forms were still open are recorded
    with the step (the page asks for confirmation naming them first)."""
    require(user, Perm.COLLECTION_MANAGE)
    round_ = _locked_round(round_)
    if round_.state != RoundState.OPEN:
        raise CollectionError(_("Only an open round can be closed."))
    round_.state, round_.closed_at = RoundState.CLOSED, timezone.now()
    round_.save(update_fields=["state", "closed_at"])
    RoundEvent.objects.create(
        round=round_,
        kind=RoundEvent.Kind.CLOSED,
        at=round_.closed_at,
        by=user,
        open_units=[
            {"teryt": s.unit.teryt, "name": s.unit.name, "state": s.state}
            for s in round_open_submissions(round_)
        ],
    )
    return round_


@transaction.atomic
def round_reopen(*, round_: Round, user: User, reason: str) -> Round:
    """Reopen a closed round (operators), with a reason that is recorded and shown in
    the round's history: the units can edit and submit again; approved submissions stay
    approved (an operator reopens them one by one)."""
    require(user, Perm.COLLECTION_MANAGE)
    round_ = _locked_round(round_)
    if round_.state != RoundState.CLOSED:
        raise CollectionError(_("Only a closed round can be reopened."))
    reason = reason.strip()
    if not reason:
        raise CollectionError(
            _("Say why the round is reopened: the reason is kept in its history.")
        )
    round_.state, round_.closed_at = RoundState.OPEN, None
    round_.save(update_fields=["state", "closed_at"])
    RoundEvent.objects.create(round=round_, kind=RoundEvent.Kind.REOPENED, by=user, reason=reason)
    return round_


ON, OFF = "on", "off"


def _without_signers(round_: Round) -> list[str]:
    """The units of ``round_`` whose data could not leave them with internal sign-off:
    people enter their data (participants, a form not yet sent) but none of them is at
    the strategic level. Units nobody acts for are the office's to enter and send."""
    units = round_.units.all()
    if round_.state == RoundState.OPEN:
        units = units.filter(submissions__round=round_, submissions__state__in=EDITABLE_STATES)
    with_people = UnitMembership.objects.filter(unit__in=units)
    signers = with_people.filter(level=Level.STRATEGIC).values("unit_id")
    return list(
        units.filter(pk__in=with_people.values("unit_id"))
        .exclude(pk__in=signers)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )


@transaction.atomic
def round_signoff_set(*, round_: Round, user: User, internal_signoff: bool) -> Round:
    """Switch the round's internal sign-off on or off (operators), recorded with the
    old and new setting. Switching on: forms not yet sent need their strategic level's
    confirmation from then on; refused while a unit with participants has none at the
    strategic level (its data could not leave it). Switching off: forms awaiting
    sign-off go back to the state they had (recorded per form and named in the round's
    history) and any participant may submit them. Refused once the round is closed."""
    require(user, Perm.COLLECTION_MANAGE)
    round_ = _locked_round(round_)
    if round_.state == RoundState.CLOSED:
        raise CollectionError(
            _("The round is closed: reopen it before changing its internal sign-off.")
        )
    if round_.internal_signoff == internal_signoff:
        raise CollectionError(
            _("Internal sign-off is already on in this round.")
            if internal_signoff
            else _("Internal sign-off is already off in this round.")
        )
    released: list[Submission] = []
    if internal_signoff:
        stranded = _without_signers(round_)
        if stranded:
            raise CollectionError(
                _(
                    "Nobody at the strategic level acts for these units, so their data could "
                    "not be sent: %(units)s. Give one of their participants the strategic "
                    "level first."
                )
                % {"units": ", ".join(stranded)}
            )
    else:
        released = list(
            Submission.objects.select_for_update(of=("self",))
            .filter(round=round_, state=SubmissionState.SIGNOFF)
            .select_related("unit")
            .order_by("unit__name")
        )
        submissions_signoff_release(submissions=released, user=user)
    round_.internal_signoff = internal_signoff
    round_.save(update_fields=["internal_signoff"])
    RoundEvent.objects.create(
        round=round_,
        kind=RoundEvent.Kind.SIGNOFF,
        by=user,
        old_value=OFF if internal_signoff else ON,
        new_value=ON if internal_signoff else OFF,
        open_units=[
            {"teryt": s.unit.teryt, "name": s.unit.name, "state": SubmissionState.SIGNOFF}
            for s in released
        ],
    )
    return round_
