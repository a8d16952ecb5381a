"""The demo groups' first cycle, as far as it has gone today: every member unit's seats
filled where the demo has people (one seat left empty, its invitation pending), the
organisational forms in which every member delivers the group's service, the eight
meetings planned around today (three held: attendance, the host's practice, minutes
approved and published, decisions and action items; five ahead, the next one with its
invitations sent), and a few threads of the group's board, the moderator's
announcement pinned.

Dates are taken from the day the demo is built, so that it looks right whenever that
is: the cycle's two years are chosen to hold three quarters before today and five
after. Everything goes through the services, as the pages would do it, run at once
(notifications stored, e-mails of past events dropped: nobody is to be told today of a
meeting months ago); only the times of past events are set back afterwards, to when
they would have happened. Running it again changes nothing already there.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.accounts.services import user_create
from benchlearn.board.models import Post, Thread
from benchlearn.board.services import post_link, post_reply, thread_create
from benchlearn.catalogue.models import Domain
from benchlearn.delivery.models import Delivery
from benchlearn.delivery.services import delivery_save
from benchlearn.demo.cycle_stories import (
    BOARD,
    DOMAINS,
    FORMS,
    INVITED,
    LEFT,
    SEAT_PEOPLE,
    STORIES,
    Action,
    BoardThread,
    SeatPerson,
    Story,
    forms_of,
)
from benchlearn.demo.history import FIRST_YEAR, OPEN_YEAR
from benchlearn.groups.models import ExchangeGroup, SeatHolding, SeatInvitation
from benchlearn.groups.services import group_edit, invitation_create, seat_fill, seat_vacate
from benchlearn.meetings.models import (
    ActionItem,
    ActionKind,
    ActionState,
    Meeting,
    MeetingChange,
    MeetingState,
)
from benchlearn.meetings.notices import MINUTES_PUBLISHED, meeting_link
from benchlearn.meetings.services import (
    AttendanceEntry,
    action_add,
    action_status_set,
    attendance_record,
    invitations_send,
    meeting_update,
    meetings_plan,
    minutes_approve,
    minutes_publish,
    minutes_save,
    plan_proposal,
)
from benchlearn.notifications.models import Notification
from benchlearn.units.models import Level, Unit, UnitMembership

VIA = "demo"
HELD = 3  # meetings held before today; the rest of the eight are ahead
RUN_AT_ONCE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DROP_MAIL = "django.core.mail.backends.locmem.EmailBackend"
LEVELS = [Level.STRATEGIC, Level.MIDDLE, Level.OPERATIONAL]


# --- when ------------------------------------------------------------------------------


def cycle_first_year(today: datetime.date) -> int:
    """The first year of a two-year cycle with at least half a year on each side of
    ``today``: the three meetings held and the five ahead fit in it."""
    return today.year if today.timetuple().tm_yday >= 183 else today.year - 1


def _working_day(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def meeting_dates(today: datetime.date) -> list[datetime.date]:
    """Eight dates in the cycle of ``cycle_first_year(today)``: three before ``today`` and
    five after, a quarter apart where the cycle has room (closer where it has not),
    on working days."""
    first = cycle_first_year(today)
    before = (today - datetime.date(first, 1, 1)).days
    after = (datetime.date(first + 1, 12, 31) - today).days
    back = min(91, int((before - 10) / 2.5))
    ahead = min(91, (after - 24) // 4)
    past = [today - datetime.timedelta(days=back * (HELD - k) + back // 2 + 7) for k in (1, 2, 3)]
    future = [today + datetime.timedelta(days=21 + ahead * k) for k in range(5)]
    return [_working_day(day) for day in [*past, *future]]


# --- building --------------------------------------------------------------------------


def cycle_build(*, operator: User, password: str) -> None:
    """The first cycle of each demo group (see the module's description)."""
    today = timezone.localdate()
    with override_settings(TASKS=RUN_AT_ONCE, EMAIL_BACKEND=DROP_MAIL), transaction.atomic():
        for name, domain_code in DOMAINS.items():
            group = ExchangeGroup.objects.filter(name=name).first()
            if group is None:
                continue
            group = _group_set(group, operator, Domain.objects.get(code=domain_code), today)
            seats_start = meeting_dates(today)[0] - datetime.timedelta(days=30)
            _seats_fill(group, password, seats_start)
            _forms_record(group)
            if not group.meetings.exists():
                _meetings_build(group, today)
            if not group.board_threads.exists():
                _board_build(group, BOARD.get(domain_code, []), today)


def seat_people() -> list[SeatPerson]:
    return list(SEAT_PEOPLE)


def _group_set(
    group: ExchangeGroup, operator: User, domain: Domain, today: datetime.date
) -> ExchangeGroup:
    """The group's domain, and a cycle around today (unless its meetings are planned)."""
    first = cycle_first_year(today)
    if group.domain_id == domain.pk and (group.cycle_start == first or group.meetings.exists()):
        return group
    cycle = group.cycle_start if group.meetings.exists() else first
    return group_edit(
        group=group,
        by=operator,
        base_token=None,
        name=group.name,
        service=group.service,
        domain=domain,
        programme=group.programme,
        cycle_start=cycle,
        moderator=group.moderator,
        anonymised=group.anonymised,
        units=list(group.units.all()),
        via=VIA,
    )


def _seats_fill(group: ExchangeGroup, password: str, since: datetime.date) -> None:
    """Each member unit's demo people in their seats (all three levels where the demo
    has people), one seat left empty with its invitation pending."""
    moderator = group.moderator
    members = {unit.teryt: unit for unit in group.units.all()}
    left = _seat_left(group, members, since)
    wanted = {
        (m.unit.teryt, m.level): m.user
        for m in UnitMembership.objects.filter(unit__in=members.values()).select_related(
            "user", "unit"
        )
    }
    for person in SEAT_PEOPLE:
        if person.teryt not in members:
            continue
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = user_create(email=person.email, full_name=person.full_name, password=password)
        wanted[(person.teryt, person.level)] = user
    filled = []
    for (teryt, level), user in sorted(wanted.items(), key=lambda item: item[0]):
        unit = members[teryt]
        if not SeatHolding.objects.filter(
            group=group, unit=unit, level=level, ended_at__isnull=True
        ).exists():
            holding = seat_fill(
                group=group, unit=unit, level=level, user=user, by=moderator, via=VIA
            )
            filled.append(holding.pk)
    # The seats were taken when the cycle began, a month before its first meeting;
    # the one left, when its first holder left.
    SeatHolding.objects.filter(pk__in=filled).update(started_at=_moment(since, 9))
    if left is not None:
        SeatHolding.objects.filter(pk__in=filled, unit__teryt=LEFT.teryt, level=LEFT.level).update(
            started_at=left
        )
    empty = members.get(INVITED.teryt)
    invited = SeatInvitation.objects.filter(group=group, unit=empty, level=INVITED.level)
    if empty is not None and moderator is not None and not invited.exists():
        invitation_create(
            group=group,
            unit=empty,
            level=INVITED.level,
            email=INVITED.email,
            full_name=INVITED.full_name,
            by=moderator,
        )


def _seat_left(
    group: ExchangeGroup, members: dict[str, Unit], since: datetime.date
) -> datetime.datetime | None:
    """The seat whose first holder left three weeks into the cycle: when they left."""
    unit = members.get(LEFT.teryt)
    if unit is None or SeatHolding.objects.filter(group=group, user__email=LEFT.email).exists():
        return None
    user = User.objects.filter(email__iexact=LEFT.email).first() or user_create(
        email=LEFT.email, full_name=LEFT.full_name, password=None
    )
    by = group.moderator
    holding = seat_fill(group=group, unit=unit, level=LEFT.level, user=user, by=by, via=VIA)
    seat_vacate(holding=holding, by=by, via=VIA)
    until = _moment(since + datetime.timedelta(days=21), 9)
    SeatHolding.objects.filter(pk=holding.pk).update(started_at=_moment(since, 9), ended_at=until)
    return until


def _forms_record(group: ExchangeGroup) -> None:
    """How every member delivers the group's service, each year of the demo's data,
    recorded by one of the unit's people (by the moderator where it has none)."""
    assert group.domain is not None
    for unit in group.units.all():
        if unit.teryt not in FORMS:
            continue
        membership = UnitMembership.objects.filter(unit=unit).order_by("level", "pk").first()
        user = membership.user if membership is not None else group.moderator
        if user is None:
            continue
        for year in range(FIRST_YEAR, OPEN_YEAR + 1):
            current = Delivery.objects.filter(unit=unit, domain=group.domain, period=year).first()
            delivery_save(
                unit=unit,
                domain=group.domain,
                period=year,
                entries=forms_of(unit.teryt, year),
                user=user,
                base_revision=current.revision if current is not None else 0,
            )


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _person(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def _meetings_build(group: ExchangeGroup, today: datetime.date) -> None:
    moderator = group.moderator
    assert moderator is not None
    rows = [
        replace(row, date=day)
        for row, day in zip(plan_proposal(group), meeting_dates(today), strict=True)
    ]
    meetings = meetings_plan(group=group, by=moderator, rows=rows, via=VIA)
    for meeting in meetings[:HELD]:
        _held(meeting, moderator)
    upcoming = meetings[HELD]
    story = STORIES.get(upcoming.host.teryt)
    if story is not None:
        _practice_set(upcoming, moderator, story, state=upcoming.state)
    invitations_send(meeting=upcoming, by=moderator, via=VIA)
    _backdate(meetings[: HELD + 1], today)


def _practice_set(meeting: Meeting, by: User, story: Story, *, state: str) -> Meeting:
    return meeting_update(
        meeting=meeting,
        by=by,
        date=meeting.date,
        start_time=meeting.start_time,
        end_time=meeting.end_time,
        host=meeting.host,
        place=meeting.place,
        state=state,
        practice_title=story.practice_title,
        practice_summary=story.practice_summary,
        agenda=[item.title for item in meeting.agenda.all()],
        via=VIA,
    )


def _held(meeting: Meeting, moderator: User) -> None:
    """Invited, held with the host's practice, attendance recorded, minutes written,
    approved and published, decisions and action items (the earlier ones done)."""
    invitations_send(meeting=meeting, by=moderator, via=VIA)
    story = STORIES.get(meeting.host.teryt) or Story("", "", "")
    meeting = _practice_set(meeting, moderator, story, state=MeetingState.HELD)
    entries = _attendance(meeting)
    attendance_record(meeting=meeting, by=moderator, entries=entries, via=VIA)
    present = sum(1 for entry in entries if entry.present)
    units = len({entry.unit.pk for entry in entries if entry.present})
    for text in story.decisions:
        action_add(meeting=meeting, by=moderator, kind=ActionKind.DECISION, text=text, via=VIA)
    actions = []
    for action in story.actions:
        owner = _person(action.owner)
        item = action_add(
            meeting=meeting,
            by=moderator,
            kind=ActionKind.ACTION,
            text=action.text,
            owner=owner,
            due=meeting.date + datetime.timedelta(days=action.due_days),
            via=VIA,
        )
        actions.append((item, action, owner))
    minutes = _minutes(meeting, story, present, units, actions)
    minutes_save(meeting=meeting, by=moderator, text=minutes, via=VIA)
    minutes_approve(meeting=meeting, by=moderator, via=VIA)
    minutes_publish(meeting=meeting, by=moderator, via=VIA)
    for item, action, _owner in actions:
        if action.done:
            action_status_set(item=item, by=moderator, status=ActionState.DONE, via=VIA)


def _attendance(meeting: Meeting) -> list[AttendanceEntry]:
    """Everyone of the host; elsewhere most seats, a few missing (by a fixed pattern),
    recorded with the person in the seat where the unit has one."""
    seated = {
        (h.unit_id, h.level): h.user
        for h in SeatHolding.objects.filter(
            group=meeting.group, ended_at__isnull=True
        ).select_related("user")
    }
    entries = []
    for index, unit in enumerate(meeting.group.units.order_by("name")):
        for position, level in enumerate(LEVELS):
            person = seated.get((unit.pk, level.value))
            if unit.pk == meeting.host_id:
                present = True
            elif person is not None:
                present = (index + position + meeting.number) % 5 != 0
            else:
                present = (index + 2 * position + meeting.number) % 3 == 0 or position == 0
            entries.append(
                AttendanceEntry(unit=unit, level=level.value, person=person, present=present)
            )
    return entries


def _minutes(
    meeting: Meeting,
    story: Story,
    present: int,
    units: int,
    actions: list[tuple[ActionItem, Action, User | None]],
) -> str:
    lines = [
        f"Spotkanie nr {meeting.number} grupy {meeting.group.name}, "
        f"{meeting.date:%d.%m.%Y}, gospodarz: {meeting.host.name}.",
        f"Obecni: {present} osób z {units} jednostek.",
        "",
        "1. Otwarcie. Moderator przedstawił porządek spotkania; porządek przyjęto.",
        "2. Wyniki grupy. Omówiono wyniki porównań za ostatni rok z danymi.",
        f"3. Praktyka gospodarza: {story.practice_title}. {story.practice_summary}",
        f"4. Plany usprawnień. {story.discussion}",
        "5. Sprawy różne. Ustalono termin następnego spotkania.",
    ]
    if story.decisions:
        lines += ["", "Ustalenia:", *(f"- {text}" for text in story.decisions)]
    if actions:
        lines += ["", "Zadania:"]
        lines += [
            f"- {item.text} ({owner.get_full_name() if owner else '—'}, do {item.due:%d.%m.%Y})"
            for item, _action, owner in actions
            if item.due is not None
        ]
    return "\n".join(lines)


def _backdate(meetings: Sequence[Meeting], today: datetime.date) -> None:
    """The invitations went out three weeks before each meeting, the minutes were
    approved and published a week after it (and their notifications with them); the
    upcoming meeting's invitations today."""
    for meeting in meetings:
        invited = min(meeting.date - datetime.timedelta(days=21), today)
        Meeting.objects.filter(pk=meeting.pk).update(invited_at=_moment(invited, 12))
        if meeting.date >= today:
            continue
        approved = _moment(meeting.date + datetime.timedelta(days=6), 15)
        published = _moment(meeting.date + datetime.timedelta(days=7), 10)
        Meeting.objects.filter(pk=meeting.pk).update(
            minutes_approved_at=approved, minutes_published_at=published
        )
        changes = MeetingChange.objects.filter(meeting=meeting)
        changes.filter(what="invited").update(at=_moment(invited, 12))
        changes.exclude(what__in=["planned", "invited"]).update(at=published)
        Notification.objects.filter(kind=MINUTES_PUBLISHED.code, link=meeting_link(meeting)).update(
            created_at=published
        )


def _board_build(
    group: ExchangeGroup, threads: Sequence[BoardThread], today: datetime.date
) -> None:
    """The group's conversation: each thread started a few days after the meeting it
    followed (or a few days ago), its replies a day apart."""
    dates = {m.number: m.date for m in group.meetings.all()}
    for story in threads:
        author = _person(story.author)
        if author is None:
            continue
        day = dates[story.after] if story.after in dates else today - datetime.timedelta(days=10)
        day += datetime.timedelta(days=5)
        thread = thread_create(
            group=group,
            by=author,
            title=story.title,
            body=story.body,
            announcement=story.announcement,
        )
        posts = [thread.posts.get()]
        for email, text in story.replies:
            replier = _person(email)
            if replier is not None:
                posts.append(post_reply(thread=thread, by=replier, body=text))
        for offset, post in enumerate(posts):
            at = _moment(day + datetime.timedelta(days=offset), 10 + offset)
            Post.objects.filter(pk=post.pk).update(created_at=at)
            Notification.objects.filter(link=post_link(post)).update(created_at=at)
        first = _moment(day, 10)
        last = _moment(day + datetime.timedelta(days=len(posts) - 1), 9 + len(posts))
        Thread.objects.filter(pk=thread.pk).update(created_at=first, last_post_at=last)
