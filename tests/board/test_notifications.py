"""Who hears of a post, and how: the group's people at once (by a task, through the
outbox), people mentioned by name, and a daily digest of one e-mail per person and day
for those who chose it."""

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from benchlearn.board.models import Post
from benchlearn.board.services import board_preference_set, post_reply, thread_create
from benchlearn.notifications.models import Notification
from benchlearn.notifications.services import preferences_set
from tests.board.conftest import upload
from tests.conftest import client_for
from tests.notifications.conftest import deliver, forget


def recipients(sent):
    return sorted(to[0] for _subject, to in sent)


def test_a_new_post_tells_the_groups_people_at_once_but_not_its_author(group, programme, thread):
    forget()
    response = client_for(programme["participant_b"]).post(
        f"/groups/{group.pk}/board/{thread.pk}/", {"body": "U nas według kilometrów."}
    )
    assert response.status_code == 302
    assert mail.outbox == []  # queued, not sent inside the request
    sent = deliver()
    # Not the author (Bartek), not the office, not unit C's stranger, not a nobody.
    assert recipients(sent) == ["anna@example.org", "moderator@example.org"]
    assert {subject for subject, _to in sent} == {"New post in GWD Oświata: Dowóz uczniów"}
    body = mail.outbox[0].body
    assert "Bartek Kolega wrote on the board of GWD Oświata, in “Dowóz uczniów”:" in body
    assert "U nas według kilometrów." in body
    post = Post.objects.get(body="U nas według kilometrów.")
    assert f"http://localhost:8000/groups/{group.pk}/board/{thread.pk}/#post-{post.pk}" in body


def test_an_announcement_is_told_as_one(group, moderator, participant_a, participant_b):
    forget()
    thread_create(group=group, by=moderator, title="Spotkanie", body="W piątek", announcement=True)
    sent = deliver()
    assert recipients(sent) == ["anna@example.org", "bartek@example.org"]
    assert sent[0][0] == "Announcement in GWD Oświata: Spotkanie"


def test_a_mention_tells_the_person_mentioned_once_even_the_office(group, programme, thread):
    forget()
    post_reply(
        thread=thread,
        by=programme["participant_b"],
        body="@Anna Uczestniczka i @biuro@example.org, czy @Stefan Obcy też?",
    )
    sent = deliver()
    by_person = {to[0]: subject for subject, to in sent}
    assert by_person == {
        "anna@example.org": "Bartek Kolega mentioned you in “Dowóz uczniów”",
        "biuro@example.org": "Bartek Kolega mentioned you in “Dowóz uczniów”",
        "moderator@example.org": "New post in GWD Oświata: Dowóz uczniów",
    }
    # The stranger cannot read the board: mentioning him tells him nothing.
    assert not Notification.objects.filter(recipient=programme["stranger"]).exists()


def test_an_operator_who_wrote_in_a_thread_hears_of_its_replies(
    group, operator, participant_a, participant_b, thread
):
    post_reply(thread=thread, by=operator, body="Biuro ma zestawienie.")
    forget()
    post_reply(thread=thread, by=participant_b, body="Dziękuję!")
    assert recipients(deliver()) == [
        "anna@example.org",
        "biuro@example.org",
        "moderator@example.org",
    ]


def test_an_edit_tells_only_the_people_newly_mentioned(group, programme, thread):
    anna = programme["participant_a"]
    forget()
    post = thread.posts.get()
    client_for(anna).post(
        f"/groups/{group.pk}/board/posts/{post.pk}/edit/",
        {"body": "Jak liczycie koszt dowozu? @Bartek Kolega"},
    )
    assert deliver() == [
        ("Anna Uczestniczka mentioned you in “Dowóz uczniów”", ["bartek@example.org"])
    ]


def test_email_switched_off_keeps_the_post_in_the_list_only(
    group, participant_a, thread, participant_b
):
    preferences_set(user=participant_a, chosen={"board_post": (False, True)})
    forget()
    post_reply(thread=thread, by=participant_b, body="Odpowiedź")
    assert recipients(deliver()) == ["moderator@example.org"]
    assert Notification.objects.get(recipient=participant_a, kind="board_post").emailed is False


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_daily_digest_collects_one_days_posts_in_one_email(
    group, moderator, participant_a, participant_b
):
    board_preference_set(user=participant_a, digest=True)
    forget()
    thread = thread_create(group=group, by=moderator, title="Ankieta", body="Proszę o wyniki")
    post_reply(
        thread=thread,
        by=participant_b,
        body="Wyniki w załączniku",
        files=[upload("wyniki.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)],
    )
    post_reply(thread=thread, by=participant_a, body="Moja własna odpowiedź")
    # Anna chose the digest: the posts do not tell her at once.
    assert "anna@example.org" not in recipients(deliver())
    day = datetime.date(2026, 3, 12)
    posts = list(Post.objects.filter(thread=thread).order_by("pk"))
    for post, hour in zip(posts, (9, 23, 10), strict=True):
        Post.objects.filter(pk=post.pk).update(created_at=_at(day, hour))
    # A post of the next day waits for the next digest.
    late = post_reply(thread=thread, by=moderator, body="Dzień później")
    Post.objects.filter(pk=late.pk).update(created_at=_at(day + datetime.timedelta(days=1), 0))
    forget()
    call_command("board-digest", "--day", "2026-03-12")
    sent = deliver()
    assert sent == [("New on your groups' boards, 12 Mar 2026", ["anna@example.org"])]
    body = mail.outbox[0].body
    assert "Marek Moderator, 09:00: Proszę o wyniki" in body
    assert "Bartek Kolega, 23:00: Wyniki w załączniku" in body
    assert "Moja własna odpowiedź" not in body  # her own
    assert "Dzień później" not in body
    assert body.count("GWD Oświata — “Ankieta”") == 2
    # Run again the same day: nobody gets the day twice.
    call_command("board-digest", "--day", "2026-03-12")
    assert deliver() == []
