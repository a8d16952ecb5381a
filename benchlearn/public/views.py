"""The public portal: no account, clean URLs, Polish by default. Views parse the URL,
call one page builder and render; what is public is decided in the builders."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from benchlearn.catalogue.selectors import series_breaks
from benchlearn.public.catalogue import public_indicator_get, public_indicators, public_sets
from benchlearn.public.downloads import (
    FORMATS,
    LICENCE,
    LICENCE_URL,
    bulk_file,
    dictionary,
    download_years,
)
from benchlearn.public.figures import publication, result_years
from benchlearn.public.pages import chart_svg, results_page, withheld_note

# Public pages may be kept by browsers and proxies for a few minutes; the language is
# chosen by a cookie, so they vary by it (LanguageMiddleware adds Vary: Cookie).
PUBLIC_MAX_AGE = 300


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def start(request: HttpRequest) -> HttpResponse:
    indicators = public_indicators()
    context = {
        "publication": publication(),
        "sets": public_sets(indicators),
        "indicator_count": len(indicators),
    }
    return render(request, "public/start.html", context)


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def indicators(request: HttpRequest) -> HttpResponse:
    listed = public_indicators()
    sets = public_sets(listed)
    in_sets = {i.code for s in sets for i in s.indicators}
    others = [i for code, i in listed.items() if code not in in_sets]
    return render(request, "public/indicators.html", {"sets": sets, "others": others})


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def indicator(request: HttpRequest, indicator_code: str) -> HttpResponse:
    found, versions = public_indicator_get(indicator_code)
    pub = publication()
    years = result_years(pub, found.indicator.pk) if pub is not None else []
    context = {
        "indicator": found,
        "versions": versions,
        "years": years,
        "publication": pub,
        "breaks": series_breaks(found.indicator.code),
    }
    return render(request, "public/indicator.html", context)


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def results(request: HttpRequest, indicator_code: str, year: int) -> HttpResponse:
    page = results_page(indicator_code, year)
    context = {"page": page, "withheld": withheld_note(page.min_units, page.max_share)}
    return render(request, "public/results.html", context)


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def chart(request: HttpRequest, indicator_code: str, year: int, dimension: str) -> HttpResponse:
    return HttpResponse(chart_svg(indicator_code, year, dimension), content_type="image/svg+xml")


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def data(request: HttpRequest) -> HttpResponse:
    """Open data: the years to download, the formats, the dictionary and the licence."""
    pub, years = download_years()
    context = {
        "publication": pub,
        "years": years,
        "formats": list(FORMATS),
        "dictionary": dictionary(),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
    }
    return render(request, "public/data.html", context)


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    content = bulk_file(year, fmt)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="benchlearn-{year}.{fmt}"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response
