"""The peers' stats are kept in Django's cache between requests: a check made after an
approval, a reopening, a corrected value or a new population sees the new peers."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchlearn.collection.models import Submission
from benchlearn.collection.selectors import round_variables
from benchlearn.collection.services import submission_approve, submission_reopen, submission_submit
from benchlearn.collection.validation import round_check_counts, submission_check
from tests.collection.conftest import COMPLETE, PERIOD, approve_all, make_round, save
from tests.collection.test_validation_peers import store_population

pytestmark = pytest.mark.django_db


def subsidy_peers(submission):
    return submission_check(submission, {"SUBSIDY": "15"}).items["SUBSIDY"].peers


@pytest.fixture
def checked(published, programme, units, rural_peers, operator):
    """Five rural peers approved last year (SUBSIDY 10 to 18, median 14), unit C's
    submission of this year, and last year's round still open for unit C."""
    approve_all(
        operator, rural_peers, PERIOD - 1, [{"SUBSIDY": n} for n in ["10", "12", "14", "16", "18"]]
    )
    last_year = make_round(operator, [units["c"]], period=PERIOD - 1)
    round_ = make_round(operator, [units["c"], *rural_peers])
    mine = Submission.objects.get(round=round_, unit=units["c"])
    assert subsidy_peers(mine).median == 14  # now in the cache
    return mine, Submission.objects.get(round=last_year, unit=units["c"])


def approve(submission, operator, subsidy):
    assert save(submission, operator, {"SUBSIDY": (subsidy, "ok")}).ok
    submission.refresh_from_db()
    submission_submit(submission=submission, user=operator, base_revision=submission.revision)
    submission_approve(submission=submission, operator=operator)


def test_approving_a_new_submission_changes_the_peer_median_a_later_check_sees(checked, operator):
    mine, earlier = checked
    # The round's table reads the same stats: 25 is outside the fences (6 to 22)...
    assert save(mine, operator, {"SUBSIDY": "25"}).ok
    counts = round_check_counts(mine.round, round_variables(mine.round))
    assert counts[mine.unit_id].warnings == 1
    assert save(earlier, operator, {c: (t, "ok") for c, t in COMPLETE.items()}).ok
    approve(earlier, operator, "24")
    peers = subsidy_peers(mine)
    assert (peers.count, peers.median) == (6, 15)
    # ... and inside the new ones (5 to 25).
    counts = round_check_counts(mine.round, round_variables(mine.round))
    assert counts[mine.unit_id].warnings == 0


def test_reopening_and_correcting_an_approved_submission_changes_the_peers(checked, operator):
    mine, earlier = checked
    assert save(earlier, operator, {c: (t, "ok") for c, t in COMPLETE.items()}).ok
    approve(earlier, operator, "24")
    assert subsidy_peers(mine).median == 15
    # Reopened: its values stop counting at once.
    submission_reopen(submission=earlier, operator=operator)
    peers = subsidy_peers(mine)
    assert (peers.count, peers.median) == (5, 14)
    # Corrected and approved again: the corrected value counts.
    approve(earlier, operator, "11")
    peers = subsidy_peers(mine)
    assert (peers.count, peers.median) == (6, 13)


def test_a_new_population_moves_a_unit_to_its_size_band_at_once(checked, rural_peers, units):
    mine, _earlier = checked
    # Unit C of 11,800 residents and the peers of 6,000 fall into different bands.
    store_population({units["c"]: 11_787, **dict.fromkeys(rural_peers, 6_000)})
    assert subsidy_peers(mine) is None
    store_population({units["c"]: 6_100})
    assert subsidy_peers(mine).median == 14


def test_the_stats_come_from_the_cache_while_nothing_changes(checked):
    """The second check does not read the peers' values again."""
    mine, _earlier = checked
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        subsidy_peers(mine)
    with CaptureQueriesContext(connection) as second:
        subsidy_peers(mine)
    assert len(second.captured_queries) == len(first.captured_queries) - 1
