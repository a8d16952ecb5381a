"""A participant on the group's board in a real browser, in Polish: from the group's page
to the board, the moderator's announcement pinned at the top, read, and a reply in a
thread, which the people it concerns are told of by e-mail."""

import pytest
from django.core import mail

from benchlearn.board.models import Post
from benchlearn.board.services import post_reply, thread_create
from tests.browser.conftest import axe_check, login

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_participant_reads_the_pinned_announcement_and_replies(
    page, live_server, group, moderator, participant_a, participant_b, tasks_run_at_once
):
    question = thread_create(
        group=group, by=participant_b, title="Dowóz uczniów", body="Jak liczycie koszt?"
    )
    thread_create(
        group=group,
        by=moderator,
        title="Spotkanie 12 marca w Gliwicach",
        body="Zapraszam.\nAgenda: https://example.org/agenda",
        announcement=True,
    )
    # A newer conversation: the announcement stays above it.
    post_reply(thread=question, by=participant_b, body="Ktoś?")
    mail.outbox.clear()  # the set-up's own notifications

    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    page.get_by_role("link", name="Forum grupy: wątki, ogłoszenia i pliki").click()
    rows = page.locator("table.board-threads tbody tr")
    assert "Ogłoszenie" in rows.nth(0).inner_text()
    assert "Spotkanie 12 marca w Gliwicach" in rows.nth(0).inner_text()
    assert "Dowóz uczniów" in rows.nth(1).inner_text()
    axe_check(page)

    page.get_by_role("link", name="Spotkanie 12 marca w Gliwicach").click()
    post = page.locator("li.board-post").first
    assert "Zapraszam." in post.inner_text()
    link = post.get_by_role("link", name="https://example.org/agenda")
    assert link.get_attribute("href") == "https://example.org/agenda"
    axe_check(page)

    page.get_by_role("link", name="Forum grupy GWD Oświata").click()
    page.get_by_role("link", name="Dowóz uczniów").click()
    page.get_by_label("Treść wiadomości").fill("U nas według kilometrów, @Bartek Kolega.")
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    page.wait_for_load_state()
    assert "Twoja odpowiedź jest na forum." in page.locator("main").inner_text()
    assert "U nas według kilometrów" in page.locator("li.board-post").last.inner_text()
    axe_check(page)

    reply = Post.objects.get(body="U nas według kilometrów, @Bartek Kolega.")
    assert reply.author == participant_a
    # The live server's worker ran the notifications as the reply was stored.
    sent = {message.to[0]: message.subject for message in mail.outbox}
    assert sent == {
        "bartek@example.org": "Anna Uczestniczka wspomina o Tobie w wątku „Dowóz uczniów”",
        "moderator@example.org": "Nowa wiadomość w grupie GWD Oświata: Dowóz uczniów",
    }
