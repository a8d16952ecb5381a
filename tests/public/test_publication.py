"""Publishing a computation: the office only, with its history; nothing is public before,
and a withdrawal takes the results off at once."""

import pytest
from django.test import Client

from benchlearn.results.models import Computation, PublicationChange
from benchlearn.results.publication import (
    PublicationError,
    computation_publish,
    computation_unpublish,
    published_computation,
)
from benchlearn.results.services import _older_discard
from tests.conftest import client_for
from tests.public.conftest import YEAR, computation_of, sample_values

RESULTS = f"/portal/indicators/EDU_COST_PUPIL/{YEAR}/"


def test_nothing_is_public_before_the_office_publishes(computed):
    assert published_computation() is None
    response = Client().get(RESULTS)
    assert response.status_code == 404
    assert "The office has not published any results yet." in response.content.decode()


def test_the_office_publishes_and_withdraws_with_history(computed, operator):
    client = client_for(operator)
    response = client.post(f"/results/{computed.pk}/publish/")
    assert response.status_code == 302
    assert published_computation() == computed
    assert Client().get(RESULTS).status_code == 200
    client.post(f"/results/{computed.pk}/unpublish/", {"note": "błąd w danych"})
    assert published_computation() is None
    assert Client().get(RESULTS).status_code == 404
    actions = list(PublicationChange.objects.order_by("pk").values_list("action", "note", "by"))
    assert actions == [
        ("published", "", operator.pk),
        ("unpublished", "błąd w danych", operator.pk),
    ]
    page = client.get("/results/").content.decode()
    assert "History of publication" in page and "błąd w danych" in page


@pytest.mark.parametrize("role", ["participant_a", "moderator", "nobody"])
def test_only_the_office_publishes(role, computed, programme):
    response = client_for(programme[role]).post(f"/results/{computed.pk}/publish/")
    assert response.status_code == 403
    assert published_computation() is None


def test_an_unknown_computation_is_not_found(catalogue, operator):
    response = client_for(operator).post("/results/987654/publish/")
    assert response.status_code == 404
    assert "There is no computation number 987654." in response.content.decode()


def test_publishing_twice_or_withdrawing_what_is_not_out_is_refused(computed, operator):
    computation_publish(computation=computed, by=operator)
    with pytest.raises(PublicationError, match="already published"):
        computation_publish(computation=computed, by=operator)
    computation_unpublish(computation=computed, by=operator)
    with pytest.raises(PublicationError, match="not published"):
        computation_unpublish(computation=computed, by=operator)


def test_a_computation_still_running_is_not_published(catalogue, portal_units, operator):
    running = Computation.objects.create(state="running")
    with pytest.raises(PublicationError, match="finished"):
        computation_publish(computation=running, by=operator)
    response = client_for(operator).post(f"/results/{running.pk}/publish/", follow=True)
    assert "Only a finished computation can be published." in response.content.decode()
    assert published_computation() is None


def test_a_newer_publication_replaces_the_older_and_the_published_survives_new_runs(
    published, operator
):
    newer = computation_of(sample_values())
    # A new run replaces older computations, but not the published one.
    _older_discard(newer)
    assert Computation.objects.filter(pk=published.pk).exists()
    computation_publish(computation=newer, by=operator)
    assert published_computation() == newer
    published.refresh_from_db()
    assert published.published_at is None
    assert PublicationChange.objects.filter(action="replaced", computation=published).exists()
