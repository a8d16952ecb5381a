"""Searching published practices: words matched whatever their accents and endings,
results ranked, and facets (domain, indicator, unit kind, size band, voivodeship).

Words are folded to plain lower-case letters (``fold``: "Odpadów" → "odpadow", "ł" →
"l") and cut to a stem by a light Polish suffix list (``stems``: "odpadow" → "odpad"),
then matched as prefixes, so that "odpadów" finds "gospodarka odpadami".

On PostgreSQL it is full-text search with the 'simple' configuration (no language's
stop words or stemmer: ours is above) over the text passed through ``unaccent``, ranked
by ``ts_rank`` with the title and tags weighted above the body. Where the unaccent
extension could not be created (migration 0002), and on SQLite, it matches the folded
columns the services keep (``search_title``, ``search_body``), ranked by where the
words are found (the title and tags count three times the body)."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, Func, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import Expression
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from benchlearn.catalogue.models import Domain, Indicator, IndicatorVersion
from benchlearn.practices.models import Practice, PracticeIndicator
from benchlearn.units.models import UnitKind
from benchlearn.units.selectors import POPULATION_BANDS, VOIVODESHIPS

_WORD = re.compile(r"\w+")
# Polish endings (folded), longest first; a stem keeps at least four letters.
_LONG_ENDINGS = ("owie", "ami", "ach", "owi", "ego", "emu", "ymi", "imi", "ich", "ych", "iej")
_SHORT_ENDINGS = (
    "ej",
    "om",
    "ow",
    "em",
    "ie",
    "ia",
    "ii",
    "ym",
    "im",
    "y",
    "i",
    "a",
    "e",
    "u",
    "o",
)
_ENDINGS = sorted((*_LONG_ENDINGS, *_SHORT_ENDINGS), key=len, reverse=True)
_MIN_STEM = 4
MAX_WORDS = 10


def fold(text: str) -> str:
    """``text`` in lower case without diacritics ("Łódź" → "lodz")."""
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def stems(query: str) -> list[str]:
    """The query's words folded and cut to their stems, each once, at most MAX_WORDS."""
    found: list[str] = []
    for word in _WORD.findall(fold(query))[:MAX_WORDS]:
        stem = word
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
                stem = word[: -len(ending)]
                break
        if stem not in found:
            found.append(stem)
    return found


@dataclass(frozen=True)
class PracticeQuery:
    """A search as parsed from a page's or the API's parameters ("" = any)."""

    q: str = ""
    domain: str = ""  # a domain's code
    indicator: str = ""  # an indicator's code
    kind: str = ""  # a unit kind (UnitKind)
    band: str = ""  # a population band's code (POPULATION_BANDS)
    voivodeship: str = ""


def band_labels() -> dict[str, str]:
    return {code: str(label) for code, label, _low, _high in POPULATION_BANDS}


def facet_problems(query: PracticeQuery) -> dict[str, str]:
    """Facet name -> why its value names nothing (empty when every value is known)."""
    problems: dict[str, str] = {}
    if query.domain and not Domain.objects.filter(code=query.domain).exists():
        problems["domain"] = _("There is no domain %(code)s.") % {"code": query.domain[:64]}
    if query.indicator and not Indicator.objects.filter(code=query.indicator).exists():
        problems["indicator"] = _("There is no indicator %(code)s.") % {
            "code": query.indicator[:64]
        }
    if query.kind and query.kind not in UnitKind.values:
        problems["kind"] = _("There is no kind of unit %(kind)s.") % {"kind": query.kind[:20]}
    if query.band and query.band not in band_labels():
        problems["band"] = _("There is no size band %(band)s.") % {"band": query.band[:20]}
    if query.voivodeship and query.voivodeship not in VOIVODESHIPS:
        problems["voivodeship"] = _("There is no voivodeship %(name)s.") % {
            "name": query.voivodeship[:40]
        }
    return problems


def search_texts(practice: Practice, indicator_names: Iterable[str]) -> tuple[str, str]:
    """The folded title (with the tags) and body (every other text a reader searches:
    the problem, what was done, the results, the unit, the domain, the indicators)."""
    title = " ".join([practice.title, *practice.tags])
    domain = practice.domain
    body = " ".join(
        [
            practice.problem,
            practice.solution,
            practice.results,
            practice.cost_note,
            practice.unit.name,
            (domain.name_pl + " " + domain.name_en) if domain else "",
            *indicator_names,
        ]
    )
    return fold(title), fold(body)


def _filtered(practices: QuerySet[Practice], query: PracticeQuery) -> QuerySet[Practice]:
    if query.domain:
        practices = practices.filter(domain__code=query.domain)
    if query.indicator:
        practices = practices.filter(
            pk__in=PracticeIndicator.objects.filter(indicator__code=query.indicator).values(
                "practice_id"
            )
        )
    if query.kind:
        practices = practices.filter(unit__kind=query.kind)
    if query.band:
        practices = practices.filter(size_band=query.band)
    if query.voivodeship:
        practices = practices.filter(unit__voivodeship=query.voivodeship)
    return practices


def unaccent_available() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        return cursor.fetchone() is not None


def _unaccented(expression: F | Func) -> Func:
    return Func(Coalesce(expression, Value("")), function="unaccent", output_field=TextField())


def _vector(unaccent: bool) -> Expression:
    if not unaccent:
        return SearchVector("search_title", weight="A", config="simple") + SearchVector(
            "search_body", weight="B", config="simple"
        )
    title = SearchVector(
        _unaccented(F("title")), _unaccented(Cast("tags", TextField())), weight="A", config="simple"
    )
    body = SearchVector(
        *(_unaccented(F(name)) for name in ("problem", "solution", "results", "cost_note")),
        weight="B",
        config="simple",
    )
    about = SearchVector(
        *(_unaccented(F(name)) for name in ("unit__name", "domain__name_pl", "domain__name_en")),
        weight="C",
        config="simple",
    )
    return title + body + about


def _postgres_ranked(practices: QuerySet[Practice], words: list[str]) -> QuerySet[Practice]:
    # The words are \w+ only (``stems``): quoted, they are safe in a raw tsquery.
    raw = " & ".join(f"'{word}':*" for word in words)
    query = SearchQuery(raw, search_type="raw", config="simple")
    vector = _vector(unaccent_available())
    return (
        practices.annotate(found=vector)
        .filter(found=query)
        .annotate(rank=SearchRank(vector, query))
    )


def _plain_ranked(practices: QuerySet[Practice], words: list[str]) -> QuerySet[Practice]:
    rank: Expression = Value(0)
    for word in words:
        practices = practices.filter(Q(search_title__contains=word) | Q(search_body__contains=word))
        rank = (
            rank
            + Case(When(search_title__contains=word, then=Value(3)), default=Value(0))
            + Case(When(search_body__contains=word, then=Value(1)), default=Value(0))
        )
    return practices.annotate(rank=Cast(rank, IntegerField()))


def practices_matching(practices: QuerySet[Practice], query: PracticeQuery) -> QuerySet[Practice]:
    """``practices`` matching ``query`` (its facet values known: ``facet_problems``), the
    best match first (without words: the newest first)."""
    practices = _filtered(practices, query)
    words = stems(query.q)
    if not words:
        return practices.order_by(F("published_at").desc(nulls_last=True), "-pk")
    if connection.vendor == "postgresql":
        ranked = _postgres_ranked(practices, words)
    else:
        ranked = _plain_ranked(practices, words)
    return ranked.order_by(F("rank").desc(), F("published_at").desc(nulls_last=True), "-pk")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    name: str  # the query parameter
    label: str
    values: list[FacetValue]


def _counted(rows: Iterable[tuple[str | None, int]], labels: dict[str, str]) -> list[FacetValue]:
    found = [FacetValue(value, labels.get(value, value), count) for value, count in rows if value]
    return sorted(found, key=lambda v: (-v.count, v.label))


def facets_of(practices: QuerySet[Practice], query: PracticeQuery, *, english: bool) -> list[Facet]:
    """How many of ``practices`` fall under each value of each facet (values with none
    left out), the most frequent first; the values ``query`` chose marked."""
    ids = Practice.objects.filter(pk__in=practices.values("pk"))
    domains = {
        code: (name_en if english and name_en else name_pl)
        for code, name_pl, name_en in Domain.objects.values_list("code", "name_pl", "name_en")
    }
    names = _indicator_names(english)
    facets = [
        Facet("domain", _("Domain"), _counted(_count(ids, "domain__code"), domains)),
        Facet(
            "indicator",
            _("Indicator"),
            _counted(
                _count(PracticeIndicator.objects.filter(practice__in=ids), "indicator__code"),
                names,
            ),
        ),
        Facet(
            "kind",
            _("Kind of unit"),
            _counted(_count(ids, "unit__kind"), {k: str(v) for k, v in UnitKind.choices}),
        ),
        Facet("band", _("Size band"), _counted(_count(ids, "size_band"), band_labels())),
        Facet(
            "voivodeship",
            _("Voivodeship"),
            _counted(_count(ids, "unit__voivodeship"), {v: v for v in VOIVODESHIPS}),
        ),
    ]
    chosen = dataclasses.asdict(query)
    return [
        Facet(
            facet.name,
            facet.label,
            [dataclasses.replace(v, selected=v.value == chosen[facet.name]) for v in facet.values],
        )
        for facet in facets
    ]


def _count(rows: QuerySet, field: str) -> list[tuple[str | None, int]]:  # type: ignore[type-arg]
    return list(rows.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def _indicator_names(english: bool) -> dict[str, str]:
    """Code -> name of the newest version of each indicator in the reader's language."""
    found: dict[str, str] = {}
    rows = IndicatorVersion.objects.order_by("number").values_list(
        "indicator__code", "name_pl", "name_en"
    )
    for code, name_pl, name_en in rows:
        found[code] = name_en if english and name_en else name_pl
    return found
