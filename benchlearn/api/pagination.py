"""Pages of the API's lists: numbers and sizes bounded.

A page number or size outside the bounds is answered 422 with the problem named (an
unbounded number made the database compute an offset it cannot hold: a 500); a page
past the end of the list is an empty page (``BoundedPages``) or a 404 naming the last
page (``EndedPages``: the public and the unit results endpoints).
"""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 500


class BoundedPages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="from 1")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description=f"items per page, at most {MAX_PAGE_SIZE}"
        )

    def __init__(self, page_size: int, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)


class EndedPages(BoundedPages):
    """A page past the last is a 404 saying how many pages there are: a script walking
    the pages learns where they end, not an empty list that reads as "no data"."""

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        size = self._get_page_size(pagination.page_size)
        last = max(1, -(-page["count"] // size))
        if pagination.page > last:
            raise Http404(
                _("Page %(page)s is past the last page, %(last)s.")
                % {"page": pagination.page, "last": last}
            )
        return page
