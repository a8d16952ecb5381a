"""Eight people saving their forms at the same moment, through a real web server
(gunicorn: two processes of four threads) on a database file of its own: every save
is stored with its history, none is answered with an error. On SQLite this needs
immediate write transactions and a busy timeout (before them most saves failed with
"database is locked")."""

import json

import pytest
from django.db import OperationalError

from benchlearn.collection.models import Value
from tests.conftest import TERYT_A, client_for
from tests.load import SAVES, expected_edu_exp, hidden_fields, people_save
from tests.sites import manage, run, site

pytestmark = pytest.mark.timeout(600)


def test_eight_people_save_at_once_and_every_save_is_stored(tmp_path):
    with site(tmp_path, "concurrent") as env:
        manage(env, "migrate", "--verbosity", "0")
        state, outcomes = people_save(env, tmp_path)
        stored = json.loads(run(env, "tests.collection.site_process", "report").stdout)
    assert len(outcomes) == len(state["people"]) * SAVES == 40
    for number, person in enumerate(state["people"]):
        unit = stored[person["teryt"]]
        assert unit["values"] == {"EDU_EXP": expected_edu_exp(number, SAVES - 1), "TEACHERS": "5"}
        # Every save changed both values: one history row each.
        assert unit["history"] == SAVES * 2
        assert [v for code, v in unit["history_values"] if code == "TEACHERS"] == [
            str(save + 1) for save in range(SAVES)
        ]


@pytest.mark.django_db
def test_a_save_that_still_finds_the_database_locked_is_asked_again_not_a_500(
    round_, sub_a, participant_a, monkeypatch
):
    # Past the busy timeout (a long write by someone else), SQLite gives up.
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("benchlearn.collection.views.form.submission_save", locked)
    client = client_for(participant_a)
    client.raise_request_exception = False
    url = f"/rounds/{round_.pk}/units/{TERYT_A}/"
    page = client.get(url)
    fields = hidden_fields(page.content.decode())
    data = {"revision": fields["revision"], "v-EDU_EXP": "5", "r-EDU_EXP": fields["r-EDU_EXP"]}
    response = client.post(url, data)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Nothing was saved: go back and send the form again" in response.content.decode()
    assert not Value.objects.exists()
