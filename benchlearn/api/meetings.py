"""A group's meetings in the API: read them with their attendance; the moderator (and
the office) create and change meetings and write attendance and minutes, with a token
as on the pages.

Who may is ``meetings.access`` (checked by the services themselves too): a group one
may not see answers 404, one seen but not run 403; input the services refuse is a 400
naming the problem, with nothing stored.
"""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from benchlearn.accounts.models import User
from benchlearn.api.schemas import Error, InvalidRequest
from benchlearn.meetings.access import (
    may_read_minutes,
    meeting_get_for_user,
    meeting_group_get_for_user,
)
from benchlearn.meetings.models import Meeting
from benchlearn.meetings.selectors import meetings_of
from benchlearn.meetings.services import (
    AttendanceEntry,
    MeetingError,
    attendance_record,
    meeting_create,
    meeting_update,
    minutes_approve,
    minutes_publish,
    minutes_save,
)
from benchlearn.units.models import Unit

router = Router(tags=["meetings"])

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: InvalidRequest}


class AttendanceOut(Schema):
    teryt: str
    level: str  # strategic, middle, operational
    person: str | None
    present: bool


class MeetingOut(Schema):
    number: int
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    host: str  # the host unit's TERYT code
    place: str
    state: str  # planned, held
    # draft, approved, published (members read only published minutes: null otherwise)
    minutes_state: str | None
    minutes: str | None
    attendance: list[AttendanceOut]


class AttendanceIn(Schema):
    teryt: str
    level: str
    person: str | None = None  # the person's e-mail address
    present: bool


class AttendanceListIn(Schema):
    """Rows of (unit, seat level); each replaces the row of the same unit and level."""

    attendance: list[AttendanceIn]


class MinutesIn(Schema):
    text: str


class MeetingIn(Schema):
    """A new meeting; without an agenda it gets the usual one, without a place the
    host's office."""

    number: int
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    host: str  # the host unit's TERYT code: a member of the group
    place: str = ""
    agenda: list[str] = []


class MeetingPatch(Schema):
    """The fields to change; those left out keep their value."""

    date: datetime.date | None = None
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    host: str | None = None
    place: str | None = None
    state: str | None = None  # planned, held
    practice_title: str | None = None
    practice_summary: str | None = None
    agenda: list[str] | None = None


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _out(user: User, meeting: Meeting) -> MeetingOut:
    minutes = may_read_minutes(user, meeting)
    return MeetingOut(
        number=meeting.number,
        date=meeting.date,
        start_time=meeting.start_time,
        end_time=meeting.end_time,
        host=meeting.host.teryt,
        place=meeting.place,
        state=meeting.state,
        minutes_state=meeting.minutes_state if minutes else None,
        minutes=meeting.minutes if minutes else None,
        attendance=[
            AttendanceOut(
                teryt=row.unit.teryt,
                level=row.level,
                person=row.person.get_full_name() if row.person else None,
                present=row.present,
            )
            for row in meeting.attendance.all()
        ],
    )


def _error(error: MeetingError) -> Status[dict[str, str]]:
    return Status(400, {"detail": str(error)})


def _host(teryt: str) -> Unit:
    """The unit of ``teryt`` (a member or not: the service says when it may not host)."""
    unit = Unit.objects.filter(teryt=teryt).first()
    if unit is None:
        raise MeetingError(_("There is no unit with TERYT code %(teryt)s.") % {"teryt": teryt})
    return unit


@router.get(
    "/groups/{group_id}/meetings",
    response={200: list[MeetingOut], **ERRORS},
    summary="A group's meetings, with their attendance per unit and seat",
)
def meeting_list(request: HttpRequest, group_id: int) -> list[MeetingOut]:
    user = _user(request)
    group = meeting_group_get_for_user(user, group_id)
    meetings = meetings_of(group).prefetch_related("attendance__unit", "attendance__person")
    return [_out(user, meeting) for meeting in meetings]


@router.post(
    "/groups/{group_id}/meetings",
    response={201: MeetingOut, **ERRORS},
    summary="Plan one meeting of the group's cycle (the moderator, the office)",
)
def meeting_post(
    request: HttpRequest, group_id: int, payload: MeetingIn
) -> Status[MeetingOut] | Status[dict[str, str]]:
    user = _user(request)
    group = meeting_group_get_for_user(user, group_id, plan=True)
    try:
        meeting = meeting_create(
            group=group,
            by=user,
            number=payload.number,
            date=payload.date,
            start_time=payload.start_time,
            end_time=payload.end_time,
            host=_host(payload.host),
            place=payload.place,
            agenda=payload.agenda,
            via="api",
        )
    except MeetingError as error:
        return _error(error)
    return Status(201, _out(user, meeting))


@router.patch(
    "/groups/{group_id}/meetings/{number}",
    response={200: MeetingOut, **ERRORS},
    summary="Change a meeting: its date, time, place, host, state or agenda",
)
def meeting_patch(
    request: HttpRequest, group_id: int, number: int, payload: MeetingPatch
) -> MeetingOut | Status[dict[str, str]]:
    user = _user(request)
    meeting = meeting_get_for_user(user, group_id, number, plan=True)
    try:
        host = meeting.host if payload.host is None else _host(payload.host)
        agenda = payload.agenda
        if agenda is None:
            agenda = [item.title for item in meeting.agenda.all()]
        meeting = meeting_update(
            meeting=meeting,
            by=user,
            date=payload.date or meeting.date,
            start_time=payload.start_time or meeting.start_time,
            end_time=payload.end_time or meeting.end_time,
            host=host,
            place=meeting.place if payload.place is None else payload.place,
            state=payload.state or meeting.state,
            practice_title=_keep(payload.practice_title, meeting.practice_title),
            practice_summary=_keep(payload.practice_summary, meeting.practice_summary),
            agenda=agenda,
            via="api",
        )
    except MeetingError as error:
        return _error(error)
    return _out(user, meeting)


def _keep(new: str | None, old: str) -> str:
    return old if new is None else new


@router.put(
    "/groups/{group_id}/meetings/{number}/attendance",
    response={200: MeetingOut, **ERRORS},
    summary="Record a meeting's attendance (the moderator, the office)",
)
def meeting_attendance_put(
    request: HttpRequest, group_id: int, number: int, payload: AttendanceListIn
) -> MeetingOut | Status[dict[str, str]]:
    user = _user(request)
    meeting = meeting_get_for_user(user, group_id, number, plan=True)
    units = {unit.teryt: unit for unit in Unit.objects.filter(exchange_groups=meeting.group)}
    people = {
        person.email.lower(): person
        for person in User.objects.filter(
            email__in=[row.person for row in payload.attendance if row.person]
        )
    }
    entries = []
    for row in payload.attendance:
        unit = units.get(row.teryt)
        if unit is None:
            return Status(
                400,
                {
                    "detail": _("%(teryt)s is not a member unit of the group.")
                    % {"teryt": row.teryt}
                },
            )
        person = people.get((row.person or "").lower())
        if row.person and person is None:
            return Status(
                400, {"detail": _("There is no person %(email)s.") % {"email": row.person}}
            )
        entries.append(
            AttendanceEntry(unit=unit, level=row.level, person=person, present=row.present)
        )
    try:
        attendance_record(meeting=meeting, by=user, entries=entries, via="api")
    except MeetingError as error:
        return _error(error)
    return _out(user, meeting)


@router.put(
    "/groups/{group_id}/meetings/{number}/minutes",
    response={200: MeetingOut, **ERRORS},
    summary="Write a meeting's draft minutes (the moderator, the office)",
)
def meeting_minutes_put(
    request: HttpRequest, group_id: int, number: int, payload: MinutesIn
) -> MeetingOut | Status[dict[str, str]]:
    user = _user(request)
    meeting = meeting_get_for_user(user, group_id, number, plan=True)
    try:
        meeting = minutes_save(meeting=meeting, by=user, text=payload.text, via="api")
    except MeetingError as error:
        return _error(error)
    return _out(user, meeting)


@router.post(
    "/groups/{group_id}/meetings/{number}/minutes/approve",
    response={200: MeetingOut, **ERRORS},
    summary="Approve a meeting's minutes",
)
def meeting_minutes_approve(
    request: HttpRequest, group_id: int, number: int
) -> MeetingOut | Status[dict[str, str]]:
    user = _user(request)
    meeting = meeting_get_for_user(user, group_id, number, plan=True)
    try:
        meeting = minutes_approve(meeting=meeting, by=user, via="api")
    except MeetingError as error:
        return _error(error)
    return _out(user, meeting)


@router.post(
    "/groups/{group_id}/meetings/{number}/minutes/publish",
    response={200: MeetingOut, **ERRORS},
    summary="Publish a meeting's approved minutes to the group's members",
)
def meeting_minutes_publish(
    request: HttpRequest, group_id: int, number: int
) -> MeetingOut | Status[dict[str, str]]:
    user = _user(request)
    meeting = meeting_get_for_user(user, group_id, number, plan=True)
    try:
        meeting = minutes_publish(meeting=meeting, by=user, via="api")
    except MeetingError as error:
        return _error(error)
    return _out(user, meeting)
