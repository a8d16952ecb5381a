"""A meeting's pack, downloaded from the meeting's page and read back as text: its
agenda, the host's practice, the previous meeting's open action items, the group's
results with the group report's rules of who is named; refused to people outside.

The group "GWD Duża" (units A, B and the five extra gminas) is anonymised; meeting 2
is hosted by unit A and follows meeting 1, which left action items open, done,
dropped and a decision.
"""

import datetime
import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, timezone

from benchlearn.meetings.attachments import attachment_add
from benchlearn.meetings.models import MeetingState
from benchlearn.meetings.services import (
    action_add,
    action_status_set,
    meeting_update,
    meetings_plan,
    minutes_approve,
    minutes_publish,
    minutes_save,
    plan_proposal,
)
from benchlearn.reports.models import Document, DocumentKind, DocumentState
from benchlearn.units.services.memberships import unit_membership_remove
from tests.conftest import client_for
from tests.reports.test_documents import (  # noqa: F401 - a fixture
    computed,
    made,
    queued_documents,
)
from tests.results.conftest import (  # noqa: F401 - fixtures used by these tests
    computed_programme,
    extra_units,
    published,
)

AGENDA = ["Powitanie gości", "Wyniki grupy za 2024", "Dobra praktyka gospodarza", "Wolne wnioski"]
PRACTICE = "Wspólny zakup energii dla szkół"


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_DIR = tmp_path / "documents"


@pytest.fixture
def meetings(computed, moderator, participant_a, participant_b):  # noqa: F811 - a fixture
    """The cycle of "GWD Duża" planned; meeting 1's action items; meeting 2 filled in."""
    big, unit_a = computed["big"], computed["unit_a"]
    planned = meetings_plan(group=big, by=moderator, rows=plan_proposal(big))
    first, second = planned[0], planned[1]
    late = action_add(
        meeting=first,
        by=moderator,
        kind="action",
        text="Zebrać koszty dowozu uczniów",
        owner=participant_a,
        due=second.date - datetime.timedelta(days=7),
    )
    action_add(
        meeting=first,
        by=moderator,
        kind="action",
        text="Przygotować ankietę dla rodziców",
        owner=participant_b,
        due=datetime.date(2030, 1, 31),
    )
    done = action_add(
        meeting=first,
        by=moderator,
        kind="action",
        text="Rozesłać prezentację z pierwszego spotkania",
        owner=moderator,
        due=first.date,
    )
    action_status_set(item=done, by=moderator, status="done")
    dropped = action_add(
        meeting=first,
        by=moderator,
        kind="action",
        text="Zamówić catering",
        owner=moderator,
        due=first.date,
    )
    action_status_set(item=dropped, by=moderator, status="dropped")
    action_add(meeting=first, by=moderator, kind="decision", text="Decyzja: spotkania o 10:00")
    second = meeting_update(
        meeting=second,
        by=moderator,
        date=second.date,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(14, 0),
        host=unit_a,
        place="Urząd Gminy A, sala 12",
        state=MeetingState.PLANNED,
        practice_title=PRACTICE,
        practice_summary="Szkoły gminy kupują energię razem.\n\nOszczędność: 18 % rocznie.",
        agenda=AGENDA,
    )
    for name, kind in (("energia.pdf", "practice"), ("zaproszenie.pdf", "material")):
        attachment_add(
            meeting=second,
            by=moderator,
            kind=kind,
            upload=SimpleUploadedFile(name, b"%PDF-1.7\n"),
        )
    return {"first": first, "second": second, "late": late}


def pack_url(meeting) -> str:
    return f"/groups/{meeting.group_id}/meetings/{meeting.number}/pack.pdf"


def pages_of(response) -> list[str]:
    response = made(response) if response.status_code == 302 else response
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages]


def body_of(page: str) -> str:
    """A page's text without the frame every page has (the header and "page X of Y")."""
    lines = page.splitlines()
    return "\n".join(
        line for line in lines if "Benchlearn" not in line and not line.startswith("page ")
    ).strip()


def test_the_moderators_pack_holds_the_meeting(computed, meetings, moderator):  # noqa: F811
    second, late = meetings["second"], meetings["late"]
    pages = pages_of(client_for(moderator).get(pack_url(second)))
    text = "\n".join(pages)
    # The cover: the group, the meeting's number of 8, date, time, place, host.
    assert "Meeting pack: GWD Duża, meeting 2 of 8" in pages[0]
    assert formats.date_format(second.date, "j E Y") in pages[0]
    assert "10:00–14:00" in pages[0] and "Urząd Gminy A, sala 12" in pages[0]
    assert computed["unit_a"].name in pages[0]
    # The agenda in its order, then the practice, then the open action items.
    at = [text.index(item) for item in AGENDA]
    assert at == sorted(at)
    assert at[-1] < text.index(PRACTICE) < text.index("Open action items of meeting 1")
    assert "Oszczędność: 18 % rocznie." in text
    assert "energia.pdf" in text and "zaproszenie.pdf" not in text  # the practice's files
    # Meeting 1's open action items, with owners; the late one marked; no done,
    # dropped or decision.
    assert "Zebrać koszty dowozu uczniów" in text and "Przygotować ankietę" in text
    assert "Anna Uczestniczka" in text
    assert "open, late" in text and text.count(", late") == 1
    assert formats.date_format(late.due, "SHORT_DATE_FORMAT") in text
    for gone in ("Rozesłać prezentację", "Zamówić catering", "Decyzja: spotkania"):
        assert gone not in text
    # The group's results: every indicator of the members' rounds.
    assert "The group's results, 2024" in text
    assert "Net cost per pupil" in text and "Teachers per 100 pupils" in text
    # No improvement plans yet: no section for them.
    assert "Improvement plans" not in text and "progress" not in text


def test_the_pack_has_no_empty_page(computed, meetings, moderator):  # noqa: F811
    pages = pages_of(client_for(moderator).get(pack_url(meetings["second"])))
    # The cover; the agenda, practice and action items; the results on one page.
    assert len(pages) == 3
    assert "page 1 of 3" in pages[0]
    today = timezone.localdate()  # the day first, the month in words (not 12/06/2026)
    assert f"{today.day} {today:%B} {today.year}" in pages[0]
    for page in pages:
        assert len(body_of(page)) > 40, page
    assert "Agenda" in pages[1] and "The group's results" in pages[2]


def test_the_anonymised_group_shows_letters_to_the_moderator(
    computed,  # noqa: F811
    meetings,
    moderator,
):
    text = "\n".join(pages_of(client_for(moderator).get(pack_url(meetings["second"]))))
    assert "Units are letters, as the group chose." in text
    for unit in computed["units"]:
        if unit != computed["unit_a"]:  # the host, named on the cover
            assert unit.name not in text
    assert "\nA " in text or " A " in text


def test_a_participant_sees_their_unit_named_and_the_others_as_letters(
    computed,  # noqa: F811
    meetings,
    participant_a,
):
    pages = pages_of(client_for(participant_a).get(pack_url(meetings["second"])))
    results = "\n".join(pages[2:])
    assert computed["unit_a"].name in results
    for unit in computed["units"]:
        if unit != computed["unit_a"]:
            assert unit.name not in "\n".join(pages)
    assert "Other units are letters, your unit is named." in results


def test_a_participant_sees_only_their_own_items_until_the_minutes_are_published(
    computed,  # noqa: F811
    meetings,
    moderator,
    participant_a,
    participant_b,
):
    client = client_for(participant_b)
    text = "\n".join(pages_of(client.get(pack_url(meetings["second"]))))
    assert "The minutes of meeting 1" in text and "only your own" in text
    assert "Przygotować ankietę" in text
    assert "Zebrać koszty dowozu uczniów" not in text  # participant A's
    first = meetings["first"]
    minutes_save(meeting=first, by=moderator, text="Spotkanie otwarto o 10:00.")
    minutes_approve(meeting=first, by=moderator)
    minutes_publish(meeting=first, by=moderator)
    text = "\n".join(pages_of(client.get(pack_url(meetings["second"]))))
    assert "Zebrać koszty dowozu uczniów" in text and "Przygotować ankietę" in text


def test_the_first_meeting_has_no_earlier_action_items(computed, meetings, moderator):  # noqa: F811
    text = "\n".join(pages_of(client_for(moderator).get(pack_url(meetings["first"]))))
    assert "This is the group's first meeting: no action items are open." in text
    assert "Meeting pack: GWD Duża, meeting 1 of 8" in text


def test_a_pack_before_any_results_says_so(programme, group, moderator):
    meeting = meetings_plan(group=group, by=moderator, rows=plan_proposal(group))[0]
    pages = pages_of(client_for(moderator).get(pack_url(meeting)))
    assert len(pages) == 2  # the cover, and the agenda page with the rest
    assert "Results have not been computed yet" in pages[1]
    for page in pages:
        assert len(body_of(page)) > 40, page


def test_the_pack_in_polish(computed, meetings, moderator, settings):  # noqa: F811
    settings.LANGUAGE_CODE = "pl"
    pages = pages_of(client_for(moderator).get(pack_url(meetings["second"])))
    text = " ".join(" ".join(pages).split())  # a long title wraps
    assert "Materiały na spotkanie: GWD Duża, spotkanie 2 z 8" in text
    assert "Porządek spotkania" in text and "Dobra praktyka gospodarza" in text
    assert "Otwarte zadania ze spotkania 1" in text and ", po terminie" in text
    assert "Wyniki grupy, 2024" in text and "strona 1 z 3" in text


def test_the_meeting_page_links_to_its_pack(computed, meetings, participant_a):  # noqa: F811
    second = meetings["second"]
    html = client_for(participant_a).get(f"/groups/{second.group_id}/meetings/2/").content
    assert pack_url(second).encode() in html


@pytest.mark.parametrize("role", ["stranger", "nobody"])
def test_people_outside_the_group_are_refused(programme, group, moderator, role):
    """GWD Oświata has units A and B: unit C's participant and a person of no unit are
    answered as for a meeting that does not exist, and nothing is queued for them."""
    meeting = meetings_plan(group=group, by=moderator, rows=plan_proposal(group))[1]
    client = client_for(programme[role])
    assert client.get(pack_url(meeting)).status_code == 404
    assert client.get(f"/groups/{group.pk}/meeting-pack.pdf").status_code == 404
    assert not Document.objects.exists()
    # Its people may: a participant of unit B, the moderator, the office.
    for allowed in ("participant_b", "moderator", "operator"):
        assert client_for(programme[allowed]).get(pack_url(meeting)).status_code == 302


def test_an_unknown_meeting_is_a_clear_page(computed, meetings, moderator):  # noqa: F811
    response = client_for(moderator).get(f"/groups/{computed['big'].pk}/meetings/9/pack.pdf")
    assert response.status_code == 404
    assert b"The group has no meeting number 9." in response.content
    assert not Document.objects.exists()


def test_the_groups_pack_link_leads_to_its_next_meeting(computed, meetings, moderator):  # noqa: F811
    big = computed["big"]
    response = client_for(moderator).get(f"/groups/{big.pk}/meeting-pack.pdf")
    assert response.status_code == 302
    # Every meeting of the 2025–2026 cycle is past by now: the last one.
    assert response["Location"] == f"/groups/{big.pk}/meetings/8/pack.pdf"
    made(client_for(moderator).get(response["Location"]))
    (document,) = Document.objects.all()
    assert document.kind == DocumentKind.MEETING and document.meeting.number == 8
    assert document.file_name == f"benchlearn-meeting-{big.pk}-gwd-duza-8.pdf"


def test_a_group_without_meetings_has_no_pack(computed, moderator):  # noqa: F811
    response = client_for(moderator).get(f"/groups/{computed['big'].pk}/meeting-pack.pdf")
    assert response.status_code == 404
    assert b"has no meetings planned yet" in response.content


def test_the_pack_is_made_with_the_rights_of_when_it_is_made(
    computed,  # noqa: F811
    meetings,
    participant_b,
    unit_b,
    operator,
):
    """Asked for, then the person leaves the group's units before a worker makes it:
    the document fails with a message, and no file is made."""
    client = client_for(participant_b)
    response = client.get(pack_url(meetings["second"]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "GWD Duża, meeting 2" in page  # the page says which meeting's pack it follows
    unit_membership_remove(user=participant_b, unit=unit_b, by=operator)
    for queued in queued_documents():
        queued.task.call(*queued.args, **queued.kwargs)
    document = Document.objects.get()
    assert document.state == DocumentState.FAILED and not document.path
    assert "There is no exchange group number" in client.get(response["Location"]).content.decode()
