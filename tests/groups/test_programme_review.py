"""A programme's setting lets the moderators of its groups return and approve their
members' submissions, besides the office; nobody else, and no other unit."""

import pytest
from django.core.exceptions import PermissionDenied

from benchlearn.accounts.access import may_review
from benchlearn.accounts.services import api_token_create
from benchlearn.collection.models import Submission, SubmissionEvent, SubmissionState
from benchlearn.collection.services import (
    submission_approve,
    submission_return,
    submission_submit,
)
from benchlearn.groups.models import ExchangeGroup
from benchlearn.groups.services import edit_token, group_create, programme_create
from tests.collection.conftest import COMPLETE, dump, published, save  # noqa: F401
from tests.conftest import client_for, make_user


def _submitted(submission, user):
    assert save(submission, user, COMPLETE).ok
    submission.refresh_from_db()
    submission_submit(submission=submission, user=user, base_revision=submission.revision)
    submission.refresh_from_db()
    return submission


def _programme(group: ExchangeGroup, *, moderators_review: bool):
    programme = programme_create(
        name="Doskonalenie zarządzania usługami publicznymi 2026–2027",
        first_year=2026,
        last_year=2027,
        moderators_review=moderators_review,
    )
    group.programme = programme
    group.save(update_fields=["programme"])
    return programme


def _bearer(user):
    _token, key = api_token_create(user=user, name="script", read_only=False)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def submitted_a(sub_a, participant_a):
    return _submitted(sub_a, participant_a)


def test_without_the_setting_a_moderator_may_not_approve_or_return(submitted_a, group, moderator):
    _programme(group, moderators_review=False)
    assert not may_review(moderator, submitted_a)
    before = dump()
    with pytest.raises(PermissionDenied):
        submission_approve(submission=submitted_a, operator=moderator)
    with pytest.raises(PermissionDenied):
        submission_return(submission=submitted_a, operator=moderator, comments={"EDU_EXP": "?"})
    client = client_for(moderator)
    url = f"/rounds/{submitted_a.round_id}/units/{submitted_a.unit.teryt}/"
    assert client.post(url + "approve/").status_code == 403
    assert client.get(url + "return/").status_code == 403
    page = client.get(url).content.decode()
    assert "Approve" not in page and "Return with comments" not in page
    api = f"/api/v1/rounds/{submitted_a.round_id}/submissions/{submitted_a.unit.teryt}/approve"
    assert client_for(None).post(api, **_bearer(moderator)).status_code == 403
    assert dump() == before


def test_a_group_without_a_programme_gives_its_moderator_no_review(submitted_a, moderator):
    assert not may_review(moderator, submitted_a)
    with pytest.raises(PermissionDenied):
        submission_approve(submission=submitted_a, operator=moderator)


def test_with_the_setting_the_moderator_approves_a_member_submission(submitted_a, group, moderator):
    _programme(group, moderators_review=True)
    client = client_for(moderator)
    url = f"/rounds/{submitted_a.round_id}/units/{submitted_a.unit.teryt}/"
    page = client.get(url).content.decode()
    assert "Approve" in page and "Return with comments" in page
    response = client.post(url + "approve/")
    assert response.status_code == 302
    submitted_a.refresh_from_db()
    assert submitted_a.state == SubmissionState.APPROVED
    assert submitted_a.approved_by == moderator
    event = SubmissionEvent.objects.filter(submission=submitted_a).last()
    assert (event.kind, event.by) == (SubmissionEvent.Kind.APPROVED, moderator)


def test_with_the_setting_the_moderator_returns_with_comments(submitted_a, group, moderator):
    _programme(group, moderators_review=True)
    client = client_for(moderator)
    url = f"/rounds/{submitted_a.round_id}/units/{submitted_a.unit.teryt}/return/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"c-TEACHERS": "Sprawdź etaty"})
    assert response.status_code == 302, response.content.decode()[:2000]
    submitted_a.refresh_from_db()
    assert submitted_a.state == SubmissionState.RETURNED


def test_the_moderator_may_not_review_a_unit_outside_their_groups(
    round_, group, moderator, unit_c, stranger
):
    _programme(group, moderators_review=True)
    sub_c = _submitted(Submission.objects.get(round=round_, unit=unit_c), stranger)
    assert not may_review(moderator, sub_c)
    before = dump()
    with pytest.raises(PermissionDenied):
        submission_approve(submission=sub_c, operator=moderator)
    client = client_for(moderator)
    url = f"/rounds/{round_.pk}/units/{unit_c.teryt}/"
    # The unit is not theirs to see at all: the same answer as for none.
    assert client.post(url + "approve/").status_code == 404
    assert client.get(url + "return/").status_code == 404
    api = f"/api/v1/rounds/{round_.pk}/submissions/{unit_c.teryt}/approve"
    assert client_for(None).post(api, **_bearer(moderator)).status_code == 404
    assert dump() == before


def test_another_groups_moderator_may_not_review_even_with_the_setting(
    submitted_a, group, units, moderator
):
    programme = _programme(group, moderators_review=True)
    other = make_user("inny@example.org", "Inny Moderator")
    group_create(
        name="GWD Drogi",
        service="Drogi",
        cycle_start=2025,
        moderator=other,
        units=[units["c"]],
        programme=programme,
    )
    assert may_review(moderator, submitted_a)
    assert not may_review(other, submitted_a)
    assert (
        client_for(other)
        .post(f"/rounds/{submitted_a.round_id}/units/{submitted_a.unit.teryt}/approve/")
        .status_code
        == 404
    )


def test_participants_never_review_their_own_data(submitted_a, group, participant_a):
    _programme(group, moderators_review=True)
    assert not may_review(participant_a, submitted_a)
    url = f"/rounds/{submitted_a.round_id}/units/{submitted_a.unit.teryt}/approve/"
    assert client_for(participant_a).post(url).status_code == 403
    submitted_a.refresh_from_db()
    assert submitted_a.state == SubmissionState.SUBMITTED


def test_the_api_lists_only_the_moderators_units_and_approves_and_returns(
    submitted_a, sub_b, participant_b, group, moderator, operator
):
    _programme(group, moderators_review=True)
    headers = _bearer(moderator)
    client = client_for(None)
    listed = client.get(f"/api/v1/rounds/{submitted_a.round_id}/submissions", **headers).json()
    assert {row["teryt"] for row in listed} == {submitted_a.unit.teryt, sub_b.unit.teryt}
    assert all(row["may_review"] for row in listed)
    base = f"/api/v1/rounds/{submitted_a.round_id}/submissions/"
    answer = client.post(
        base + f"{sub_b.unit.teryt}/approve", **headers
    )  # still a draft: refused with the reason
    assert answer.status_code == 400 and "submitted" in answer.json()["detail"]
    answer = client.post(
        base + f"{submitted_a.unit.teryt}/return",
        data={"comments": {"TEACHERS": "Sprawdź etaty"}},
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 200 and answer.json()["state"] == SubmissionState.RETURNED
    _submitted(submitted_a, submitted_a.unit.memberships.first().user)
    answer = client.post(base + f"{submitted_a.unit.teryt}/approve", **headers)
    assert answer.status_code == 200 and answer.json()["state"] == SubmissionState.APPROVED


def test_operators_review_whatever_the_programme(submitted_a, operator):
    assert may_review(operator, submitted_a)
    submission_approve(submission=submitted_a, operator=operator)
    submitted_a.refresh_from_db()
    assert submitted_a.state == SubmissionState.APPROVED


def test_operators_create_and_edit_programmes_on_their_pages(operator, group):
    from benchlearn.groups.models import Programme

    client = client_for(operator)
    assert "Programmes and their settings" in client.get("/groups/").content.decode()
    response = client.post(
        "/groups/programmes/new/",
        {
            "name": "Doskonalenie 2026–2027",
            "first_year": "2026",
            "last_year": "2027",
            "moderators_review": "on",
            "min_group_size": "3",
            "groups": [group.pk],
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert programme.moderators_review and list(programme.groups.all()) == [group]
    page = client.get("/groups/programmes/").content.decode()
    assert "Doskonalenie 2026–2027" in page and group.name in page
    response = client.post(
        f"/groups/programmes/{programme.pk}/",
        {
            "name": "Doskonalenie 2026–2027",
            "first_year": "2026",
            "last_year": "2027",
            "min_group_size": "3",
            "base_token": edit_token(programme.updated_at),
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    group.refresh_from_db()
    assert not programme.moderators_review and group.programme is None


def test_a_programme_ending_before_it_starts_is_refused(operator):
    from benchlearn.groups.models import Programme

    response = client_for(operator).post(
        "/groups/programmes/new/", {"name": "Wstecz", "first_year": "2027", "last_year": "2026"}
    )
    assert response.status_code == 400
    assert "The last year cannot come before the first." in response.content.decode()
    assert not Programme.objects.exists()


def test_only_operators_manage_programmes(moderator, participant_a):
    for user in (moderator, participant_a):
        client = client_for(user)
        assert client.get("/groups/programmes/").status_code == 403
        assert client.post("/groups/programmes/new/", {"name": "x"}).status_code == 403
        assert "Programmes and their settings" not in client.get("/groups/").content.decode()
