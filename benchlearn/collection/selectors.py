"""Reads of data collection: what a round asks for, who may see which submission, the
values and their history, and the approved values as a frame for the engine.

Every lookup a page makes goes through a ``*_get_for_user`` helper here (404 for what
does not exist, 403 for what the user may not see); see ``benchlearn.accounts.access``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import (
    Perm,
    SignoffStep,
    active_account,
    may,
    may_review,
    may_send,
    require_seen,
    signoff_steps,
    unit_scope_of,
)
from benchlearn.catalogue.models import (
    UNIT_KIND_LABELS,
    IndicatorSet,
    IndicatorSetVersion,
    IndicatorVersion,
    Source,
    Variable,
)
from benchlearn.catalogue.selectors import version_for_year
from benchlearn.collection.models import (
    OPEN_STATES,
    ReturnComment,
    Round,
    RoundEvent,
    RoundState,
    Submission,
    SubmissionEvent,
    SubmissionState,
    Value,
    ValueChange,
)
from benchlearn.engine.catalogue import applies_to, valid_in
from benchlearn.engine.formula import FormulaError, parse, references
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import ContextValue, Level, Unit, UnitMembership

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

# Variables a unit never types in: they come from public statistics or surveys.
NOT_ENTERED = (Source.PUBLIC_STATISTICS, Source.SURVEY)

# --- what a round asks for ------------------------------------------------------------


def set_published_version(indicator_set: IndicatorSet) -> IndicatorSetVersion | None:
    """The set's newest published version (what a round opened now would pin)."""
    return indicator_set.versions.filter(published_at__isnull=False).order_by("-number").first()


def round_set_versions(round_: Round, kind: str | None = None) -> list[IndicatorSetVersion]:
    """The set versions a round asks for: those pinned when it was opened or, while it is
    still in preparation, the sets' current published versions (a preview). With
    ``kind``, only those of the sets that apply to units of that kind."""
    if round_.state != RoundState.DRAFT:
        # Pinned when the round opened: kept on the round object, as its variables.
        pinned: list[IndicatorSetVersion] | None = getattr(round_, "_set_versions", None)
        if pinned is None:
            pinned = list(
                round_.set_versions.select_related("set").order_by("set__position", "set__code")
            )
            round_._set_versions = pinned  # type: ignore[attr-defined]
        versions = list(pinned)
    else:
        published = (
            set_published_version(s) for s in round_.indicator_sets.order_by("position", "code")
        )
        versions = [v for v in published if v is not None]
    return [v for v in versions if kind is None or applies_to(set_kinds(round_, v), kind)]


def round_sets_for_kinds(round_: Round) -> list[tuple[IndicatorSetVersion, list[str]]]:
    """The round's set versions, each with the names of the kinds of unit it applies to
    (none: every kind)."""
    return [
        (version, [str(UNIT_KIND_LABELS[kind]) for kind in set_kinds(round_, version)])
        for version in round_set_versions(round_)
    ]


def set_kinds(round_: Round, version: IndicatorSetVersion) -> list[str]:
    """The kinds of unit a set of the round applies to: as pinned when the round was
    opened (a round opened before sets declared kinds: every kind), else the set's now."""
    if round_.state == RoundState.DRAFT:
        return list(version.set.kinds)
    return list(round_.set_kinds.get(version.set.code, []))


def _published_versions_by_code() -> dict[str, IndicatorVersion]:
    """Every indicator's newest published version (its current one if none is published)."""
    chosen: dict[str, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("indicator__domain").order_by(
        "indicator_id", F("published_at").desc(nulls_last=True), "-number"
    ):
        chosen.setdefault(version.indicator.code, version)
    return chosen


def round_indicator_versions(round_: Round, kind: str | None = None) -> list[IndicatorVersion]:
    """The indicator versions a round computes: the members pinned by its set versions,
    then the indicators their formulas use (transitively, including declared numerators
    and denominators) in their newest published version. With ``kind``, only for the
    sets that apply to units of that kind."""
    entries = (
        IndicatorVersion.objects.filter(
            set_entries__set_version__in=round_set_versions(round_, kind)
        )
        .select_related("indicator__domain")
        .order_by("set_entries__set_version__set__position", "set_entries__order")
    )
    chosen: dict[str, IndicatorVersion] = {}
    for version in entries:
        chosen.setdefault(version.indicator.code, version)
    chosen = _valid_in_period(chosen, round_.period)
    fallback: dict[str, IndicatorVersion] | None = None
    todo = list(chosen.values())
    while todo:
        for code in sorted(_codes_used(todo.pop())):
            if code in chosen:
                continue
            if fallback is None:
                fallback = _valid_in_period(_published_versions_by_code(), round_.period)
            if code in fallback:
                chosen[code] = fallback[code]
                todo.append(fallback[code])
    return list(chosen.values())


def _valid_in_period(
    chosen: dict[str, IndicatorVersion], period: int
) -> dict[str, IndicatorVersion]:
    """Each version, or where it does not hold for the round's data year the published
    version of the same indicator that does (the highest-numbered valid in that year);
    an indicator with none is left out: the round neither asks for nor computes it."""
    if all(valid_in(v.valid_from, v.valid_to, period) for v in chosen.values()):
        return chosen
    others: dict[int, list[IndicatorVersion]] = {}
    invalid = [
        v.indicator_id for v in chosen.values() if not valid_in(v.valid_from, v.valid_to, period)
    ]
    for version in IndicatorVersion.objects.filter(
        indicator_id__in=invalid, published_at__isnull=False
    ).select_related("indicator__domain"):
        others.setdefault(version.indicator_id, []).append(version)
    found: dict[str, IndicatorVersion] = {}
    for code, version in chosen.items():
        if valid_in(version.valid_from, version.valid_to, period):
            found[code] = version
            continue
        replacement = version_for_year(others.get(version.indicator_id, []), period)
        if replacement is not None:
            found[code] = replacement
    return found


def _codes_used(version: IndicatorVersion) -> set[str]:
    codes: set[str] = set()
    for text in (version.formula, version.numerator, version.denominator):
        codes |= _references_of(text)
    return codes


@functools.lru_cache(maxsize=4096)
def _references_of(text: str) -> frozenset[str]:
    """The codes a formula uses. Cached by its text: every check of a submission asks
    for the round's variables, and parsing hundreds of formulas each time cost more
    than the rest of the check."""
    if not text.strip():
        return frozenset()
    try:
        return frozenset(references(parse(text)))
    except FormulaError:  # a published formula always parses; be safe anyway
        return frozenset()


def _round_variable_codes(versions: Iterable[IndicatorVersion]) -> set[str]:
    indicator_codes = set()
    codes: set[str] = set()
    for version in versions:
        indicator_codes.add(version.indicator.code)
        codes |= _codes_used(version)
    return codes - indicator_codes


def round_variables(round_: Round, kind: str | None = None) -> list[Variable]:
    """The variables the units of the round must provide: with ``kind``, those a unit
    of that kind must provide (the round's sets that apply to its kind); without, those
    of every set of the round.

    All variables the formulas of the round's indicators use (through indicators that
    use other indicators, and declared numerators and denominators too), minus those
    filled from public statistics or surveys; in form order: by domain, then by code
    (variables of no domain last).
    """
    # An opened round's set versions are pinned: its variables are kept on the round
    # object for the rest of its life (one request or task), since submitting checks a
    # submission three times (before sending, then frozen in each language).
    remembered = _round_memo(round_)
    if kind in remembered and round_.state != RoundState.DRAFT:
        return list(remembered[kind])
    if kind is not None and not round_asks_by_kind(round_):
        return round_variables(round_)
    codes = _round_variable_codes(round_indicator_versions(round_, kind))
    # A variable not defined for the round's data year is not asked for.
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=round_.period)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=round_.period)
    )
    variables = list(
        Variable.objects.filter(valid, code__in=codes)
        .exclude(source__in=NOT_ENTERED)
        .select_related("domain")
        .order_by(F("domain__position").asc(nulls_last=True), "domain__code", "code")
    )
    if round_.state != RoundState.DRAFT:
        remembered[kind] = tuple(variables)
    return variables


def _round_memo(round_: Round) -> dict[str | None, tuple[Variable, ...]]:
    """The round object's remembered variables by kind of unit (see ``round_variables``)."""
    memo: dict[str | None, tuple[Variable, ...]] = round_.__dict__.setdefault("_variables", {})
    return memo


def round_memo_share(source: Round, target: Round) -> None:
    """Let ``target``, another object of the same round in the same state, use and add
    to what ``source`` remembers of it (a submission locked anew keeps its round's)."""
    if source.pk == target.pk and source.state == target.state:
        target.__dict__["_variables"] = _round_memo(source)


def round_asks_by_kind(round_: Round) -> bool:
    """Whether the round asks units of different kinds for different sets: one of its
    sets declares the kinds of unit it applies to."""
    return any(set_kinds(round_, version) for version in round_set_versions(round_))


def submission_variables(submission: Submission) -> list[Variable]:
    """The variables a unit provides in its submission: those of the round's sets that
    apply to its kind (a county is not asked for a gmina set's)."""
    return round_variables(submission.round, submission.unit.kind)


def not_asked_message(code: str, unit: Unit) -> str:
    """Why a variable the round asks of other kinds of unit is refused for ``unit``."""
    return _(
        "%(code)s is not asked of %(unit)s: the round's sets that need it do not apply "
        "to a %(kind)s."
    ) % {"code": code, "unit": unit.name, "kind": unit.get_kind_display()}


# --- choosing units for a round ---------------------------------------------------------


def units_of_group(group: ExchangeGroup) -> list[Unit]:
    return list(group.units.order_by("name", "teryt"))


def units_by_teryt(codes: Iterable[str]) -> tuple[list[Unit], list[str]]:
    """The units with these TERYT codes (spaces and repeats ignored), and the codes that
    name no unit — a round should not be created while there are any."""
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    found = {u.teryt: u for u in Unit.objects.filter(teryt__in=wanted)}
    return [found[c] for c in wanted if c in found], [c for c in wanted if c not in found]


def units_by_filter(*, kind: str = "", voivodeship: str = "") -> list[Unit]:
    """Units in the register (not abolished) of a kind and/or voivodeship."""
    units = Unit.objects.filter(abolished_on__isnull=True)
    if kind:
        units = units.filter(kind=kind)
    if voivodeship:
        units = units.filter(voivodeship__iexact=voivodeship)
    return list(units.order_by("name", "teryt"))


# --- lookups with access checks -------------------------------------------------------


def rounds_visible_to(user: AnyUser) -> QuerySet[Round]:
    """Rounds the user may open: all for operators, otherwise rounds in which a unit
    they act for (or moderate) takes part, once opened."""
    units = unit_scope_of(user)
    if units is None:
        return Round.objects.all()
    return Round.objects.filter(units__in=units).exclude(state=RoundState.DRAFT).distinct()


def rounds_of_unit_for(user: AnyUser, unit: Unit) -> list[Round]:
    """The rounds ``unit`` takes part in that the user may open, newest period first."""
    return list(rounds_visible_to(user).filter(units=unit).order_by("-period", "name"))


def round_get_for_user(user: AnyUser, round_id: int) -> Round:
    """The round, if ``user`` may open it; else 404, as for a round that does not exist."""
    round_ = rounds_visible_to(user).filter(pk=round_id).select_related("created_by").first()
    if round_ is None:
        raise Http404(
            _("There is no collection round number %(id)s that you may open.") % {"id": round_id}
        )
    return round_


def round_open_submissions(round_: Round) -> list[Submission]:
    """The round's forms still open in their units (draft, returned, awaiting sign-off):
    what closing the round leaves unsent, for the confirmation to name."""
    return list(
        Submission.objects.filter(round=round_, state__in=OPEN_STATES)
        .select_related("unit")
        .order_by("unit__name", "unit__teryt")
    )


def round_events(round_: Round) -> list[RoundEvent]:
    """The round's history: opened, closed (with the forms then still open), reopened
    (with the reason)."""
    return list(round_.events.select_related("by"))


def submissions_visible_to(user: AnyUser, round_: Round | None = None) -> QuerySet[Submission]:
    submissions = Submission.objects.select_related("unit", "round")
    if round_ is not None:
        submissions = submissions.filter(round=round_)
    units = unit_scope_of(user)
    if units is None:
        return submissions
    return submissions.filter(unit__in=units).exclude(round__state=RoundState.DRAFT).distinct()


def submission_get_for_user(
    user: AnyUser, submission_id: int, perm: Perm = Perm.SUBMISSION_VIEW
) -> Submission:
    """The submission, if ``user`` may ``perm`` it (SUBMISSION_VIEW or SUBMISSION_EDIT);
    404 when there is none or they may not see it, 403 when they see it but may not
    ``perm`` it."""
    submission = (
        Submission.objects.filter(pk=submission_id)
        .select_related("round", "unit", "submitted_by", "approved_by")
        .first()
    )
    missing = _("There is no submission number %(id)s that you may open.") % {"id": submission_id}
    _require_submission(user, perm, submission, missing)
    assert submission is not None
    return submission


def _require_submission(
    user: AnyUser, perm: Perm, submission: Submission | None, missing: str
) -> None:
    unit = submission.unit if submission is not None else None
    require_seen(user, perm, unit, seen=Perm.SUBMISSION_VIEW, missing=missing)


def submission_of_unit_get_for_user(
    user: AnyUser, round_id: int, teryt: str, perm: Perm = Perm.SUBMISSION_VIEW
) -> Submission:
    """A unit's submission in a round, by the round's number and the unit's TERYT code."""
    submission = (
        Submission.objects.filter(round_id=round_id, unit__teryt=teryt)
        .select_related("round", "unit", "submitted_by", "approved_by")
        .first()
    )
    missing = _(
        "There is no submission of unit %(teryt)s in collection round number %(id)s that "
        "you may open."
    ) % {"teryt": teryt[:16], "id": round_id}
    _require_submission(user, perm, submission, missing)
    assert submission is not None
    return submission


def submission_capabilities(user: AnyUser, submission: Submission) -> dict[str, bool]:
    """What the page may offer: edit, submit, return, approve, reopen; with internal
    sign-off also request_signoff (middle level), confirm and send_back (strategic)."""
    is_open = submission.round.state == RoundState.OPEN
    editable = is_open and submission.is_editable
    manage = may(user, Perm.COLLECTION_MANAGE)
    review = may_review(user, submission)
    enter = may(user, Perm.SUBMISSION_EDIT, submission.unit)
    internal = submission.round.internal_signoff
    steps = signoff_steps(user, submission.unit) if internal and enter else frozenset()
    awaiting = internal and is_open and submission.state == SubmissionState.SIGNOFF
    send = enter and may_send(user, submission.unit, internal_signoff=internal)
    return {
        "edit": editable and enter,
        "submit": editable and send,
        "request_signoff": editable
        and SignoffStep.REQUEST in steps
        and SignoffStep.CONFIRM not in steps,
        "confirm": awaiting and SignoffStep.CONFIRM in steps,
        "send_back": awaiting and SignoffStep.CONFIRM in steps,
        "return": review and is_open and submission.state == SubmissionState.SUBMITTED,
        "approve": review and submission.state == SubmissionState.SUBMITTED,
        "reopen": manage
        and is_open
        and submission.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED),
    }


@dataclass(frozen=True)
class Signoff:
    """A round with internal sign-off, seen by one person on a unit's form."""

    level: str  # the person's level in the unit, as shown ("" for the office, moderators)
    # What the person does in it: "confirm" (strategic), "request" (middle), "enter"
    # (operational), "" (they do not act for the unit: the office shows no role).
    role: str
    requested: SubmissionEvent | None  # when waiting: who submitted for sign-off, when


def submission_signoff(user: AnyUser, submission: Submission) -> Signoff | None:
    """None when the round has no internal sign-off."""
    if not submission.round.internal_signoff:
        return None
    account = active_account(user)
    memberships = (
        UnitMembership.objects.filter(user_id=account.pk, unit_id=submission.unit_id)
        if account is not None
        else UnitMembership.objects.none()
    )
    levels = [str(Level(m.level).label) for m in memberships]
    steps = signoff_steps(user, submission.unit) if levels else frozenset()
    role = next(
        (
            str(step)
            for step in (SignoffStep.CONFIRM, SignoffStep.REQUEST, SignoffStep.ENTER)
            if step in steps
        ),
        "",
    )
    requested = None
    if submission.state == SubmissionState.SIGNOFF:
        requested = (
            submission.events.filter(kind=SubmissionEvent.Kind.TO_SIGNOFF)
            .select_related("by")
            .order_by("-at", "-pk")
            .first()
        )
    return Signoff(level=", ".join(levels), role=role, requested=requested)


# --- values and history ---------------------------------------------------------------


def submission_values(submission: Submission) -> dict[str, Value]:
    """The stored values of the submission's unit and period, by variable code (values
    of variables outside the round included: they are harmless)."""
    values = Value.objects.filter(unit_id=submission.unit_id, period=submission.round.period)
    return {v.variable.code: v for v in values.select_related("variable", "updated_by")}


def submission_revisions(submission: Submission) -> dict[str, int]:
    """The revision of every stored value by variable code: what a form carries back as
    ``base_revisions`` (a variable without a value has revision 0)."""
    rows = Value.objects.filter(
        unit_id=submission.unit_id, period=submission.round.period
    ).values_list("variable__code", "revision")
    return dict(rows)


def previous_values(submission: Submission) -> dict[str, Decimal | None]:
    """The unit's values of the period before the round's, by variable code."""
    rows = Value.objects.filter(
        unit_id=submission.unit_id, period=submission.round.period - 1
    ).values_list("variable__code", "value")
    return dict(rows)


def last_known_values(submission: Submission) -> dict[str, tuple[int, Decimal]]:
    """The unit's newest non-empty value of each variable from any year before the
    round's, with its year, by variable code (a year left empty does not hide an
    earlier one)."""
    rows = (
        Value.objects.filter(
            unit_id=submission.unit_id, period__lt=submission.round.period, value__isnull=False
        )
        .order_by("period")
        .values_list("variable__code", "period", "value")
    )
    return {code: (period, value) for code, period, value in rows if value is not None}


def submission_history(submission: Submission) -> list[ValueChange]:
    """Every change of the submission's unit's values of the round's period, newest first
    (including changes made through another round of the same period or by imports)."""
    return list(
        ValueChange.objects.filter(
            value__unit_id=submission.unit_id, value__period=submission.round.period
        ).select_related("value__variable", "changed_by", "submission__round")
    )


def value_history(value: Value) -> list[ValueChange]:
    return list(value.changes.select_related("changed_by", "submission__round"))


def submission_events(submission: Submission) -> list[SubmissionEvent]:
    return list(submission.events.select_related("by"))


def return_comments(submission: Submission, *, open_only: bool = False) -> list[ReturnComment]:
    comments = submission.return_comments.select_related("variable", "created_by")
    if open_only:
        comments = comments.filter(resolved_at__isnull=True)
    return list(comments)


# --- values for the engine -----------------------------------------------------------

FRAME_SCHEMA = {"unit": pl.String, "period": pl.Int64, "variable": pl.String, "value": pl.Float64}


def values_frame(
    *, periods: Iterable[int], units: Iterable[Unit], variables: Iterable[Variable]
) -> pl.DataFrame:
    """Long values (``unit`` TERYT code, ``period``, ``variable`` code, ``value`` float)
    the engine may compute with: for variables entered by units, values of approved
    submissions only (a unit's values for a year count once an operator approved a
    submission of that unit in a round of that year); for public-statistics variables,
    the units' context values; for survey variables, the stored values. Empty values
    are left out."""
    periods = list(periods)
    unit_ids = [u.pk for u in units]
    variables = list(variables)
    by_source: dict[str, list[int]] = {}
    for variable in variables:
        by_source.setdefault(variable.source, []).append(variable.pk)
    approved = Submission.objects.filter(
        unit_id=OuterRef("unit_id"),
        round__period=OuterRef("period"),
        state=SubmissionState.APPROVED,
    )
    stored = (
        Value.objects.filter(unit_id__in=unit_ids, period__in=periods, value__isnull=False)
        .alias(approved_exists=Exists(approved))
        .filter(
            Q(variable_id__in=by_source.get(Source.FORM, []), approved_exists=True)
            | Q(variable_id__in=by_source.get(Source.SURVEY, []))
        )
        .values_list("unit__teryt", "period", "variable__code", "value")
    )
    rows: list[tuple[str, int, str, float]] = [
        (teryt, int(period), code, float(value or 0))
        for teryt, period, code, value in stored.iterator(chunk_size=5000)
    ]
    context = ContextValue.objects.filter(
        unit_id__in=unit_ids,
        year__in=periods,
        variable_id__in=by_source.get(Source.PUBLIC_STATISTICS, []),
    ).values_list("unit__teryt", "year", "variable__code", "value")
    rows += [(t, int(y), c, float(v)) for t, y, c, v in context.iterator(chunk_size=5000)]
    return pl.DataFrame(rows, schema=FRAME_SCHEMA, orient="row")
