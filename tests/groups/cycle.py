"""A group's cycle for the workspace and programme report tests: planned as proposed,
meetings held with attendance recorded (minutes published: what marks a meeting held)."""

from benchlearn.meetings.models import Meeting
from benchlearn.meetings.services import (
    AttendanceEntry,
    attendance_record,
    meetings_plan,
    minutes_approve,
    minutes_publish,
    minutes_save,
    plan_proposal,
)


def plan(group, moderator) -> list[Meeting]:
    return meetings_plan(group=group, by=moderator, rows=plan_proposal(group))


def hold(meeting, moderator, present, absent=()) -> Meeting:
    """Record ``present`` (unit, level) seats as there, ``absent`` ones as not, and
    publish the minutes."""
    entries = [AttendanceEntry(unit=u, level=lv, person=None, present=True) for u, lv in present]
    entries += [AttendanceEntry(unit=u, level=lv, person=None, present=False) for u, lv in absent]
    attendance_record(meeting=meeting, by=moderator, entries=entries)
    minutes_save(meeting=meeting, by=moderator, text="Protokół spotkania.")
    minutes_approve(meeting=meeting, by=moderator)
    return minutes_publish(meeting=meeting, by=moderator)
