"""One page of a search of practices with its facets, for the members' list, the
portal and the open data alike. Builders take the parsed query and never raise HTTP
errors: a page past the last is ``None`` and the caller answers it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.translation import get_language

from benchlearn.practices.models import Practice
from benchlearn.practices.search import (
    Facet,
    PracticeQuery,
    facet_problems,
    facets_of,
    practices_matching,
)

PAGE_SIZE = 20


@dataclass
class SearchPage:
    query: PracticeQuery
    number: int = 1
    pages: int = 1
    count: int = 0
    items: list[Practice] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    # Facet name -> why its value names nothing: the search is not run.
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def query_string(self) -> str:
        """The query's parameters for the links to other pages ("" without any)."""
        values = {k: v for k, v in dataclasses.asdict(self.query).items() if v}
        return urlencode(values)

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def search_page(
    practices: QuerySet[Practice], query: PracticeQuery, page: int, *, page_size: int = PAGE_SIZE
) -> SearchPage | None:
    """Page ``page`` of ``practices`` matching ``query``; None when ``page`` is past the
    last page (the first page of no results is an empty page, not None)."""
    problems = facet_problems(query)
    if problems:
        return SearchPage(query=query, problems=problems)
    matching = practices_matching(practices, query)
    paginator = Paginator(matching, page_size)
    if page < 1 or page > paginator.num_pages:
        return None
    found = paginator.page(page)
    english = (get_language() or "pl").startswith("en")
    return SearchPage(
        query=query,
        number=page,
        pages=paginator.num_pages,
        count=paginator.count,
        items=list(found.object_list),
        facets=facets_of(matching, query, english=english),
    )
