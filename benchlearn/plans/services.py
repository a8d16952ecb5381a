"""Writes of improvement plans. Every one checks who asks (accounts.access), validates
everything before storing anything, and records the change (PlanEvent); a change of an
adopted plan needs a reason and makes a new version, the adopted one staying readable."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import (
    may_confirm_plan,
    may_edit_plan,
    may_review_plan,
)
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.models import Meeting
from benchlearn.plans.diagnosis import diagnosis_findings
from benchlearn.plans.models import (
    Action,
    ActionComment,
    ActionIndicator,
    ActionStatus,
    DiagnosisItem,
    Inspiration,
    Plan,
    PlanEvent,
    PlanState,
    PlanVersion,
)
from benchlearn.plans.notices import (
    plan_adopted_notify,
    plan_confirmed_notify,
    plan_returned_notify,
    plan_sent_back_notify,
    plan_submitted_notify,
)
from benchlearn.plans.selectors import baseline_of, group_indicator_codes, indicator_polarities
from benchlearn.units.models import Level, Unit, UnitMembership


class PlanError(ValueError):
    """Input that cannot be stored, with a message for the person; nothing was stored."""


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _event(plan: Plan, kind: str, by: User | None, **details: object) -> None:
    PlanEvent.objects.create(plan=plan, kind=kind, by=by, details=details)
    plan.updated_at = timezone.now()
    plan.save(update_fields=["updated_at"])


@transaction.atomic
def plan_start(*, unit: Unit, group: ExchangeGroup, by: User) -> Plan:
    """The unit's plan for the group's current cycle, made on first asking with its
    diagnosis prefilled from the stored results."""
    if not group.units.filter(pk=unit.pk).exists():
        raise PlanError(
            _("%(unit)s is not a member of %(group)s.") % {"unit": unit, "group": group}
        )
    plan = Plan(unit=unit, group=group, cycle_start=group.cycle_start)
    _require(may_edit_plan(by, plan), _("Only the unit's team starts its improvement plan."))
    existing = Plan.objects.filter(unit=unit, group=group, cycle_start=group.cycle_start).first()
    if existing is not None:
        return existing
    plan.save()
    polarities = indicator_polarities(group_indicator_codes(group))
    DiagnosisItem.objects.bulk_create(
        DiagnosisItem(
            plan=plan,
            indicator_code=f.indicator_code,
            reason=f.reason,
            value=f.value,
            year=f.year,
            group_median=f.group_median,
            gap=f.gap,
            change=f.change,
        )
        for f in diagnosis_findings(unit, group, polarities)
    )
    _event(plan, "started", by, diagnosis=plan.diagnosis.count())
    return plan


def _require_editable(plan: Plan, by: User, reason: str) -> None:
    _require(may_edit_plan(by, plan), _("Only the unit's team changes its improvement plan."))
    if plan.is_adopted:
        if not reason.strip():
            raise PlanError(_("The plan is adopted: say why you change it."))
    elif not plan.is_editable:
        raise PlanError(
            _("The plan is %(state)s: it cannot be changed now.")
            % {"state": plan.get_state_display()}
        )


@transaction.atomic
def diagnosis_item_set(
    *, item: DiagnosisItem, kept: bool, comment: str, by: User, reason: str = ""
) -> DiagnosisItem:
    """Keep or remove an indicator of the diagnosis, with the team's comment."""
    plan = item.plan
    _require_editable(plan, by, reason)
    item.kept, item.comment = kept, comment.strip()
    item.save(update_fields=["kept", "comment"])
    _event(plan, "diagnosis", by, indicator=item.indicator_code, kept=kept, comment=item.comment)
    _new_version_if_adopted(plan, by, reason)
    return item


@dataclass
class TargetInput:
    indicator_code: str
    target: float
    target_year: int


@dataclass
class ActionInput:
    """An action as entered on its form."""

    title: str
    owner_level: str
    start_date: datetime.date
    end_date: datetime.date
    indicators: list[TargetInput]
    description: str = ""
    owner: User | None = None
    cost_estimate: Decimal | None = None
    status: str = ActionStatus.PLANNED
    drop_reason: str = ""
    milestones: list[dict[str, str]] = field(default_factory=list)
    inspired_kind: str = Inspiration.NONE
    inspired_unit: Unit | None = None
    inspired_meeting: Meeting | None = None
    inspired_text: str = ""


def _check_action(plan: Plan, data: ActionInput) -> list[str]:
    """PlanError for what cannot be stored; the warnings for what can."""
    errors: list[str] = []
    if not data.title.strip():
        errors.append(_("Give the action a title."))
    if data.owner_level not in Level.values:
        errors.append(_("Choose the owner's seat: strategic, middle or operational."))
    if (
        data.owner is not None
        and not UnitMembership.objects.filter(unit=plan.unit, user=data.owner).exists()
    ):
        errors.append(_("The owner must be a person of %(unit)s.") % {"unit": plan.unit})
    group = plan.group
    first, last = datetime.date(group.cycle_start, 1, 1), datetime.date(group.cycle_end, 12, 31)
    if data.start_date > data.end_date:
        errors.append(_("The action cannot end before it starts."))
    if data.start_date < first or data.end_date > last:
        errors.append(
            _("The action's dates must fall within the group's cycle, %(first)s to %(last)s.")
            % {"first": first.isoformat(), "last": last.isoformat()}
        )
    if not data.indicators:
        errors.append(_("Choose at least one indicator the action should move."))
    codes = [t.indicator_code for t in data.indicators]
    if len(set(codes)) != len(codes):
        errors.append(_("Each indicator may be chosen once per action."))
    outside = sorted(set(codes) - group_indicator_codes(group))
    if outside:
        errors.append(
            _("Not an indicator of the group's sets: %(codes)s.") % {"codes": ", ".join(outside)}
        )
    for target in data.indicators:
        if not group.cycle_start <= target.target_year <= group.cycle_end + 1:
            errors.append(
                _("The target year of %(code)s must be between %(first)s and %(last)s.")
                % {
                    "code": target.indicator_code,
                    "first": group.cycle_start,
                    "last": group.cycle_end + 1,
                }
            )
    if data.status not in ActionStatus.values:
        errors.append(_("Unknown status."))
    if data.status == ActionStatus.DROPPED and not data.drop_reason.strip():
        errors.append(_("Say why the action was dropped."))
    if data.cost_estimate is not None and data.cost_estimate < 0:
        errors.append(_("The cost estimate cannot be negative."))
    for milestone in data.milestones:
        if not str(milestone.get("title", "")).strip():
            errors.append(_("Every milestone needs a title."))
            break
    errors.extend(_check_inspiration(plan, data))
    if errors:
        raise PlanError(" ".join(errors))
    return _target_warnings(plan, data)


def _check_inspiration(plan: Plan, data: ActionInput) -> list[str]:
    match data.inspired_kind:
        case Inspiration.PEER:
            unit = data.inspired_unit
            if (
                unit is None
                or unit.pk == plan.unit_id
                or not plan.group.units.filter(pk=unit.pk).exists()
            ):
                return [_("Choose the peer unit of the group that inspired the action.")]
        case Inspiration.PRESENTATION:
            meeting = data.inspired_meeting
            if meeting is None or meeting.group_id != plan.group_id:
                return [
                    _("Choose the group's meeting whose host presentation inspired the action.")
                ]
        case Inspiration.OTHER:
            if not data.inspired_text.strip():
                return [_("Say what inspired the action.")]
        case Inspiration.NONE:
            pass
        case _:
            return [_("Unknown source of inspiration.")]
    return []


def _target_warnings(plan: Plan, data: ActionInput) -> list[str]:
    """A target on the wrong side of the baseline for the indicator's polarity: said,
    not refused (a unit may plan to limit a decline)."""
    polarities = indicator_polarities({t.indicator_code for t in data.indicators})
    warnings = []
    for target in data.indicators:
        baseline, _year = baseline_of(plan.unit, target.indicator_code)
        polarity = polarities.get(target.indicator_code, "neutral")
        if baseline is None or polarity == "neutral":
            continue
        worse = target.target < baseline if polarity == "higher" else target.target > baseline
        if worse:
            warnings.append(
                _(
                    "The target of %(code)s (%(target)s) is worse than its baseline "
                    "(%(baseline)s): for this indicator %(direction)s is better."
                )
                % {
                    "code": target.indicator_code,
                    "target": f"{target.target:g}",
                    "baseline": f"{baseline:g}",
                    "direction": _("higher") if polarity == "higher" else _("lower"),
                }
            )
    return warnings


@transaction.atomic
def action_save(
    *, plan: Plan, data: ActionInput, by: User, action: Action | None = None, reason: str = ""
) -> tuple[Action, list[str]]:
    """Add an action to the plan (``action`` None) or change it; the baselines are taken
    from the unit's stored results. Returns the action and the warnings to show."""
    _require_editable(plan, by, reason)
    if action is not None and action.plan_id != plan.pk:
        raise PlanError(_("The action belongs to another plan."))
    warnings = _check_action(plan, data)
    if action is None:
        action = Action(plan=plan, position=plan.actions.count() + 1)
    for name in (
        "title", "description", "owner_level", "owner", "start_date", "end_date",
        "cost_estimate", "status", "drop_reason", "milestones", "inspired_kind",
        "inspired_unit", "inspired_meeting", "inspired_text",
    ):  # fmt: skip
        setattr(action, name, getattr(data, name))
    action.title, action.drop_reason = data.title.strip(), data.drop_reason.strip()
    adding = action.pk is None
    action.save()
    action.indicators.exclude(
        indicator_code__in=[t.indicator_code for t in data.indicators]
    ).delete()
    for target in data.indicators:
        baseline, year = baseline_of(plan.unit, target.indicator_code)
        ActionIndicator.objects.update_or_create(
            action=action,
            indicator_code=target.indicator_code,
            defaults={
                "target": target.target,
                "target_year": target.target_year,
                "baseline": baseline,
                "baseline_year": year,
            },
        )
    _event(
        plan, "action_added" if adding else "action_changed", by, action=action.title, reason=reason
    )
    _new_version_if_adopted(plan, by, reason)
    return action, warnings


@transaction.atomic
def action_delete(*, action: Action, by: User, reason: str = "") -> None:
    plan = action.plan
    _require_editable(plan, by, reason)
    title = action.title
    action.delete()
    _event(plan, "action_deleted", by, action=title, reason=reason)
    _new_version_if_adopted(plan, by, reason)


@transaction.atomic
def plan_privacy_set(*, plan: Plan, private: bool, by: User) -> Plan:
    """Whether the rest of the group reads the plan once adopted (any state)."""
    _require(may_edit_plan(by, plan), _("Only the unit's team changes its improvement plan."))
    plan.private = private
    plan.save(update_fields=["private"])
    _event(plan, "privacy", by, private=private)
    return plan


def _move(
    plan: Plan, *, to: str, allowed_from: set[str], kind: str, by: User, **details: object
) -> Plan:
    if plan.state not in allowed_from:
        raise PlanError(
            _("The plan is %(state)s: this step is not possible now.")
            % {"state": plan.get_state_display()}
        )
    plan.state = to
    plan.save(update_fields=["state"])
    _event(plan, kind, by, **details)
    return plan


@transaction.atomic
def plan_submit(*, plan: Plan, by: User) -> Plan:
    """The team sends the plan to the unit's strategic level for confirmation."""
    _require(may_edit_plan(by, plan), _("Only the unit's team submits its improvement plan."))
    if plan.state in {PlanState.DRAFT, PlanState.RETURNED} and not plan.actions.exists():
        raise PlanError(_("Add at least one action before submitting the plan."))
    plan = _move(
        plan,
        to=PlanState.AWAITING_CONFIRMATION,
        allowed_from={PlanState.DRAFT, PlanState.RETURNED},
        kind="submitted",
        by=by,
    )
    plan_submitted_notify(plan, by=by)
    return plan


@transaction.atomic
def plan_confirm(*, plan: Plan, by: User) -> Plan:
    """The unit's strategic level confirms the plan and sends it to the moderator."""
    _require(
        may_confirm_plan(by, plan),
        _("Only the unit's strategic-level person confirms its improvement plan."),
    )
    plan = _move(
        plan,
        to=PlanState.IN_REVIEW,
        allowed_from={PlanState.AWAITING_CONFIRMATION},
        kind="confirmed",
        by=by,
    )
    plan_confirmed_notify(plan, by=by)
    return plan


@transaction.atomic
def plan_send_back(*, plan: Plan, by: User, comment: str = "") -> Plan:
    """The unit's strategic level sends the plan back to the team unconfirmed."""
    _require(
        may_confirm_plan(by, plan),
        _("Only the unit's strategic-level person confirms its improvement plan."),
    )
    plan = _move(
        plan,
        to=PlanState.DRAFT,
        allowed_from={PlanState.AWAITING_CONFIRMATION},
        kind="sent_back",
        by=by,
        comment=comment.strip(),
    )
    plan_sent_back_notify(plan, by=by, comment=comment)
    return plan


@transaction.atomic
def action_comment_add(*, action: Action, text: str, by: User) -> ActionComment:
    """The moderator's comment on an action of a plan in review."""
    plan = action.plan
    _require(may_review_plan(by, plan), _("Only the group's moderator reviews the plan."))
    if plan.state != PlanState.IN_REVIEW:
        raise PlanError(_("Comments are written while the plan is in review."))
    if not text.strip():
        raise PlanError(_("Write the comment."))
    comment = ActionComment.objects.create(action=action, author=by, text=text.strip())
    _event(plan, "commented", by, action=action.title)
    return comment


@transaction.atomic
def plan_return(*, plan: Plan, by: User, comment: str = "") -> Plan:
    """The moderator returns the plan to the team with comments."""
    _require(may_review_plan(by, plan), _("Only the group's moderator reviews the plan."))
    has_comments = ActionComment.objects.filter(action__plan=plan).exists()
    if not comment.strip() and not has_comments:
        raise PlanError(_("Say what the team should change: comment on the plan or its actions."))
    plan = _move(
        plan, to=PlanState.RETURNED, allowed_from={PlanState.IN_REVIEW}, kind="returned", by=by,
        comment=comment.strip(),
    )  # fmt: skip
    plan.review_comment = comment.strip()
    plan.save(update_fields=["review_comment"])
    plan_returned_notify(plan, by=by, comment=comment)
    return plan


@transaction.atomic
def plan_adopt(*, plan: Plan, by: User) -> Plan:
    """The moderator accepts the plan: it is adopted as version 1."""
    _require(may_review_plan(by, plan), _("Only the group's moderator reviews the plan."))
    plan = _move(
        plan, to=PlanState.ADOPTED, allowed_from={PlanState.IN_REVIEW}, kind="adopted", by=by
    )
    plan.adopted_at = timezone.now()
    plan.save(update_fields=["adopted_at"])
    PlanVersion.objects.create(plan=plan, number=1, snapshot=plan_snapshot(plan), created_by=by)
    plan_adopted_notify(plan, by=by)
    return plan


def _new_version_if_adopted(plan: Plan, by: User, reason: str) -> None:
    if not plan.is_adopted:
        return
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        snapshot=plan_snapshot(plan),
        reason=reason.strip(),
        created_by=by,
    )


def plan_snapshot(plan: Plan) -> dict[str, object]:
    """The plan as plain data, to keep as a version."""
    return {
        "unit": plan.unit.teryt,
        "group": plan.group_id,
        "cycle_start": plan.cycle_start,
        "diagnosis": [
            {
                "indicator": d.indicator_code,
                "reason": d.reason,
                "value": d.value,
                "year": d.year,
                "group_median": d.group_median,
                "gap": d.gap,
                "comment": d.comment,
            }
            for d in plan.diagnosis.filter(kept=True)
        ],
        "actions": [
            {
                "title": a.title,
                "description": a.description,
                "owner_level": a.owner_level,
                "owner": a.owner.full_name if a.owner else "",
                "start_date": a.start_date.isoformat(),
                "end_date": a.end_date.isoformat(),
                "cost_estimate": None if a.cost_estimate is None else str(a.cost_estimate),
                "status": a.status,
                "drop_reason": a.drop_reason,
                "milestones": a.milestones,
                "inspired_kind": a.inspired_kind,
                "inspired_unit": a.inspired_unit.name if a.inspired_unit else "",
                "inspired_meeting": a.inspired_meeting.number if a.inspired_meeting else None,
                "inspired_text": a.inspired_text,
                "indicators": [
                    {
                        "indicator": i.indicator_code,
                        "baseline": i.baseline,
                        "baseline_year": i.baseline_year,
                        "target": i.target,
                        "target_year": i.target_year,
                    }
                    for i in a.indicators.all()
                ],
            }
            for a in plan.actions.select_related("owner", "inspired_unit", "inspired_meeting")
        ],
    }
