"""Writes of good practices. Every one checks who asks (``practices.access``),
validates everything before storing anything, bumps the practice's revision and
records the step (``PracticeEvent``). A form carries the revision it showed: a save
from an older one is refused (``PracticeStale``, naming who changed it meanwhile), so
that two people editing never silently overwrite each other. Publishing, and every
edit of a published practice, keeps a version (``PracticeVersion``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Domain, Indicator
from benchlearn.delivery.models import DeliveryForm
from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.models import Meeting
from benchlearn.plans.models import Action
from benchlearn.practices.access import (
    may_review_practice,
    may_start_practice,
    may_write_practice,
)
from benchlearn.practices.models import (
    Audience,
    Practice,
    PracticeComment,
    PracticeEvent,
    PracticeIndicator,
    PracticeState,
    PracticeVersion,
)
from benchlearn.practices.notices import (
    practice_published_notify,
    practice_returned_notify,
    practice_submitted_notify,
)
from benchlearn.practices.search import search_texts
from benchlearn.results.services import latest_context, population_band
from benchlearn.units.models import Unit

MAX_TAGS = 10
MAX_TAG_LENGTH = 40
FIRST_YEAR, LAST_YEAR = 1990, 2100


class PracticeError(ValueError):
    """Input that cannot be stored, with a message for the person; nothing was stored."""


class PracticeStale(PracticeError):
    """The form showed an older revision: someone saved meanwhile; nothing was stored."""


@dataclass
class IndicatorInput:
    code: str
    before_year: int
    after_year: int | None = None


@dataclass
class PracticeInput:
    """A practice as entered on its form."""

    title: str
    problem: str = ""
    solution: str = ""
    results: str = ""
    domain: Domain | None = None
    group: ExchangeGroup | None = None
    cost: Decimal | None = None
    cost_note: str = ""
    delivery_form: str = ""
    months_to_implement: int | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    tags: list[str] = field(default_factory=list)
    audience: str = Audience.MEMBERS
    indicators: list[IndicatorInput] = field(default_factory=list)


_TEXT_FIELDS = (
    "title", "problem", "solution", "results", "cost_note", "contact_name", "contact_email",
    "contact_phone",
)  # fmt: skip
_FIELDS = (
    *_TEXT_FIELDS, "domain", "group", "cost", "delivery_form", "months_to_implement", "tags",
    "audience",
)  # fmt: skip


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def clean_tags(tags: list[str]) -> list[str]:
    """Tags trimmed, lower-cased, each once, in the order given."""
    found: list[str] = []
    for tag in tags:
        tag = " ".join(tag.split()).lower()
        if tag and tag not in found:
            found.append(tag)
    return found


def _check(unit: Unit, data: PracticeInput) -> list[str]:
    errors: list[str] = []
    if not data.title.strip():
        errors.append(_("Give the practice a title."))
    tags = clean_tags(data.tags)
    if len(tags) > MAX_TAGS:
        errors.append(_("At most %(count)s tags.") % {"count": MAX_TAGS})
    if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        errors.append(_("A tag has at most %(count)s characters.") % {"count": MAX_TAG_LENGTH})
    if data.cost is not None and data.cost < 0:
        errors.append(_("The cost cannot be negative."))
    if data.months_to_implement is not None and not 0 <= data.months_to_implement <= 240:
        errors.append(_("The time to implement is a number of months from 0 to 240."))
    if data.delivery_form and data.delivery_form not in DeliveryForm.values:
        errors.append(_("Unknown organisational form."))
    if data.audience not in Audience.values:
        errors.append(_("Choose who reads the practice once published: members or everyone."))
    if data.group is not None and not data.group.units.filter(pk=unit.pk).exists():
        errors.append(
            _("%(unit)s is not a member of %(group)s.") % {"unit": unit.name, "group": data.group}
        )
    errors.extend(_check_indicators(data.indicators))
    return errors


def _check_indicators(rows: list[IndicatorInput]) -> list[str]:
    errors: list[str] = []
    codes = [row.code for row in rows]
    if len(set(codes)) != len(codes):
        errors.append(_("Each indicator may be chosen once."))
    known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = sorted(set(codes) - known)
    if unknown:
        errors.append(_("There is no indicator %(code)s.") % {"code": ", ".join(unknown)})
    for row in rows:
        if not FIRST_YEAR <= row.before_year <= LAST_YEAR:
            errors.append(_("The year before of %(code)s is not a year.") % {"code": row.code})
        elif row.after_year is not None and row.after_year <= row.before_year:
            errors.append(
                _("The year after of %(code)s must come after the year before.")
                % {"code": row.code}
            )
    return errors


def record_event(practice: Practice, kind: str, by: User | None, **details: object) -> None:
    """Bump the revision and record the step: every write ends here."""
    practice.revision += 1
    practice.updated_at = timezone.now()
    practice.save(update_fields=["revision", "updated_at"])
    PracticeEvent.objects.create(
        practice=practice, kind=kind, by=by, details=details, revision=practice.revision
    )


# The steps that change what a reader of the practice sees (a comment does not).
CONTENT_CHANGES = frozenset(
    {"created", "edited", "attachment_added", "attachment_removed", "submitted", "returned",
     "published", "withdrawn"}
)  # fmt: skip


def _require_revision(practice: Practice, base_revision: int | None, by: User) -> None:
    """PracticeStale when someone else changed the practice's content after the page
    of ``by`` showed ``base_revision`` (None: not checked)."""
    if base_revision is None or base_revision >= practice.revision:
        return
    later = practice.events.filter(revision__gt=base_revision, kind__in=CONTENT_CHANGES)
    later = later.exclude(by=by)
    who = sorted(
        {str(event.by) if event.by else _("someone") for event in later.select_related("by")}
    )
    if not who:
        return
    raise PracticeStale(
        _(
            "%(who)s changed this practice after you opened it. Nothing of yours was "
            "saved: open it again, check the changes and make yours."
        )
        % {"who": ", ".join(who)}
    )


def _refresh_search(practice: Practice) -> None:
    """The size band and the folded search columns, after every change of the text."""
    names = list(
        practice.indicators.values_list("indicator__code", flat=True)
    )  # codes are searched too
    title, body = search_texts(practice, names)
    population = latest_context("POP").get(practice.unit_id)
    practice.size_band = population_band(population)
    practice.search_title, practice.search_body = title, body
    practice.save(update_fields=["size_band", "search_title", "search_body"])


def _store(practice: Practice, data: PracticeInput) -> None:
    for name in _FIELDS:
        setattr(practice, name, getattr(data, name))
    for name in _TEXT_FIELDS:
        setattr(practice, name, getattr(data, name).strip())
    practice.tags = clean_tags(data.tags)
    practice.save()
    practice.indicators.exclude(indicator__code__in=[r.code for r in data.indicators]).delete()
    for row in data.indicators:
        PracticeIndicator.objects.update_or_create(
            practice=practice,
            indicator=Indicator.objects.get(code=row.code),
            defaults={"before_year": row.before_year, "after_year": row.after_year},
        )
    _refresh_search(practice)


@transaction.atomic
def practice_create(
    *,
    unit: Unit,
    data: PracticeInput,
    by: User,
    source_meeting: Meeting | None = None,
    source_action: Action | None = None,
) -> Practice:
    """A new draft practice of ``unit``, written by ``by`` (its team or the office)."""
    require(may_start_practice(by, unit), _("Only the unit's team writes up its practices."))
    errors = _check(unit, data)
    if errors:
        raise PracticeError(" ".join(errors))
    practice = Practice(
        unit=unit, author=by, source_meeting=source_meeting, source_action=source_action
    )
    _store(practice, data)
    record_event(practice, "created", by)
    return practice


@transaction.atomic
def practice_update(
    *, practice: Practice, data: PracticeInput, by: User, base_revision: int | None
) -> Practice:
    """Change the practice. Refused while in review (the reviewer reads what was sent);
    an edit of a published practice stays published and makes a new version."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    require(may_write_practice(by, practice), _("Only the unit's team changes its practice."))
    if practice.state == PracticeState.REVIEW:
        raise PracticeError(
            _("The practice is in review: it can be changed once returned or published.")
        )
    _require_revision(practice, base_revision, by)
    errors = _check(practice.unit, data)
    if errors:
        raise PracticeError(" ".join(errors))
    _store(practice, data)
    record_event(practice, "edited", by)
    if practice.is_published:
        new_version(practice, by)
    return practice


@transaction.atomic
def practice_submit(*, practice: Practice, by: User) -> Practice:
    """The team sends the draft to its reviewers."""
    require(may_write_practice(by, practice), _("Only the unit's team submits its practice."))
    if practice.state != PracticeState.DRAFT:
        raise PracticeError(
            _("The practice is %(state)s: only a draft is sent for review.")
            % {"state": practice.get_state_display()}
        )
    if not practice.problem.strip() or not practice.solution.strip():
        raise PracticeError(
            _("Describe the problem and what was done before sending the practice for review.")
        )
    _move(practice, PracticeState.REVIEW, "submitted", by)
    practice_submitted_notify(practice, by=by)
    return practice


def _move(practice: Practice, state: str, kind: str, by: User, **details: object) -> Practice:
    practice.state = state
    practice.save(update_fields=["state"])
    record_event(practice, kind, by, **details)
    return practice


def _require_review(practice: Practice, by: User) -> None:
    require(
        may_review_practice(by, practice),
        _("Only the group's moderator and the office review a practice."),
    )
    if practice.state != PracticeState.REVIEW:
        raise PracticeError(
            _("The practice is %(state)s: it is not in review.")
            % {"state": practice.get_state_display()}
        )


@transaction.atomic
def practice_comment_add(*, practice: Practice, by: User, text: str) -> PracticeComment:
    """A comment of a reviewer, or of the team answering one."""
    require(
        may_review_practice(by, practice) or may_write_practice(by, practice),
        _("Only the unit's team and the practice's reviewers comment on it."),
    )
    if not text.strip():
        raise PracticeError(_("Write the comment."))
    comment = PracticeComment.objects.create(practice=practice, author=by, text=text.strip())
    record_event(practice, "commented", by)
    return comment


@transaction.atomic
def practice_return(
    *, practice: Practice, by: User, comment: str = "", base_revision: int | None = None
) -> Practice:
    """A reviewer returns the practice to its team as a draft, saying what to change
    (refused when it changed after the reviewer's page showed ``base_revision``)."""
    _require_review(practice, by)
    _require_revision(practice, base_revision, by)
    if comment.strip():
        PracticeComment.objects.create(practice=practice, author=by, text=comment.strip())
    submitted = practice.events.filter(kind="submitted").order_by("-pk").first()
    since = submitted.at if submitted else practice.created_at
    if not practice.comments.filter(created_at__gte=since).exists():
        raise PracticeError(_("Say what the team should change: write a comment."))
    _move(practice, PracticeState.DRAFT, "returned", by)
    practice_returned_notify(practice, by=by, comment=comment)
    return practice


@transaction.atomic
def practice_publish(
    *, practice: Practice, by: User, audience: str, base_revision: int | None = None
) -> Practice:
    """A reviewer publishes the practice to the programme's members or to everyone; it
    is kept as a new version. Refused when it changed after the reviewer's page showed
    ``base_revision``: nobody publishes what they have not read."""
    _require_review(practice, by)
    _require_revision(practice, base_revision, by)
    if audience not in Audience.values:
        raise PracticeError(_("Choose who reads the practice: members or everyone."))
    practice.audience = audience
    practice.published_at = timezone.now()
    practice.save(update_fields=["audience", "published_at"])
    _move(practice, PracticeState.PUBLISHED, "published", by, audience=audience)
    new_version(practice, by)
    practice_published_notify(practice, by=by)
    return practice


@transaction.atomic
def practice_withdraw(*, practice: Practice, by: User, reason: str = "") -> Practice:
    """Take a published practice back to draft (its team or a reviewer): it leaves the
    lists and the portal; its versions stay."""
    require(
        may_review_practice(by, practice) or may_write_practice(by, practice),
        _("Only the unit's team and the practice's reviewers withdraw it."),
    )
    if not practice.is_published:
        raise PracticeError(_("Only a published practice is withdrawn."))
    if not reason.strip():
        raise PracticeError(_("Say why the practice is withdrawn."))
    return _move(practice, PracticeState.DRAFT, "withdrawn", by, reason=reason.strip())


def new_version(practice: Practice, by: User) -> PracticeVersion:
    last = practice.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return PracticeVersion.objects.create(
        practice=practice, number=last + 1, snapshot=practice_snapshot(practice), created_by=by
    )


def practice_snapshot(practice: Practice) -> dict[str, Any]:
    """The practice as plain data, to keep as a version."""
    return {
        "title": practice.title,
        "unit": practice.unit.teryt,
        "unit_name": practice.unit.name,
        "domain": practice.domain.code if practice.domain else None,
        "problem": practice.problem,
        "solution": practice.solution,
        "results": practice.results,
        "cost": None if practice.cost is None else str(practice.cost),
        "cost_note": practice.cost_note,
        "delivery_form": practice.delivery_form,
        "months_to_implement": practice.months_to_implement,
        "contact_name": practice.contact_name,
        "contact_email": practice.contact_email,
        "contact_phone": practice.contact_phone,
        "tags": practice.tags,
        "audience": practice.audience,
        "indicators": [
            {"indicator": row.indicator.code, "before": row.before_year, "after": row.after_year}
            for row in practice.indicators.select_related("indicator")
        ],
        "attachments": [a.name for a in practice.attachments.all()],
    }
