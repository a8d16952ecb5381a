"""The one place that decides who may do what.

Every view, API endpoint and command asks here: ``may(user, Perm.UNIT_EDIT, unit)``,
or fetches through ``unit_get_for_user`` / ``group_get_for_user``, which raise
``Http404`` for what does not exist or the user may not see (the same answer, so that
no page tells a stranger what exists: ``require_seen``) and ``PermissionDenied`` for
what the user sees but may not do. Listing queries go through ``units_visible_to`` /
``groups_visible_to`` so a list never shows what a detail page would refuse.

Rules
-----
- operator (association staff): everything;
- participant of a unit: read and enter that unit's data, read the groups it belongs to;
- every account: read the register of units (names, TERYT codes, public statistics);
- every account: read the indicator catalogue (only operators edit it);
- moderator of a group: read and run the group (its seats and the invitations into
  them: ``may_manage_group``), read its member units' data (but not enter it); only
  operators create groups and change their settings and members (``may_edit_group``);
- the moderator's workspace of a group (GROUP_WORKSPACE): its moderator and the office;
  a programme's report for its funders (PROGRAMME_REPORT): the office only;
- participant of a unit: view, fill in and submit the unit's submissions in collection
  rounds; moderator: view the submissions of the group's units; only operators run
  rounds and reopen submissions (SUBMISSION_*, COLLECTION_MANAGE);
- returning and approving a submission (``may_review``): operators, and the moderator
  of a group the unit belongs to when the group's programme lets its moderators
  review their members' data (``Programme.moderators_review``);
- a round with internal sign-off (``signoff_steps``): the unit's operational level
  enters data, the middle level also submits them for sign-off, the strategic level
  also confirms and sends them to the office (or sends them back inside the unit);
  without it every participant of the unit may submit;
- the organisational forms in which a unit delivers its services (DELIVERY_EDIT): its
  participants and the moderators of its groups record them, besides the office;
- questionnaires and surveys (SURVEY_MANAGE): operators only; residents answer a
  survey without an account, through its open link or a single-use code;
- anyone else, including other units' participants: nothing that a unit has not
  published.

Disclosure
----------
- other units in a comparison are named (``names_shown``) to operators always, to
  the members and the moderator of an exchange group unless the group chose anonymity,
  and never in the programme-wide comparisons (population band, nearest neighbours,
  voivodeship, all units): those units did not agree to be named to each other;
- where names are hidden, units get letters (``pseudonym_order``) in the order of the
  values shown (A first in the table), ties and units without a value in an order
  keyed with a server-side secret: the same for every viewer, the viewer's own unit
  shown by name to that viewer only (it keeps its letter's place, so the others'
  letters do not depend on who looks), and nothing that can be recomputed from what is
  public (the computation's number, the comparison, the units' ids).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.units.models import Level, Unit, UnitMembership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser


class Perm(StrEnum):
    UNIT_VIEW = "unit.view"
    UNIT_EDIT = "unit.edit"
    GROUP_VIEW = "group.view"
    # Running a group (its seats, inviting people): operators and its moderator.
    GROUP_MANAGE = "group.manage"
    # Creating groups and editing their settings and members: operators only.
    GROUP_EDIT = "group.edit"
    PROGRAMME_MANAGE = "programme.manage"
    # The moderator's workspace of a group (seats, data status, meetings, attendance,
    # action items): the group's moderator and the office, not its participants.
    GROUP_WORKSPACE = "group.workspace"
    # A programme's report for its funders (meetings against plan, attendance, empty
    # seats, exported to xlsx): the association's office only.
    PROGRAMME_REPORT = "programme.report"
    CATALOGUE_VIEW = "catalogue.view"
    CATALOGUE_EDIT = "catalogue.edit"
    # Data collection: a unit's submission in a round (target: the unit); running
    # rounds, returning, approving, reopening and restoring values (no target).
    SUBMISSION_VIEW = "submission.view"
    SUBMISSION_EDIT = "submission.edit"
    COLLECTION_MANAGE = "collection.manage"
    # Returning and approving a unit's submission (target: the unit): see may_review.
    SUBMISSION_REVIEW = "submission.review"
    # Asking to be introduced to a unit shown anonymised in a comparison (target: the
    # asking unit): its participants.
    INTRODUCTION_REQUEST = "introduction.request"
    # Recording how a unit delivers its services (target: the unit): its participants
    # and the moderators of its groups (the office always).
    DELIVERY_EDIT = "delivery.edit"
    # Questionnaires and surveys (set-up, links, codes, paper entry, imports): the
    # office only. Residents answer without an account.
    SURVEY_MANAGE = "survey.manage"


def active_account(user: AnyUser) -> User | None:
    """The account behind a request, if it is one that may do anything at all."""
    return user if isinstance(user, User) and user.is_active else None


def _is_member(user: User, unit: Unit) -> bool:
    return UnitMembership.objects.filter(user_id=user.pk, unit=unit).exists()


def _moderates_unit(user: User, unit: Unit) -> bool:
    return ExchangeGroup.objects.filter(moderator_id=user.pk, units=unit).exists()


def _reviews_unit(user: User, unit: Unit) -> bool:
    """A moderator of one of the unit's groups whose programme lets moderators review."""
    return ExchangeGroup.objects.filter(
        moderator_id=user.pk, units=unit, programme__moderators_review=True
    ).exists()


def may(user: AnyUser, perm: Perm, target: Unit | ExchangeGroup | None = None) -> bool:
    """Whether ``user`` may do ``perm`` to ``target``."""
    account = active_account(user)
    if account is None:
        return False
    if account.is_operator:
        return True
    match perm, target:
        case Perm.UNIT_VIEW, Unit():
            return _is_member(account, target) or _moderates_unit(account, target)
        case Perm.UNIT_EDIT, Unit():
            return _is_member(account, target)
        case Perm.SUBMISSION_VIEW, Unit():
            # A moderator follows the group's data but never enters it.
            return _is_member(account, target) or _moderates_unit(account, target)
        case Perm.INTRODUCTION_REQUEST, Unit():
            return _is_member(account, target)
        case Perm.SUBMISSION_EDIT, Unit():
            # Whether the submission's state still allows editing is the services' call.
            return _is_member(account, target)
        case Perm.SUBMISSION_REVIEW, Unit():
            return _reviews_unit(account, target)
        case Perm.DELIVERY_EDIT, Unit():
            return _is_member(account, target) or _moderates_unit(account, target)
        case Perm.GROUP_VIEW, ExchangeGroup():
            return (
                target.moderator_id == account.pk
                or target.units.filter(memberships__user_id=account.pk).exists()
            )
        case Perm.GROUP_MANAGE, ExchangeGroup():
            return bool(target.moderator_id == account.pk)
        case Perm.GROUP_WORKSPACE, ExchangeGroup():
            return bool(target.moderator_id == account.pk)
        case Perm.CATALOGUE_VIEW, None:
            # The catalogue is the programme's shared vocabulary: every account reads
            # it; editing (CATALOGUE_EDIT) is for operators only.
            return True
    return False


class _OfUnit(Protocol):
    """A unit's submission in a round (``collection.models.Submission``, a layer above)."""

    @property
    def unit(self) -> Unit: ...


def may_manage_group(user: AnyUser, group: ExchangeGroup) -> bool:
    """Whether ``user`` runs ``group``'s seats: invites people into them, sees the
    invitations, lets a person leave a seat. Operators and the group's moderator."""
    return may(user, Perm.GROUP_MANAGE, group)


def may_edit_group(user: AnyUser, group: ExchangeGroup | None = None) -> bool:
    """Whether ``user`` creates groups (``group`` None) or edits a group's settings and
    members: the association's office (operators) only."""
    return may(user, Perm.GROUP_EDIT, group)


def may_review(user: AnyUser, submission: _OfUnit) -> bool:
    """Whether ``user`` may return and approve ``submission`` (and see the reviewer's
    view of it): operators always; the moderator of a group of the submission's unit
    when the group's programme lets its moderators return and approve their members'
    data. Nobody else, whatever their role elsewhere. Whether the submission's state
    allows the step is the services' call."""
    return may(user, Perm.SUBMISSION_REVIEW, submission.unit)


class SignoffStep(StrEnum):
    """What a participant may do with the unit's data in a round with internal sign-off."""

    ENTER = "enter"  # type in and save values
    REQUEST = "request"  # submit for the strategic level's sign-off
    CONFIRM = "confirm"  # confirm and send to the office, or send back inside the unit


LEVEL_STEPS: dict[str, frozenset[SignoffStep]] = {
    Level.OPERATIONAL: frozenset({SignoffStep.ENTER}),
    Level.MIDDLE: frozenset({SignoffStep.ENTER, SignoffStep.REQUEST}),
    Level.STRATEGIC: frozenset({SignoffStep.ENTER, SignoffStep.REQUEST, SignoffStep.CONFIRM}),
}


def signoff_steps(user: AnyUser, unit: Unit) -> frozenset[SignoffStep]:
    """The steps ``user`` may take with ``unit``'s data where the round asks for internal
    sign-off: by their level in the unit (the highest, if they hold several seats);
    operators every step (the office acts for a unit on its request); nobody else any."""
    account = active_account(user)
    if account is None:
        return frozenset()
    if account.is_operator:
        return LEVEL_STEPS[Level.STRATEGIC]
    levels = UnitMembership.objects.filter(user_id=account.pk, unit=unit).values_list(
        "level", flat=True
    )
    return frozenset().union(*(LEVEL_STEPS.get(level, frozenset()) for level in levels))


def may_send(user: AnyUser, unit: Unit, *, internal_signoff: bool) -> bool:
    """Whether ``user`` may send ``unit``'s data to the office (submit them): any
    participant of the unit, or, with internal sign-off, only its strategic level."""
    if internal_signoff:
        return SignoffStep.CONFIRM in signoff_steps(user, unit)
    return may(user, Perm.SUBMISSION_EDIT, unit)


def require_review(user: AnyUser, submission: _OfUnit) -> None:
    """PermissionDenied unless ``may_review`` (the caller has already made sure the
    user sees the submission at all: 404 otherwise)."""
    if not may_review(user, submission):
        raise PermissionDenied(_("You may not return or approve the data of this unit."))


def require(user: AnyUser, perm: Perm, target: Unit | ExchangeGroup | None = None) -> None:
    if not may(user, perm, target):
        raise PermissionDenied(_("You do not have access to this page."))


def require_seen(
    user: AnyUser, perm: Perm, target: Unit | ExchangeGroup | None, *, seen: Perm, missing: str
) -> None:
    """Http404 with ``missing`` unless ``user`` may ``seen`` the ``target`` (None: it
    does not exist), exactly as for one that does not exist; then PermissionDenied
    unless they may ``perm`` it (a moderator who sees a unit but may not enter its data)."""
    if target is None or not may(user, seen, target):
        raise Http404(missing)
    require(user, perm, target)


def unit_get_for_user(user: AnyUser, teryt: str, perm: Perm = Perm.UNIT_VIEW) -> Unit:
    unit = Unit.objects.filter(teryt=teryt).select_related("parent").first()
    missing = _("There is no unit with TERYT code %(teryt)s that you may open.")
    require_seen(user, perm, unit, seen=Perm.UNIT_VIEW, missing=missing % {"teryt": teryt[:16]})
    assert unit is not None
    return unit


def group_get_for_user(user: AnyUser, group_id: int, perm: Perm = Perm.GROUP_VIEW) -> ExchangeGroup:
    group = ExchangeGroup.objects.filter(pk=group_id).select_related("moderator").first()
    missing = _("There is no exchange group number %(id)s that you may open.") % {"id": group_id}
    require_seen(user, perm, group, seen=Perm.GROUP_VIEW, missing=missing)
    assert group is not None
    return group


def unit_registry_for(user: AnyUser) -> QuerySet[Unit]:
    """The register of units (names, codes, public statistics): open to every account.

    Reading a unit's own page and data still goes through ``units_visible_to``.
    """
    return Unit.objects.all() if active_account(user) is not None else Unit.objects.none()


def units_visible_to(user: AnyUser) -> QuerySet[Unit]:
    scope = unit_scope_of(user)
    return Unit.objects.all() if scope is None else scope.distinct()


def unit_scope_of(user: AnyUser) -> QuerySet[Unit] | None:
    """The units whose data ``user`` reads (their own, their groups' as moderator), to
    filter other lists by; None for operators, who read every unit (no filter at all)."""
    account = active_account(user)
    if account is None:
        return Unit.objects.none()
    if account.is_operator:
        return None
    return Unit.objects.filter(
        Q(memberships__user_id=account.pk) | Q(exchange_groups__moderator_id=account.pk)
    )


def may_follow_work(user: AnyUser, started_by_id: int | None) -> bool:
    """Whether ``user`` follows a piece of background work (an import): the person who
    started it, and operators."""
    account = active_account(user)
    if account is None:
        return False
    return account.is_operator or account.pk == started_by_id


def groups_visible_to(user: AnyUser) -> QuerySet[ExchangeGroup]:
    account = active_account(user)
    if account is None:
        return ExchangeGroup.objects.none()
    if account.is_operator:
        return ExchangeGroup.objects.all()
    return ExchangeGroup.objects.filter(
        Q(moderator_id=account.pk) | Q(units__memberships__user_id=account.pk)
    ).distinct()


def programmes_visible_to(user: AnyUser) -> QuerySet[Programme]:
    """Operators see every programme; anyone else the programmes of the groups they see
    (a programme's other groups stay as hidden as ``groups_visible_to`` keeps them)."""
    account = active_account(user)
    if account is None:
        return Programme.objects.none()
    if account.is_operator:
        return Programme.objects.all()
    return Programme.objects.filter(groups__in=groups_visible_to(account)).distinct()


def names_shown(user: AnyUser, exchange_group: ExchangeGroup | None) -> bool:
    """Whether ``user`` sees the other units of a comparison by name: of an exchange
    group (``exchange_group``), or of a programme-wide comparison (None)."""
    account = active_account(user)
    if account is None:
        return False
    if account.is_operator:
        return True
    return exchange_group is not None and not exchange_group.anonymised


def pseudonym_order(
    unit_ids: Iterable[int], *, scope: str, by: Mapping[int, float] | None = None
) -> list[int]:
    """``unit_ids`` in the order their letters (A, B, C…) are given within ``scope``
    (a computation, comparison, indicator and year).

    ``by``: the order the reader sees, a number per unit, smallest first (a value, its
    negative for "highest first"); units without one come last. Units ``by`` does not
    tell apart (equal values, no value, or no ``by`` at all) are ordered with a key
    derived from SECRET_KEY: stable for every viewer of the scope, but nobody can
    recompute it from public data to put names to letters. Letters by value tell no
    more than the table they head, and differ from one indicator to the next, so that a
    unit recognised on one indicator (one computed from public statistics) is not
    followed to the others. A new SECRET_KEY gives new letters to ties."""
    key = salted_hmac("benchlearn.accounts.access.pseudonym_order", scope).digest()

    def keyed(pk: int) -> bytes:
        return hmac.new(key, str(pk).encode(), hashlib.sha256).digest()

    if by is None:
        return sorted(unit_ids, key=keyed)
    return sorted(unit_ids, key=lambda pk: (pk not in by, by.get(pk, 0.0), keyed(pk)))


# --- who is told: the recipients of notifications -------------------------------------


def reviewers_of(unit: Unit) -> QuerySet[User]:
    """Who reviews (returns, approves) ``unit``'s submissions and is told when it
    submits: the office's operators, and the moderators who may review it (as
    ``may_review``: of a group of the unit whose programme lets moderators review)."""
    reviewing = ExchangeGroup.objects.filter(units=unit, programme__moderators_review=True)
    return User.objects.filter(
        Q(is_operator=True) | Q(moderated_groups__in=reviewing), is_active=True
    ).distinct()


def unit_teams(unit_ids: Iterable[int]) -> QuerySet[User]:
    """The active participants acting for any of the units ``unit_ids``: who is told of
    their unit's rounds, reviews and results."""
    return User.objects.filter(
        is_active=True, unit_memberships__unit_id__in=list(unit_ids)
    ).distinct()


def unit_signers(unit_id: int) -> QuerySet[User]:
    """Who confirms ``unit``'s data where a round asks for internal sign-off (and is told
    when they await it): its active strategic-level participants (``signoff_steps``)."""
    return User.objects.filter(
        is_active=True,
        unit_memberships__unit_id=unit_id,
        unit_memberships__level=Level.STRATEGIC,
    ).distinct()


def introduction_deciders(requester: Unit, target: Unit) -> QuerySet[User]:
    """Who may put ``requester`` in touch with ``target`` (and is asked to): the office's
    operators, and the moderator of an exchange group both units belong to (who sees
    both units' data already, so learns nothing new from the request)."""
    both = ExchangeGroup.objects.filter(units=requester).filter(units=target)
    return User.objects.filter(
        Q(is_operator=True) | Q(moderated_groups__in=both), is_active=True
    ).distinct()


def may_decide_introduction(user: AnyUser, requester: Unit, target: Unit) -> bool:
    account = active_account(user)
    if account is None:
        return False
    return introduction_deciders(requester, target).filter(pk=account.pk).exists()


@dataclass(frozen=True)
class Roles:
    """What a person is in the programme, for start pages and navigation."""

    operator: bool
    moderator: bool
    participant: bool

    @property
    def public(self) -> bool:
        return not (self.operator or self.moderator or self.participant)


def roles_of(user: AnyUser) -> Roles:
    account = active_account(user)
    if account is None:
        return Roles(operator=False, moderator=False, participant=False)
    return Roles(
        operator=account.is_operator,
        moderator=ExchangeGroup.objects.filter(moderator_id=account.pk).exists(),
        participant=UnitMembership.objects.filter(user_id=account.pk).exists(),
    )


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind @login_required: its user is a real account."""

    user: User


# Improvement plans (benchlearn.plans, layers above): the rules read the plan's unit,
# group, state and privacy; whether the state allows a step is the services' call.


class _Plan(Protocol):
    """A unit's improvement plan (``plans.models.Plan``, a layer above)."""

    @property
    def unit(self) -> Unit: ...
    @property
    def group(self) -> ExchangeGroup: ...
    @property
    def state(self) -> str: ...
    @property
    def private(self) -> bool: ...


def may_edit_plan(user: AnyUser, plan: _Plan) -> bool:
    """Whether ``user`` writes ``plan`` (its diagnosis and actions, submitting it for
    confirmation, changing it after adoption): the unit's team and the office."""
    account = active_account(user)
    if account is None:
        return False
    return account.is_operator or _is_member(account, plan.unit)


def may_confirm_plan(user: AnyUser, plan: _Plan) -> bool:
    """Whether ``user`` confirms ``plan`` for the unit and sends it to the moderator (or
    sends it back to the team): the unit's strategic level, and the office."""
    return SignoffStep.CONFIRM in signoff_steps(user, plan.unit)


def may_review_plan(user: AnyUser, plan: _Plan) -> bool:
    """Whether ``user`` reviews ``plan`` (comments on its actions, returns or adopts
    it): the group's moderator, and the office."""
    account = active_account(user)
    if account is None:
        return False
    return account.is_operator or plan.group.moderator_id == account.pk


def may_report_progress(user: AnyUser, plan: _Plan, owner_id: int | None) -> bool:
    """Whether ``user`` writes progress reports on an action of ``plan`` whose owner is
    ``owner_id``: the unit's team and the office (as for the plan), and the owner."""
    account = active_account(user)
    if account is None:
        return False
    return may_edit_plan(account, plan) or (owner_id is not None and owner_id == account.pk)


def may_read_plan(user: AnyUser, plan: _Plan) -> bool:
    """Whether ``user`` reads ``plan``: the unit's team, the group's moderator and the
    office always; the other members of the group once it is adopted, unless the unit
    keeps it private."""
    if may_edit_plan(user, plan) or may_review_plan(user, plan):
        return True
    account = active_account(user)
    if account is None or plan.state != "adopted" or plan.private:
        return False
    return plan.group.units.filter(memberships__user_id=account.pk).exists()
