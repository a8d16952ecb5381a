"""A group's meetings in the API: read them with their attendance; the moderator (and
the office) write attendance and minutes, with a token as on the pages.

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
