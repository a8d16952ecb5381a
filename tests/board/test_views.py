"""The board's pages for the group's people, its moderator, the office and a stranger;
bad input answered with a clear message and nothing stored."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchlearn.board.models import Attachment, Post, PostChange, Thread
from benchlearn.board.services import post_reply, thread_create
from benchlearn.groups.services import group_create
from tests.board.conftest import PDF, PNG, ooxml, upload
from tests.conftest import client_for


def board_url(group, tail=""):
    return f"/groups/{group.pk}/board/{tail}"


def thread_url(thread, tail=""):
    return board_url(thread.group, f"{thread.pk}/{tail}")


def test_participant_sees_the_announcement_pinned_above_newer_threads(
    group, announcement, thread, participant_b
):
    page = client_for(participant_b).get(board_url(group))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("Spotkanie 12 marca") < text.index("Dowóz uczniów")
    assert "Announcement" in text


def test_the_group_page_links_to_its_board(group, participant_a):
    page = client_for(participant_a).get(f"/groups/{group.pk}/")
    assert board_url(group).encode() in page.content


def test_a_reply_is_stored_and_shown(thread, participant_b):
    client = client_for(participant_b)
    response = client.post(thread_url(thread), {"body": "U nas według kilometrów."})
    assert response.status_code == 302
    reply = Post.objects.filter(thread=thread).last()
    assert response["Location"] == thread_url(thread) + f"#post-{reply.pk}"
    assert (reply.author, reply.body) == (participant_b, "U nas według kilometrów.")
    assert "U nas według kilometrów." in client.get(thread_url(thread)).content.decode()


def test_posts_are_plain_text_escaped_with_links_and_line_breaks(thread, participant_b):
    body = '<script>alert(1)</script> <b>x</b>\nzob. https://example.org/a?b=1&c=2 "q"'
    client = client_for(participant_b)
    client.post(thread_url(thread), {"body": body})
    text = client.get(thread_url(thread)).content.decode()
    assert "<script>alert(1)</script>" not in text and "<b>x</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt;<br>" in text
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow">' in text


def test_a_post_on_someone_elses_board_is_refused_and_nothing_stored(group, thread, stranger):
    client = client_for(stranger)
    before = Post.objects.count(), Thread.objects.count()
    reply = client.post(thread_url(thread), {"body": "Dzień dobry"})
    new = client.post(board_url(group, "new/"), {"title": "Obcy", "body": "Dzień dobry"})
    for response in (reply, new):
        assert response.status_code == 404
        assert f"There is no exchange group number {group.pk} that you may open." in (
            response.content.decode()
        )
    assert (Post.objects.count(), Thread.objects.count()) == before


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_post_is_refused(thread, participant_b, body):
    before = Post.objects.count()
    response = client_for(participant_b).post(thread_url(thread), {"body": body})
    assert response.status_code == 400
    assert "Write a message: an empty post cannot be sent." in response.content.decode()
    assert Post.objects.count() == before


def test_a_thread_without_a_title_is_refused(group, participant_a):
    response = client_for(participant_a).post(board_url(group, "new/"), {"body": "Treść"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Thread.objects.exists()


def test_an_attachment_too_large_is_refused(thread, participant_b, settings):
    settings.BOARD_ATTACHMENT_MAX_BYTES = 1024
    big = upload("raport.pdf", PDF + b"0" * 2000)
    before = Post.objects.count()
    response = client_for(participant_b).post(
        thread_url(thread), {"body": "W załączniku", "attachments": [big]}
    )
    assert response.status_code == 400
    assert "“raport.pdf” has 2.0\xa0KB; an attachment may have at most 1.0\xa0KB." in (
        response.content.decode()
    )
    assert Post.objects.count() == before and Attachment.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "only PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPG files can"),
        ("faktura.pdf", b"MZ\x90\x00", "is not the file its name says (.pdf)"),
        ("zdjecie.jpg", PNG, "is not the file its name says (.jpg)"),
        ("makro.docx", ooxml("word/document.xml", "word/vbaProject.bin"), "is not the file"),
        ("tabela.xlsx", ooxml("word/document.xml"), "is not the file its name says (.xlsx)"),
    ],
)
def test_a_refused_attachment_type_is_refused(thread, participant_b, name, data, message):
    before = Post.objects.count()
    response = client_for(participant_b).post(
        thread_url(thread), {"body": "Plik", "attachments": [upload(name, data)]}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Post.objects.count() == before and Attachment.objects.count() == 1


def test_accepted_attachments_are_downloaded_by_the_groups_people_only(
    group, thread, participant_b, stranger, operator
):
    client = client_for(participant_b)
    content = ooxml("word/document.xml")  # once: a zip carries the time it was made
    docx = upload("plan.docx", content)
    response = client.post(thread_url(thread), {"body": "Plan", "attachments": [docx]})
    assert response.status_code == 302
    attachment = Attachment.objects.get(name="plan.docx")
    url = board_url(group, f"files/{attachment.pk}/")
    for person in (participant_b, operator):
        download = client_for(person).get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == content
        assert download["Content-Disposition"].startswith("attachment;")
        assert 'filename="plan.docx"' in download["Content-Disposition"]
    assert client_for(stranger).get(url).status_code == 404
    # The file in storage does not carry the person's name for it.
    assert "plan" not in attachment.file.name


def test_the_author_edits_within_fifteen_minutes_and_the_edit_is_recorded(thread, participant_a):
    post = thread.posts.get()
    client = client_for(participant_a)
    url = board_url(thread.group, f"posts/{post.pk}/edit/")
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "Jak liczycie koszt dowozu na ucznia?"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Jak liczycie koszt dowozu na ucznia?" and post.edited_at
    change = PostChange.objects.get(post=post)
    assert (change.kind, change.by, change.old_body) == (
        "edited",
        participant_a,
        "Jak liczycie koszt dowozu?",
    )
    # Too late: refused, nothing changed.
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    late = client.post(url, {"body": "Zmiana po czasie"})
    assert late.status_code == 403
    assert "only in the first 15 minutes" in late.content.decode()
    assert client.get(url).status_code == 403  # the page says so before anything is typed
    assert "Edit" not in client.get(thread_url(thread)).content.decode().split("<main")[1]
    post.refresh_from_db()
    assert post.body == "Jak liczycie koszt dowozu na ucznia?"


@pytest.mark.parametrize("who", ["participant_b", "moderator", "operator"])
def test_editing_someone_elses_post_is_refused(thread, programme, who):
    post = thread.posts.get()
    url = board_url(thread.group, f"posts/{post.pk}/edit/")
    response = client_for(programme[who]).post(url, {"body": "Poprawione"})
    assert response.status_code == 403
    assert "Only the author may edit a post." in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Jak liczycie koszt dowozu?" and not PostChange.objects.exists()


def test_the_moderator_deletes_a_post_which_shows_as_deleted(thread, moderator, participant_b):
    post = thread.posts.get()
    url = board_url(thread.group, f"posts/{post.pk}/delete/")
    assert client_for(participant_b).post(url).status_code == 403
    assert client_for(moderator).get(url).status_code == 200
    assert client_for(moderator).post(url).status_code == 302
    post.refresh_from_db()
    assert post.deleted_by == moderator and post.body == ""
    change = PostChange.objects.get(post=post)
    assert (change.kind, change.by, change.old_body) == (
        "deleted",
        moderator,
        "Jak liczycie koszt dowozu?",
    )
    text = client_for(participant_b).get(thread_url(thread)).content.decode()
    assert "Message deleted" in text and "Jak liczycie" not in text
    # The deleted post's attachment goes with it.
    attachment = Attachment.objects.get(post=post)
    download = client_for(participant_b).get(board_url(thread.group, f"files/{attachment.pk}/"))
    assert download.status_code == 404


def test_the_author_deletes_their_own_post(thread, participant_a):
    post = thread.posts.get()
    response = client_for(participant_a).post(board_url(thread.group, f"posts/{post.pk}/delete/"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.deleted and post.deleted_by == participant_a


def test_only_the_moderator_and_the_office_post_announcements(group, participant_a, moderator):
    data = {"title": "Ogłoszenie", "body": "Ważne", "announcement": "on"}
    client_for(participant_a).post(board_url(group, "new/"), data)
    assert Thread.objects.get(title="Ogłoszenie").announcement is False
    form = client_for(participant_a).get(board_url(group, "new/")).content.decode()
    assert 'name="announcement"' not in form
    client_for(moderator).post(board_url(group, "new/"), {**data, "title": "Od moderatora"})
    assert Thread.objects.get(title="Od moderatora").announcement is True


def test_a_thread_of_another_group_is_not_found_on_this_board(group, thread, operator, units):
    other = group_create(name="GWD Odpady", service="Odpady", cycle_start=2025, moderator=None)
    response = client_for(operator).get(f"/groups/{other.pk}/board/{thread.pk}/")
    assert response.status_code == 404


def test_choosing_the_daily_digest(participant_a):
    client = client_for(participant_a)
    assert client.get("/groups/board/notifications/").status_code == 200
    response = client.post("/groups/board/notifications/", {"digest": "1"})
    assert response.status_code == 302
    assert participant_a.board_preference.digest is True
    assert client.post("/groups/board/notifications/", {"digest": "x"}).status_code == 400


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_board_and_a_thread_take_as_many_queries_however_long(
    group, thread, participant_a, participant_b
):
    client = client_for(participant_b)
    board_before = _queries(client, board_url(group))
    thread_before = _queries(client, thread_url(thread))
    for n in range(5):
        other = thread_create(group=group, by=participant_a, title=f"Wątek {n}", body="Treść")
        post_reply(thread=other, by=participant_b, body="Odpowiedź")
        post_reply(thread=thread, by=participant_a, body="Dalej", files=[upload(f"{n}.pdf", PDF)])
    assert _queries(client, board_url(group)) == board_before
    assert _queries(client, thread_url(thread)) == thread_before


def test_the_moderator_pins_and_unpins_a_thread(thread, moderator, participant_b):
    url = thread_url(thread, "pin/")
    refused = client_for(participant_b).post(url, {"announcement": "1"})
    assert refused.status_code == 403
    assert "moderator may pin announcements." in refused.content.decode()
    thread.refresh_from_db()
    assert thread.announcement is False
    assert client_for(moderator).post(url, {"announcement": "1"}).status_code == 302
    thread.refresh_from_db()
    assert thread.announcement is True
    client_for(moderator).post(url, {"announcement": "0"})
    thread.refresh_from_db()
    assert thread.announcement is False
