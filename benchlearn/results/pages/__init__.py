"""What the comparison pages show, assembled from stored results (see ``selectors``), a
module per page: the context they share, the dashboard (and why these neighbours), one
indicator, a domain's profile, efficiency."""

from benchlearn.results.pages.context import Context, context_for
from benchlearn.results.pages.dashboard import (
    SMALL_GROUP,
    SORTS,
    Dashboard,
    DashboardRow,
    RowWords,
    dashboard_for,
)
from benchlearn.results.pages.domain import DomainProfile, ProfileRow, domain_profile_for
from benchlearn.results.pages.efficiency import (
    EfficiencyPage,
    EfficiencyRow,
    Peer,
    efficiency_page_for,
)
from benchlearn.results.pages.indicator import (
    AROUND,
    LARGE_GROUP,
    IndicatorPage,
    MemberRow,
    indicator_page_for,
    rows_shown,
)
from benchlearn.results.pages.neighbours import NeighbourRow, Neighbours, neighbours_for

__all__ = [
    "AROUND",
    "LARGE_GROUP",
    "SMALL_GROUP",
    "SORTS",
    "Context",
    "Dashboard",
    "DashboardRow",
    "DomainProfile",
    "EfficiencyPage",
    "EfficiencyRow",
    "IndicatorPage",
    "MemberRow",
    "NeighbourRow",
    "Neighbours",
    "Peer",
    "ProfileRow",
    "RowWords",
    "context_for",
    "dashboard_for",
    "domain_profile_for",
    "efficiency_page_for",
    "indicator_page_for",
    "neighbours_for",
    "rows_shown",
]
