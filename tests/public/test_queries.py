"""The public results page reads little: what a page needs is kept per publication, so a
second view reads only the publication and the settings that could have changed."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.public.conftest import YEAR

RESULTS = f"/portal/indicators/EDU_COST_PUPIL/{YEAR}/"


def _queries(path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(path).status_code == 200
    return len(captured)


def test_the_results_page_reads_little_and_less_the_second_time(published):
    first = _queries(RESULTS)
    again = _queries(RESULTS)
    # The indicator, the publication, the programmes' and groups' settings (names and
    # thresholds may change at any moment, so they are read on every view).
    assert again == 4
    assert first <= 12


def test_the_api_reads_as_little(published):
    path = f"/api/v1/public/results?indicator=EDU_COST_PUPIL&year={YEAR}&by=kind"
    _queries(path)
    assert _queries(path) == 4
