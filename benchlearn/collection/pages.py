"""Reads that build the collection pages: the rows of a round's progress table, the
fields of a unit's form grouped by domain, a round's computed indicators, the start
page's forms and rounds.

Access is decided before these run (``selectors.*_get_for_user``); what a list shows is
still filtered through ``selectors.submissions_visible_to`` so that a list never shows a
unit a detail page would refuse.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import get_language

from benchlearn.accounts.access import active_account
from benchlearn.catalogue.models import Domain, IndicatorVersion, Variable
from benchlearn.collection.models import (
    UNSENT_STATES,
    ReturnComment,
    Round,
    RoundState,
    Submission,
    SubmissionState,
    Value,
)
from benchlearn.collection.rule_findings import Remark
from benchlearn.collection.selectors import (
    return_comments,
    round_asks_by_kind,
    round_variables,
    rounds_visible_to,
    submission_values,
    submissions_visible_to,
)
from benchlearn.collection.services import Conflict
from benchlearn.collection.validation import Check, UnitCounts, VariableCheck, round_check_counts

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def english() -> bool:
    return (get_language() or "pl").startswith("en")


def variable_name(variable: Variable) -> str:
    return variable.name_en if english() and variable.name_en else variable.name_pl


def variable_definition(variable: Variable) -> str:
    if english() and variable.definition_en:
        return variable.definition_en
    return variable.definition_pl


def domain_name(domain: Domain | None) -> str:
    if domain is None:
        return ""
    return domain.name_en if english() and domain.name_en else domain.name_pl


def input_number(number: Decimal | None) -> str:
    """A stored number as a Polish input shows it, exactly (``1 234,56``): spaces between
    thousands, a decimal comma, no trailing zeros. Whatever the page's language, the
    input takes Polish numbers, so it shows them too: saving the page unchanged must
    parse back to the very same number."""
    if number is None:
        return ""
    text = format(number.normalize() if number else Decimal(0), "f")
    sign = "-" if text.startswith("-") else ""
    integer, _dot, fraction = text.lstrip("-").partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    return sign + " ".join(groups) + ("," + fraction if fraction else "")


# --- a round's progress ------------------------------------------------------------------


@dataclass
class ProgressRow:
    submission: Submission
    filled: int
    required: int
    errors: int
    warnings: int

    @property
    def last_activity_at(self) -> datetime | None:
        return self.submission.last_activity_at

    @property
    def complete(self) -> bool:
        return self.filled >= self.required


@dataclass(frozen=True)
class ProgressTotals:
    """The whole table's sums, whatever page of it is shown."""

    units: int
    filled: int
    required: int  # values asked of all these units together
    errors: int
    warnings: int
    units_with_errors: int
    by_state: list[tuple[str, str, int]]  # (state, its label, units) of the states present


SORT_KEYS = {
    "unit": lambda row: (row.submission.unit.name.casefold(), row.submission.unit.teryt),
    "state": lambda row: (row.submission.state, row.submission.unit.name.casefold()),
    "filled": lambda row: (row.filled, row.submission.unit.name.casefold()),
    "errors": lambda row: (row.errors, row.submission.unit.name.casefold()),
    "warnings": lambda row: (row.warnings, row.submission.unit.name.casefold()),
    # Never active sorts first in ascending order: those are the units to chase.
    "activity": lambda row: (
        row.last_activity_at is not None,
        row.last_activity_at or datetime.min,
    ),
}


# What the table shows of a submission: thousands of them, so no more.
PROGRESS_FIELDS = (
    "round_id", "state", "last_activity_at", "unit__name", "unit__teryt", "unit__kind",
)  # fmt: skip


def round_rows(
    user: AnyUser,
    round_: Round,
    variables: list[Variable],
    *,
    sort: str = "unit",
    descending: bool = False,
) -> tuple[list[ProgressRow], ProgressTotals]:
    """The progress of every submission of the round the user may see, sorted, and their
    totals; ``variables`` are the round's (``round_variables``).

    Errors and warnings are counted for all units at once (``round_check_counts``): a
    national round has thousands of units, and a check per unit took minutes.
    """
    counts = round_check_counts(round_, variables)
    nothing = UnitCounts()
    required = _required_by_kind(round_)
    rows = [
        ProgressRow(
            submission=submission,
            filled=(found := counts.get(submission.unit_id, nothing)).filled,
            required=required.get(submission.unit.kind, len(variables)),
            errors=found.errors,
            warnings=found.warnings,
        )
        for submission in submissions_visible_to(user, round_)
        .select_related(None)
        .select_related("unit")
        .only(*PROGRESS_FIELDS)
    ]
    rows.sort(key=SORT_KEYS.get(sort, SORT_KEYS["unit"]), reverse=descending)
    states = Counter(row.submission.state for row in rows)
    totals = ProgressTotals(
        units=len(rows),
        filled=sum(row.filled for row in rows),
        required=sum(row.required for row in rows),
        errors=sum(row.errors for row in rows),
        warnings=sum(row.warnings for row in rows),
        units_with_errors=sum(1 for row in rows if row.errors),
        by_state=[
            (state, str(label), states[state])
            for state, label in SubmissionState.choices
            if states[state]
        ],
    )
    return rows, totals


def _required_by_kind(round_: Round) -> dict[str, int]:
    """How many variables the round asks of a unit of each kind of its units."""
    if not round_asks_by_kind(round_):
        return {}  # every unit is asked for every variable
    kinds = set(round_.units.values_list("kind", flat=True))
    return {kind: len(round_variables(round_, kind)) for kind in kinds}


def reminder_count(round_: Round) -> int:
    """How many units "Send reminders" tells (``notices.deadline_near_notify``): those
    whose data are still with their team or await the strategic level's sign-off."""
    if round_.state != RoundState.OPEN:
        return 0
    return Submission.objects.filter(round=round_, state__in=UNSENT_STATES).count()


# --- a unit's form -------------------------------------------------------------------------


@dataclass
class FieldRow:
    """One variable on the form: what it is, what is stored, what the person typed."""

    variable: Variable
    item: VariableCheck
    stored: Value | None
    text: str  # what the input shows: the person's input, or the stored number
    revision: int  # the base revision the page carries back
    comment: str
    show_comment: bool
    errors: list[str] = field(default_factory=list)  # from the last save or submit
    conflict: Conflict | None = None
    choice: str = ""
    return_comments: list[ReturnComment] = field(default_factory=list)
    # The errors and warnings for the read-only view, broken rules with what they
    # computed (filled by the view that shows them: see collection.rule_findings).
    remarks: list[Remark] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.variable.code

    @property
    def name(self) -> str:
        return variable_name(self.variable)

    @property
    def definition(self) -> str:
        return variable_definition(self.variable)

    @property
    def conflict_their_text(self) -> str:
        return input_number(self.conflict.their_value) if self.conflict else ""

    @property
    def conflict_your_text(self) -> str:
        return input_number(self.conflict.your_value) if self.conflict else ""


@dataclass
class DomainGroup:
    name: str
    code: str
    rows: list[FieldRow]


@dataclass
class FormInput:
    """What a page posted, to show it again after a refused save."""

    values: Mapping[str, str] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    revisions: Mapping[str, int] = field(default_factory=dict)
    choices: Mapping[str, str] = field(default_factory=dict)


def form_groups(
    submission: Submission,
    check: Check,
    *,
    posted: FormInput | None = None,
    errors: Mapping[str, list[str]] | None = None,
    conflicts: Mapping[str, Conflict] | None = None,
) -> list[DomainGroup]:
    """The form's variables grouped by domain, in the round's order."""
    posted = posted or FormInput()
    errors = errors or {}
    conflicts = conflicts or {}
    stored = submission_values(submission)
    open_comments: dict[str, list[ReturnComment]] = {}
    if submission.state in (SubmissionState.RETURNED, SubmissionState.DRAFT):
        for remark in return_comments(submission, open_only=True):
            open_comments.setdefault(remark.variable.code, []).append(remark)
    groups: list[DomainGroup] = []
    for code, item in check.items.items():
        value = stored.get(code)
        comment = posted.comments.get(code, value.comment if value else "")
        conflict = conflicts.get(code)
        row = FieldRow(
            variable=item.variable,
            item=item,
            stored=value,
            text=posted.values.get(code, input_number(value.value if value else None)),
            revision=conflict.revision
            if conflict
            else posted.revisions.get(code, value.revision if value else 0),
            comment=comment,
            show_comment=bool(
                item.warnings or item.explainable or comment or code in posted.comments
            ),
            errors=list(errors.get(code, [])),
            conflict=conflict,
            choice=posted.choices.get(code, ""),
            return_comments=open_comments.get(code, []),
        )
        domain = item.variable.domain
        if not groups or groups[-1].code != (domain.code if domain else ""):
            groups.append(DomainGroup(domain_name(domain), domain.code if domain else "", []))
        groups[-1].rows.append(row)
    return groups


# --- a round's indicators ------------------------------------------------------------------


def indicator_name(version: IndicatorVersion) -> str:
    return version.name_en if english() and version.name_en else version.name_pl


# --- the start page ----------------------------------------------------------------------


@dataclass
class StartCollection:
    forms: list[Submission]  # the user's units' submissions in open rounds
    rounds: list[Round]  # for operators: rounds in preparation or open


def start_collection_for(user: AnyUser) -> StartCollection:
    account = active_account(user)
    if account is None:
        return StartCollection([], [])
    forms = list(
        Submission.objects.filter(
            unit__memberships__user_id=account.pk, round__state=RoundState.OPEN
        )
        .select_related("round", "unit")
        .order_by("round__deadline", "unit__name")
        .distinct()
    )
    rounds: list[Round] = []
    if account.is_operator:
        rounds = list(
            rounds_visible_to(account)
            .exclude(state=RoundState.CLOSED)
            .order_by("deadline", "name")[:20]
        )
    return StartCollection(forms, rounds)
