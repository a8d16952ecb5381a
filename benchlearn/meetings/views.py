"""The meetings' pages: the cycle's plan, a meeting, its attendance, minutes, actions,
files, invitations, and a person's calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, active_account
from benchlearn.accounts.models import User
from benchlearn.meetings.access import (
    may_download,
    may_plan,
    meeting_get_for_user,
    meeting_group_get_for_user,
)
from benchlearn.meetings.attachments import attachment_add
from benchlearn.meetings.calendar import feed_ics, meeting_ics
from benchlearn.meetings.forms import (
    ActionForm,
    AttachmentForm,
    MeetingForm,
    MinutesForm,
    PlanFormSet,
)
from benchlearn.meetings.models import ActionItem, Attachment, Meeting
from benchlearn.meetings.selectors import (
    attendance_rows,
    feed_get,
    feed_meetings,
    meeting_page_for,
    meetings_of,
    my_action_items,
)
from benchlearn.meetings.services import (
    AttendanceEntry,
    MeetingError,
    PlannedMeeting,
    action_add,
    action_status_set,
    attendance_record,
    calendar_feed_renew,
    invitations_send,
    meeting_update,
    meetings_plan,
    minutes_approve,
    minutes_publish,
    minutes_save,
    plan_proposal,
)
from benchlearn.practices.access import may_start_practice


def _detail(meeting: Meeting) -> HttpResponse:
    return redirect("meeting-detail", meeting.group_id, meeting.number)


@login_required
def meeting_list(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = meeting_group_get_for_user(request.user, group_id)
    context = {
        "group": group,
        "meetings": meetings_of(group),
        "can_plan": may_plan(request.user, group),
        "my_actions": my_action_items(request.user).filter(meeting__group=group),
    }
    return render(request, "meetings/meeting_list.html", context)


@login_required
def meeting_plan(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    """The cycle's eight meetings in one form, proposed, editable, saved all at once."""
    group = meeting_group_get_for_user(request.user, group_id, plan=True)
    if group.meetings.exists():
        messages.info(request, _("The group's meetings are planned already."))
        return redirect("meeting-list", group.pk)
    initial = [
        {
            "date": row.date,
            "start_time": row.start_time,
            "end_time": row.end_time,
            "host": row.host.pk,
        }
        for row in plan_proposal(group)
    ]
    formset = PlanFormSet(
        request.POST or None, initial=initial, prefix="m", form_kwargs={"group": group}
    )
    problem = ""
    if request.method == "POST" and formset.is_valid():
        rows = [
            PlannedMeeting(number=i, **form.cleaned_data)
            for i, form in enumerate(formset.forms, start=1)
        ]
        try:
            meetings_plan(group=group, by=request.user, rows=rows)
        except MeetingError as error:
            problem = str(error)
        else:
            messages.success(request, _("The cycle's meetings are planned."))
            return redirect("meeting-list", group.pk)
    status = 400 if request.method == "POST" else 200
    context = {"group": group, "formset": formset, "problem": problem, "no_members": not initial}
    return render(request, "meetings/meeting_plan.html", context, status=status)


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, group_id: int, number: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, group_id, number)
    page = meeting_page_for(request.user, meeting)
    context = {
        "page": page,
        "action_form": ActionForm(people=page.people) if page.can_plan else None,
        "attachment_form": AttachmentForm() if page.can_plan else None,
        "can_share_practice": may_start_practice(request.user, meeting.host),
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def meeting_edit(request: AuthenticatedHttpRequest, group_id: int, number: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, group_id, number, plan=True)
    initial = {
        "date": meeting.date,
        "start_time": meeting.start_time,
        "end_time": meeting.end_time,
        "host": meeting.host_id,
        "place": meeting.place,
        "state": meeting.state,
        "practice_title": meeting.practice_title,
        "practice_summary": meeting.practice_summary,
        "agenda": "\n".join(item.title for item in meeting.agenda.all()),
    }
    form = MeetingForm(request.POST or None, initial=initial, group=meeting.group)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agenda = str(data.pop("agenda")).splitlines()
        sequence = meeting.sequence
        try:
            meeting_update(meeting=meeting, by=request.user, agenda=agenda, **data)
        except MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting is saved."))
            if meeting.invited_at is not None and meeting.sequence != sequence:
                messages.warning(
                    request,
                    _("The meeting has moved: e-mail the invitation again to update calendars."),
                )
            return _detail(meeting)
    status = 400 if request.method == "POST" else 200
    context = {"meeting": meeting, "form": form}
    return render(request, "meetings/meeting_edit.html", context, status=status)


@login_required
def meeting_attendance(
    request: AuthenticatedHttpRequest, group_id: int, number: int
) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, group_id, number, plan=True)
    rows = attendance_rows(meeting)
    problem = ""
    if request.method == "POST":
        try:
            entries = _attendance_posted(request, rows)
            attendance_record(meeting=meeting, by=request.user, entries=entries)
        except MeetingError as error:
            problem = str(error)
        else:
            messages.success(request, _("The attendance is saved."))
            return _detail(meeting)
    status = 400 if problem else 200
    context = {"meeting": meeting, "rows": rows, "problem": problem}
    return render(request, "meetings/meeting_attendance.html", context, status=status)


def _attendance_posted(request: HttpRequest, rows: list) -> list[AttendanceEntry]:  # type: ignore[type-arg]
    entries = []
    for row in rows:
        key = f"{row.unit.teryt}-{row.level}"
        raw = request.POST.get(f"{key}-person", "")
        person = None
        if raw:
            person = User.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
            if person is None:
                raise MeetingError(_("Unknown person."))
        entries.append(
            AttendanceEntry(
                unit=row.unit,
                level=row.level,
                person=person,
                present=request.POST.get(f"{key}-present") == "on",
            )
        )
    return entries


@login_required
def meeting_minutes(request: AuthenticatedHttpRequest, group_id: int, number: int) -> HttpResponse:
    """Write, approve and publish the minutes: the moderator and the office."""
    meeting = meeting_get_for_user(request.user, group_id, number, plan=True)
    form = MinutesForm(request.POST or None, initial={"text": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        step = request.POST.get("step", "save")
        try:
            if step == "publish":
                minutes_publish(meeting=meeting, by=request.user)
                messages.success(request, _("The minutes are published to the members."))
            elif step == "approve":
                meeting = minutes_save(
                    meeting=meeting, by=request.user, text=form.cleaned_data["text"]
                )
                minutes_approve(meeting=meeting, by=request.user)
                messages.success(request, _("The minutes are approved."))
            else:
                minutes_save(meeting=meeting, by=request.user, text=form.cleaned_data["text"])
                messages.success(request, _("The minutes are saved."))
        except MeetingError as error:
            form.add_error(None, str(error))
        else:
            return _detail(meeting)
    status = 400 if request.method == "POST" else 200
    context = {"meeting": meeting, "form": form}
    return render(request, "meetings/meeting_minutes.html", context, status=status)


@login_required
@require_POST
def meeting_action_add(
    request: AuthenticatedHttpRequest, group_id: int, number: int
) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, group_id, number, plan=True)
    page = meeting_page_for(request.user, meeting)
    form = ActionForm(request.POST, people=page.people)
    if form.is_valid():
        try:
            action_add(meeting=meeting, by=request.user, **form.cleaned_data)
        except MeetingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _detail(meeting)


@login_required
@require_POST
def meeting_action_status(
    request: AuthenticatedHttpRequest, group_id: int, number: int, item_id: int
) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, group_id, number)
    items = ActionItem.objects.filter(meeting=meeting)
    if not may_plan(request.user, meeting.group):
        items = items.filter(owner=request.user)  # the items one sees on the page
    item = items.filter(pk=item_id).first()
    if item is None:
        raise Http404(_("The meeting has no such item."))
    try:
        action_status_set(item=item, by=request.user, status=request.POST.get("status", ""))
    except MeetingError as error:
        messages.error(request, str(error))
    return _detail(meeting)


@login_required
@require_POST
def meeting_attachment_add(
    request: AuthenticatedHttpRequest, group_id: int, number: int
) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, group_id, number, plan=True)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                meeting=meeting,
                by=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except MeetingError as error:
            messages.error(request, str(error))
            return _detail_status(request, meeting, 400)
        messages.success(request, _("The file is added."))
        return _detail(meeting)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _detail_status(request, meeting, 400)


def _detail_status(
    request: AuthenticatedHttpRequest, meeting: Meeting, status: int
) -> HttpResponse:
    page = meeting_page_for(request.user, meeting)
    context = {
        "page": page,
        "action_form": ActionForm(people=page.people),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "meetings/meeting_detail.html", context, status=status)


@login_required
def meeting_attachment(
    request: AuthenticatedHttpRequest, group_id: int, number: int, attachment_id: int
) -> FileResponse:
    meeting = meeting_get_for_user(request.user, group_id, number)
    attachment = Attachment.objects.filter(pk=attachment_id, meeting=meeting).first()
    if attachment is None or not may_download(request.user, attachment):
        raise Http404(_("The meeting has no such file."))
    attachment.meeting = meeting
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
@require_POST
def meeting_invite(request: AuthenticatedHttpRequest, group_id: int, number: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, group_id, number, plan=True)
    invitations_send(meeting=meeting, by=request.user)
    messages.success(request, _("The invitations are being sent."))
    return _detail(meeting)


@login_required
def meeting_calendar(request: AuthenticatedHttpRequest, group_id: int, number: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, group_id, number)
    response = HttpResponse(meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.number}.ics"'
    return response


@login_required
def calendar_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's secret calendar address, and a way to make a new one."""
    feed = getattr(request.user, "calendar_feed", None)
    if request.method == "POST":
        feed = calendar_feed_renew(user=request.user)
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
        return redirect("calendar-feed")
    url = ""
    if feed is not None:
        url = request.build_absolute_uri(reverse("calendar-feed-ics", args=[feed.token]))
    return render(request, "meetings/calendar_feed.html", {"url": url})


def calendar_feed_ics(request: HttpRequest, feed_token: str) -> HttpResponse:
    """No login: calendars fetch it on their own. The token is the key."""
    feed = feed_get(feed_token)
    if feed is None or active_account(feed.user) is None:
        raise Http404(_("There is no such calendar."))
    body = feed_ics(feed_meetings(feed), name=_("Benchlearn meetings"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
