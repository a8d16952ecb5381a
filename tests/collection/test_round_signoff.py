"""An operator switches a round's internal sign-off on or off from the round's pages:
recorded with who, when, the old and new setting; refused where it would strand a
unit's data; forms awaiting sign-off become sendable when it is switched off."""

import pytest

from benchlearn.collection.models import RoundEvent, SubmissionEvent, SubmissionState
from benchlearn.collection.services import submission_signoff_request, submission_submit
from benchlearn.units.models import Level
from benchlearn.units.services import unit_membership_set
from tests.collection.conftest import COMPLETE, dump, make_round, save
from tests.conftest import client_for, make_user


def url(round_):
    return f"/rounds/{round_.pk}/signoff/"


@pytest.fixture
def round_a(published, programme, unit_a, operator):
    """A round of unit A only, whose participant (Anna) is at the strategic level."""
    return make_round(operator, [unit_a])


@pytest.fixture
def middle_a(unit_a):
    user = make_user("srednia@example.org", "Sylwia Średnia")
    unit_membership_set(user=user, unit=unit_a, level=Level.MIDDLE)
    return user


def test_the_operator_switches_signoff_on_and_it_is_recorded(round_a, operator, middle_a):
    client = client_for(operator)
    assert "Change internal sign-off" in client.get(f"/rounds/{round_a.pk}/").text
    assert "Switch internal sign-off on" in client.get(url(round_a)).text
    response = client.post(url(round_a), {"internal_signoff": "on"})
    assert response.status_code == 302
    round_a.refresh_from_db()
    assert round_a.internal_signoff
    event = round_a.events.get(kind=RoundEvent.Kind.SIGNOFF)
    assert (event.by, event.old_value, event.new_value) == (operator, "off", "on")
    history = client.get(f"/rounds/{round_a.pk}/").text
    assert "internal sign-off changed (Olga Operator): off → on" in history
    # From then on the middle level's draft needs the strategic level's sign-off.
    sub = round_a.submissions.get()
    assert save(sub, middle_a, {c: (t, "ok") for c, t in COMPLETE.items()}).ok
    sub.refresh_from_db()
    with pytest.raises(Exception, match="strategic-level participant confirms"):
        submission_submit(submission=sub, user=middle_a, base_revision=sub.revision)


def test_switching_on_is_refused_where_nobody_could_send_a_units_data(round_, operator):
    # Unit B's only participant is at the operational level, unit C's at the middle one.
    before = dump()
    response = client_for(operator).post(url(round_), {"internal_signoff": "on"})
    assert response.status_code == 400
    assert "Nobody at the strategic level acts for these units" in response.text
    assert "could not be sent: Bestwina, Gliwice." in response.text
    assert dump() == before
    assert not round_.events.filter(kind=RoundEvent.Kind.SIGNOFF).exists()


def test_switching_off_makes_forms_awaiting_signoff_sendable(round_a, operator, middle_a):
    round_a.internal_signoff = True
    round_a.save(update_fields=["internal_signoff"])
    sub = round_a.submissions.get()
    assert save(sub, middle_a, {c: (t, "ok") for c, t in COMPLETE.items()}).ok
    sub.refresh_from_db()
    submission_signoff_request(submission=sub, user=middle_a, base_revision=sub.revision)
    client = client_for(operator)
    assert "1 form awaiting sign-off goes back" in client.get(url(round_a)).text
    assert client.post(url(round_a), {"internal_signoff": "off"}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == SubmissionState.DRAFT
    released = sub.events.order_by("-pk").first()
    assert (released.kind, released.by) == (SubmissionEvent.Kind.RELEASED, operator)
    event = round_a.events.get(kind=RoundEvent.Kind.SIGNOFF)
    assert (event.old_value, event.new_value) == ("on", "off")
    assert [u["name"] for u in event.open_units] == ["Bielsko-Biała"]
    # The middle level may now send the data itself.
    submission_submit(submission=sub, user=middle_a, base_revision=sub.revision)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.SUBMITTED


def test_bad_requests_are_refused_and_nothing_is_stored(round_a, operator):
    client = client_for(operator)
    before = dump()
    response = client.post(url(round_a), {"internal_signoff": "maybe"})
    assert response.status_code == 400
    assert "Choose whether the round asks for internal sign-off." in response.text
    response = client.post(url(round_a), {"internal_signoff": "off"})
    assert response.status_code == 400
    assert "Internal sign-off is already off in this round." in response.text
    assert dump() == before


def test_a_closed_round_keeps_its_setting(round_a, operator):
    client = client_for(operator)
    client.post(f"/rounds/{round_a.pk}/close/")
    before = dump()
    response = client.post(url(round_a), {"internal_signoff": "on"})
    assert response.status_code == 400
    assert "reopen it before changing its internal sign-off" in response.text
    assert dump() == before


@pytest.mark.parametrize("who", ["participant_a", "moderator", "stranger", "nobody"])
def test_only_operators_change_signoff(round_a, programme, who):
    response = client_for(programme[who]).post(url(round_a), {"internal_signoff": "on"})
    assert response.status_code in (403, 404)
    round_a.refresh_from_db()
    assert not round_a.internal_signoff
    assert not round_a.events.filter(kind=RoundEvent.Kind.SIGNOFF).exists()


def test_anonymous_visitors_are_sent_to_log_in(round_a):
    response = client_for(None).post(url(round_a), {"internal_signoff": "on"})
    assert response.status_code == 302 and "/login" in response["Location"]
