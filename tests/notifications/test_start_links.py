"""The start page leads a participant straight to the unit's results and shows its latest
positions; no link on the start page, or on the lists it leads to, ends in "no access"
for the person who sees it. Walked as every role of a programme with computed results
(the test fixtures' people: those of `benchlearn demo` have the same roles)."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from benchlearn.results.services import computation_request, computation_run
from tests.conftest import TERYT_A, client_for
from tests.results.conftest import computed_programme  # noqa: F401 - fixture

ROLES = ["operator", "moderator", "participant_a", "participant_b", "stranger", "nobody"]
# The lists the header leads to: their links are followed too (the first ones of each).
LISTS = {
    "/units/",
    "/groups/",
    "/rounds/",
    "/catalogue/",
    "/notifications/",
    "/notifications/introductions/",
}
PER_LIST = 25
HREF = re.compile(r'href="([^"#]+)"')


@pytest.fixture
def computed(computed_programme, operator):  # noqa: F811 - fixture
    computation_run(computation_request(user=operator).pk)
    return computed_programme


def links(html: str, base: str) -> list[str]:
    found = []
    for href in HREF.findall(html):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.scheme and parts.netloc != "testserver":
            continue  # another site
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(("/static/", "data:")) or not path.startswith("/"):
            continue
        found.append(path)
    return list(dict.fromkeys(found))


def refused_links(client) -> tuple[list[str], set[str]]:
    """Follow every link of the start page, and the first links of the lists it leads
    to: those answered 403 or 404, and every path opened."""
    start = client.get("/")
    assert start.status_code == 200
    refused: list[str] = []
    seen: set[str] = set()
    to_follow = [("/", path) for path in links(start.text, "/")]
    while to_follow:
        source, path = to_follow.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code in (403, 404):
            refused.append(f"{path} (from {source}): {response.status_code}")
            continue
        if urlsplit(path).path in LISTS and source == "/" and response.status_code == 200:
            fresh = [link for link in links(response.text, path) if link not in seen]
            to_follow += [(path, link) for link in fresh[:PER_LIST]]
    return refused, seen


@pytest.mark.parametrize("role", ROLES)
def test_no_link_of_the_start_page_and_lists_ends_in_no_access(computed, programme, role):
    refused, seen = refused_links(client_for(programme[role]))
    assert not refused, "\n".join(refused)
    assert len(seen) > 8


def test_a_participants_start_page_shows_the_units_latest_positions(computed, participant_a):
    teryt = TERYT_A
    page = client_for(participant_a).get("/").text
    card = page[page.index(f'data-unit="{teryt}"') :]
    assert f'href="/units/{teryt}/results/"' in card
    assert "Latest positions, compared with" in card
    # Two units in the group: no ranks, the side of the median.
    assert "Net cost per pupil" in card and "the median" in card
    # The unit's results, and each position's indicator page.
    assert card.count(f'href="/units/{teryt}/results/') >= 3
