"""Plausibility checks of collected values: a submission's (``checks``), every unit of
a round at once (``counts``), against peers of the same kind and size (``peers``)."""

from benchlearn.collection.validation.checks import (
    FROZEN_STATES,
    Check,
    VariableCheck,
    range_error,
    shown,
    submission_check,
)
from benchlearn.collection.validation.counts import UnitCounts, round_check_counts
from benchlearn.collection.validation.peers import (
    FENCE_FACTOR,
    MIN_PEERS_FOR_FENCES,
    PeerStats,
)

__all__ = [
    "FENCE_FACTOR",
    "FROZEN_STATES",
    "MIN_PEERS_FOR_FENCES",
    "Check",
    "PeerStats",
    "UnitCounts",
    "VariableCheck",
    "range_error",
    "round_check_counts",
    "shown",
    "submission_check",
]
