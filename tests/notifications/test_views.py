"""The in-app list with its unread count in the header, marking read, and preferences:
the owner, and a stranger who must be refused."""

from benchlearn.notifications.models import Notification, NotificationPreference
from benchlearn.notifications.services import notify
from tests.conftest import client_for
from tests.notifications.conftest import deliver


def told(user, **params):
    notify(kind="results_new", recipients=[user], params={"year": "2024", **params}, link="/")
    deliver()
    return Notification.objects.filter(recipient=user).latest("pk")


def test_the_header_counts_unread_and_the_list_shows_them(programme):
    anna = programme["participant_a"]
    client = client_for(anna)
    assert "unread" not in client.get("/").text
    told(anna)
    told(programme["participant_b"])
    header = client.get("/").text
    assert '<span class="badge">1<span class="visually-hidden"> unread</span>' in header
    page = client.get("/notifications/").text
    assert "New results are ready" in page and "computed again, up to 2024" in page
    assert page.count('class="notification unread"') == 1  # not Bartek's


def test_marking_read_and_opening(programme):
    anna = programme["participant_a"]
    notification = told(anna)
    client = client_for(anna)
    response = client.post(f"/notifications/{notification.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "unread" not in client.get("/").text


def test_mark_all_read(programme):
    anna = programme["participant_a"]
    told(anna)
    told(anna, year="2025")
    client = client_for(anna)
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=anna, read_at=None).exists()


def test_nobody_marks_someone_elses_notification(programme):
    notification = told(programme["participant_a"])
    response = client_for(programme["stranger"]).post(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert "New results" not in client_for(programme["stranger"]).get("/notifications/").text


def test_the_list_is_for_logged_in_people_only(db):
    response = client_for(None).get("/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_preferences_page_switches_kinds_off(programme):
    anna = programme["participant_a"]
    client = client_for(anna)
    page = client.get("/notifications/preferences/").text
    for label in ("Data submitted for review", "New results", "Introduction requested"):
        assert label in page
    assert 'name="email-results_new" checked' in page
    # Everything on but the e-mails of new results.
    form = {
        f"{channel}-{kind}": "on"
        for kind in ("results_new", "round_opened", "deadline_near")
        for channel in ("email", "in_app")
    }
    del form["email-results_new"]
    assert client.post("/notifications/preferences/", form).status_code == 302
    choice = NotificationPreference.objects.get(user=anna, kind="results_new")
    assert (choice.email, choice.in_app) == (False, True)
    page = client.get("/notifications/preferences/").text
    assert 'name="email-results_new" checked' not in page
    assert 'name="in_app-results_new" checked' in page
    notify(kind="results_new", recipients=[anna], params={"year": "2024"})
    assert deliver() == []  # no e-mail…
    assert "New results are ready" in client.get("/notifications/").text  # …but in the list


def test_preferences_are_each_persons_own(programme):
    client_for(programme["stranger"]).post("/notifications/preferences/", {})
    assert not NotificationPreference.objects.filter(user=programme["participant_a"]).exists()
    notify(kind="results_new", recipients=[programme["participant_a"]], params={})
    assert [to for _s, to in deliver()] == [["anna@example.org"]]
