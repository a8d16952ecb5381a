"""A meeting's pack: what the members bring to one meeting of their group, built from
the meeting itself.

A cover (the group, the meeting's number of the cycle, its date, time, place and host),
the meeting's agenda in order, the host's practice (its title, summary and the names
of its files), the action items the previous meeting left open (owner, due date,
status, those past due marked late) and the group's results: the group report's
results pages for the latest computed year, with the group report's rules of who is
named and who is a letter.

Each part is made with what the person who asks may see: the previous meeting's
action items once its minutes are published (its moderator and the office always),
else only their own. In year two (a meeting in the cycle's second year, or after a
member's plan was adopted) the moderator's overview of the improvement plans follows
the action items: per unit, its actions by status, the late ones and the progress
reports missing for this meeting; the moderator and the office see every unit, a
member the plans it may read (not another unit's private or unadopted plan). Before
that the pack has no such section.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from benchlearn import charts
from benchlearn.accounts.access import Perm, may, may_read_plan
from benchlearn.engine.effects import most_improved
from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.access import may_download, may_read_minutes
from benchlearn.meetings.models import (
    MEETINGS_PER_CYCLE,
    ActionItem,
    ActionKind,
    ActionState,
    AttachmentKind,
    Meeting,
)
from benchlearn.plans.models import ActionStatus
from benchlearn.plans.progress_selectors import GroupOverview, group_overview, reports_due_for
from benchlearn.reports.documents.common import decimals_of, table_of, table_row
from benchlearn.reports.documents.group_report import (
    GroupReport,
    group_report_for,
    results_domains,
)
from benchlearn.reports.documents.summary import cover
from benchlearn.reports.pdf import LONG_DATE, render_pdf

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class OpenAction:
    text: str
    owner: str
    due: datetime.date | None
    status: str
    late: bool


@dataclass
class MeetingPack:
    meeting: Meeting
    agenda: list[str]
    practice_files: list[str]
    previous: Meeting | None
    # The previous meeting's open action items the person may see, and whether that
    # is all of them (its minutes readable) or only the person's own.
    open_actions: list[OpenAction]
    all_actions: bool
    results: GroupReport | None  # None until the group has results
    no_results: str  # why there are none
    # The improvement plans' progress in year two (None before: no section).
    plans: GroupOverview | None = None
    # "Most improved" per indicator since the year before the results' year.
    improved: list[Improved] | None = None


@dataclass
class Improved:
    """One of the members that improved an indicator most (ties share a rank)."""

    indicator: str
    rank: int
    label: str
    own: bool
    baseline: str
    latest: str
    change: str


def next_meeting(group: ExchangeGroup) -> Meeting | None:
    """The group's next meeting from today, or its last once all are past."""
    meetings = Meeting.objects.filter(group=group)
    return (
        meetings.filter(date__gte=timezone.localdate()).order_by("date").first()
        or meetings.order_by("-date").first()
    )


def meeting_pack_for(user: AnyUser, meeting: Meeting) -> MeetingPack:
    """The pack of ``meeting`` (from ``meeting_get_for_user``) as ``user`` may see it."""
    practice = [
        a.name
        for a in meeting.attachments.filter(kind=AttachmentKind.PRACTICE).order_by("name")
        if may_download(user, a)
    ]
    previous = (
        Meeting.objects.filter(group=meeting.group, number__lt=meeting.number)
        .order_by("-number")
        .first()
    )
    actions: list[OpenAction] = []
    all_actions = True
    if previous is not None:
        items = previous.actions.filter(
            kind=ActionKind.ACTION, status=ActionState.OPEN
        ).select_related("owner")
        all_actions = may_read_minutes(user, previous)
        if not all_actions:
            items = items.filter(owner_id=user.pk)
        # Late: past due by the day of this meeting (or by today, for a pack made after it).
        by = max(meeting.date, timezone.localdate())
        actions = [_open_action(item, by) for item in items.order_by("due", "pk")]
    results, no_results = None, ""
    try:
        results = group_report_for(user, meeting.group, year="")
    except Http404 as none:
        no_results = str(none) or _("There are no results for the group %(group)s yet.") % {
            "group": meeting.group.name
        }
    return MeetingPack(
        meeting=meeting,
        agenda=[item.title for item in meeting.agenda.order_by("position")],
        practice_files=practice,
        previous=previous,
        open_actions=actions,
        all_actions=all_actions,
        results=results,
        no_results=no_results,
        plans=_plans_progress(user, meeting),
        improved=most_improved_in_report(results),
    )


def most_improved_in_report(report: GroupReport | None, count: int = 3) -> list[Improved]:
    """The members that improved each ranked indicator most from the year before the
    report's year (``benchlearn.engine.effects.most_improved``: the change turned by
    polarity; only those that improved), with the report's labels (letters where
    names are hidden). Empty without a year before, and where the programme's minimum
    group size withholds the group's figures."""
    if report is None or report.comparison.withheld or report.year - 1 not in report.years:
        return []
    number = charts.number_formatter()
    found = []
    for item in report.indicators:
        if item.info.polarity == "neutral":
            continue
        decimals = decimals_of(item.info)
        series = {
            row.label: {report.year - 1: row.previous, report.year: row.value} for row in item.rows
        }
        own = {row.label for row in item.rows if row.own}
        ranking = most_improved(
            series, from_year=report.year - 1, to_year=report.year, polarity=item.info.polarity
        )
        for improved in ranking.top(count):
            found.append(
                Improved(
                    indicator=item.info.name,
                    rank=improved.rank,
                    label=improved.key,
                    own=improved.key in own,
                    baseline=number(improved.baseline, decimals),
                    latest=number(improved.latest, decimals),
                    change=("+" if improved.change > 0 else "") + number(improved.change, decimals),
                )
            )
    return found


def _plans_progress(user: AnyUser, meeting: Meeting) -> GroupOverview | None:
    """The group's overview of its adopted plans for ``meeting`` in year two, the units
    limited to the plans ``user`` may read; None before year two."""
    group = meeting.group
    # Late: past the end date by the day of this meeting (or today, for a pack made after).
    overview = group_overview(group, meeting=meeting, today=max(meeting.date, timezone.localdate()))
    year_two = meeting.date.year > group.cycle_start
    if not overview.units or not (
        year_two or any(reports_due_for(row.plan, meeting) for row in overview.units)
    ):
        return None
    if not may(user, Perm.GROUP_WORKSPACE, group):
        overview.units = [row for row in overview.units if may_read_plan(user, row.plan)]
    return overview


def _open_action(item: ActionItem, by: datetime.date) -> OpenAction:
    owner = item.owner.get_full_name() or item.owner.email if item.owner else ""
    return OpenAction(
        text=item.text,
        owner=owner,
        due=item.due,
        status=str(item.get_status_display()),
        late=item.due is not None and item.due < by,
    )


def meeting_pack_title(meeting: Meeting) -> str:
    return _("Meeting pack: %(group)s, meeting %(number)s of %(of)s") % {
        "group": meeting.group.name,
        "number": meeting.number,
        "of": MEETINGS_PER_CYCLE,
    }


def meeting_pack_pdf(pack: MeetingPack) -> bytes:
    """The pack as a PDF (``typst/meeting.typ``): the cover, then agenda, practice and
    action items flowing on, then the group's results from a new page."""
    title = meeting_pack_title(pack.meeting)
    return render_pdf(
        template="meeting.typ",
        data=_pack_document(pack, title=title),
        title=title,
        data_version=pack.results.computation.data_version if pack.results else "",
    )


def _pack_document(pack: MeetingPack, *, title: str) -> dict[str, Any]:
    meeting = pack.meeting
    facts = [
        (_("Exchange group"), meeting.group.name),
        (
            _("Meeting"),
            _("%(number)s of %(of)s") % {"number": meeting.number, "of": MEETINGS_PER_CYCLE},
        ),
        (_("Date"), formats.date_format(meeting.date, LONG_DATE)),
        (_("Time"), f"{meeting.start_time:%H:%M}–{meeting.end_time:%H:%M}"),
        (_("Place"), meeting.place),
        (_("Host unit"), meeting.host.name),
    ]
    return {
        "cover": cover(
            title=title,
            subtitle=[
                _(
                    "The meeting's agenda, the host's practice, the action items left open "
                    "by the previous meeting and the group's results."
                )
            ],
            facts=facts,
            date=timezone.localdate(),
        ),
        "agenda": {
            "heading": _("Agenda"),
            "items": pack.agenda,
            "empty": _("The moderator has not set the agenda yet."),
        },
        "practice": _practice(pack),
        "actions": _actions(pack),
        "plans": _plans(pack),
        "improved": _improved(pack),
        "results": _results(pack),
    }


def _practice(pack: MeetingPack) -> dict[str, Any]:
    meeting = pack.meeting
    summary = [p.strip() for p in meeting.practice_summary.replace("\r", "").split("\n\n")]
    return {
        "heading": _("The host's practice: %(unit)s") % {"unit": meeting.host.name},
        "title": meeting.practice_title or None,
        "empty": _("The host has not described its practice yet."),
        "summary": [p for p in summary if p],
        "files-heading": _("Files of the practice"),
        "files": pack.practice_files,
        "no-files": _("No files are attached to the practice."),
    }


def _actions(pack: MeetingPack) -> dict[str, Any]:
    previous = pack.previous
    if previous is None:
        return {
            "heading": _("Open action items of the previous meeting"),
            "intro": _("This is the group's first meeting: no action items are open."),
            "table": None,
        }
    names = {
        "number": previous.number,
        "date": formats.date_format(previous.date, LONG_DATE),
    }
    if not pack.all_actions:
        intro = (
            _(
                "The minutes of meeting %(number)s (%(date)s) are not published yet: "
                "only your own open action items are listed."
            )
            % names
        )
    elif pack.open_actions:
        intro = _("Action items of meeting %(number)s (%(date)s) not done yet.") % names
    else:
        intro = _("Meeting %(number)s (%(date)s) left no open action items.") % names
    late = _("late")
    rows = [
        table_row(
            item.text,
            item.owner or "—",
            formats.date_format(item.due, "SHORT_DATE_FORMAT") if item.due else "—",
            f"{item.status}, {late}" if item.late else item.status,
            own=item.late,
        )
        for item in pack.open_actions
    ]
    return {
        "heading": _("Open action items of meeting %(number)s") % names,
        "intro": intro,
        "table": table_of([_("Action item"), _("Owner"), _("Due"), _("Status")], rows)
        if rows
        else None,
    }


def _plans(pack: MeetingPack) -> dict[str, Any] | None:
    overview = pack.plans
    if overview is None:
        return None
    names = {"number": pack.meeting.number}
    intro = (
        _(
            "Per unit: its actions by status, the late ones (past their end date and not done) "
            "and the progress reports still missing for meeting %(number)s."
        )
        % names
    )
    if not overview.units:
        intro += " " + _("No adopted plan you may read.")
    rows = [
        table_row(
            row.unit.name,
            *[str(count) for count in row.status_counts],
            str(len(row.late)),
            str(len(row.missing)),
            own=bool(row.late or row.missing),
        )
        for row in overview.units
    ]
    headers = [
        _("Unit"),
        *[str(label).capitalize() for label in ActionStatus.labels],
        _("Late"),
        _("Reports missing"),
    ]
    return {
        "heading": _("Improvement plans: progress before meeting %(number)s") % names,
        "intro": intro,
        "table": table_of(headers, rows) if rows else None,
    }


def _improved(pack: MeetingPack) -> dict[str, Any] | None:
    report = pack.results
    if report is None or pack.improved is None:
        return None
    years = {"from": report.year - 1, "to": report.year}
    if not pack.improved:
        intro = _("No member improved a ranked indicator from %(from)s to %(to)s.") % years
        if report.comparison.withheld or report.year - 1 not in report.years:
            return None
    else:
        intro = (
            _(
                "For each indicator, the members whose value improved most from %(from)s to "
                "%(to)s (by the indicator's direction: a fall is an improvement where lower "
                "is better)."
            )
            % years
        )
    rows = [
        table_row(
            row.indicator if i == 0 or pack.improved[i - 1].indicator != row.indicator else "",
            str(row.rank),
            row.label,
            row.baseline,
            row.latest,
            row.change,
            own=row.own,
        )
        for i, row in enumerate(pack.improved)
    ]
    headers = [
        _("Indicator"),
        _("Rank"),
        _("Unit"),
        str(years["from"]),
        str(years["to"]),
        pgettext("of a value", "Change"),
    ]
    return {
        "heading": _("Most improved, %(from)s–%(to)s") % years,
        "intro": intro,
        "table": table_of(headers, rows) if rows else None,
    }


def _results(pack: MeetingPack) -> dict[str, Any]:
    report = pack.results
    if report is None:
        return {"heading": _("The group's results"), "intro": pack.no_results, "domains": []}
    intro = _("%(year)s, %(members)s member units; the dashed line is the group's median.") % {
        "year": report.year,
        "members": report.members,
    }
    if report.comparison.withheld:  # the programme's minimum group size
        intro += " " + report.comparison.withheld
    if not report.comparison.names_shown:
        intro += " " + (
            _("Other units are letters, your unit is named.")
            if report.own
            else _("Units are letters, as the group chose.")
        )
    return {
        "heading": _("The group's results, %(year)s") % {"year": report.year},
        "intro": intro,
        "domains": results_domains(report),
    }
