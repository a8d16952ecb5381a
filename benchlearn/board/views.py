"""The pages of a group's board: its threads, a thread with its replies, a new thread,
editing and deleting a post, an attachment's download, and the reader's choice of
immediate notifications or a daily digest."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.board.access import (
    attachment_get,
    board_get_for_user,
    edit_deadline,
    may_moderate,
    post_get,
    require_delete,
    require_edit,
    thread_get,
)
from benchlearn.board.forms import EditForm, PreferenceForm, ReplyForm, ThreadForm
from benchlearn.board.selectors import (
    prefers_digest,
    thread_page_for,
    threads_of,
)
from benchlearn.board.services import (
    BoardError,
    board_preference_set,
    post_delete,
    post_edit,
    post_link,
    post_reply,
    thread_create,
    thread_pin,
)


@login_required
@require_GET
def board(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = board_get_for_user(request.user, group_id)
    context = {
        "group": group,
        "threads": threads_of(group),
        "digest": prefers_digest(request.user),
    }
    return render(request, "board/board.html", context)


@login_required
def thread_new(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = board_get_for_user(request.user, group_id)
    may_announce = may_moderate(request.user, group)
    form = ThreadForm(request.POST or None, request.FILES or None, may_announce=may_announce)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = thread_create(
                group=group,
                by=request.user,
                title=data["title"],
                body=data["body"],
                files=data["attachments"],
                announcement=data.get("announcement", False),
            )
        except BoardError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The thread is on the board."))
            return redirect("board-thread", group.pk, thread.pk)
    status = 400 if request.method == "POST" else 200
    context = {"group": group, "form": form}
    return render(request, "board/thread_new.html", context, status=status)


@login_required
def thread_detail(request: AuthenticatedHttpRequest, group_id: int, thread_id: int) -> HttpResponse:
    """A thread and its replies; POST: a reply."""
    group = board_get_for_user(request.user, group_id)
    thread = thread_get(group, thread_id)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = post_reply(
                thread=thread,
                by=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except BoardError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your reply is on the board."))
            return redirect(post_link(post))
    status = 400 if request.method == "POST" else 200
    context = {"group": group, "page": thread_page_for(request.user, group, thread), "form": form}
    return render(request, "board/thread.html", context, status=status)


@login_required
@require_POST
def thread_pin_view(
    request: AuthenticatedHttpRequest, group_id: int, thread_id: int
) -> HttpResponse:
    """The moderator pins a thread as an announcement, or unpins it."""
    group = board_get_for_user(request.user, group_id)
    thread = thread_get(group, thread_id)
    pinned = request.POST.get("announcement") == "1"
    thread_pin(thread=thread, by=request.user, announcement=pinned)
    messages.success(
        request,
        _("The thread is pinned at the top of the board.")
        if pinned
        else _("The thread is no longer pinned."),
    )
    return redirect("board-thread", group.pk, thread.pk)


@login_required
def post_edit_view(request: AuthenticatedHttpRequest, group_id: int, post_id: int) -> HttpResponse:
    group = board_get_for_user(request.user, group_id)
    post = post_get(group, post_id)
    require_edit(request.user, post)
    form = EditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            post = post_edit(post=post, by=request.user, body=form.cleaned_data["body"])
        except BoardError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your post is changed."))
            return redirect(post_link(post))
    status = 400 if request.method == "POST" else 200
    context = {"group": group, "post": post, "form": form, "until": edit_deadline(post)}
    return render(request, "board/post_edit.html", context, status=status)


@login_required
def post_delete_view(
    request: AuthenticatedHttpRequest, group_id: int, post_id: int
) -> HttpResponse:
    """GET asks first; POST deletes."""
    group = board_get_for_user(request.user, group_id)
    post = post_get(group, post_id)
    require_delete(request.user, post, group)
    if request.method == "POST":
        post_delete(post=post, by=request.user)
        messages.success(request, _("The post is deleted."))
        return redirect(post_link(post))
    return render(request, "board/post_delete.html", {"group": group, "post": post})


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, group_id: int, file_id: int
) -> FileResponse:
    group = board_get_for_user(request.user, group_id)
    attachment = attachment_get(group, file_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this attachment is missing.")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
def board_preference(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {"digest": "1" if prefers_digest(request.user) else "0"}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        board_preference_set(user=request.user, digest=form.cleaned_data["digest"])
        messages.success(request, _("Your choice is saved."))
        return redirect(reverse("board-preference"))
    status = 400 if request.method == "POST" else 200
    return render(request, "board/preference.html", {"form": form}, status=status)
