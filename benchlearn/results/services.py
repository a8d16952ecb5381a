"""Computing results and keeping them (writes; reads are in ``selectors``).

``computation_request`` queues a run (after an approval, or on an operator's demand) as
a task; the worker running it claims the row with a conditional UPDATE (a task queued
twice runs once) and ``computation_build`` runs the engine step by step,
writing its progress to the row for the page to poll. Rows are written outside one big
transaction so that the progress is visible, but nothing reads a computation before it
is done: pages read the newest finished one, and a failed run's rows are deleted.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from benchlearn.accounts.access import Perm, require, unit_teams
from benchlearn.accounts.models import User
from benchlearn.background.queue import enqueue, on_abandoned
from benchlearn.bulk import frame_write, rows_write
from benchlearn.catalogue.models import Indicator, IndicatorSet, IndicatorVersion, Variable
from benchlearn.catalogue.selectors import engine_indicator, engine_variable, in_force
from benchlearn.collection.models import Value, ValueChange
from benchlearn.collection.selectors import values_frame
from benchlearn.engine import catalogue as engine
from benchlearn.engine.catalogue import UNIT_KINDS
from benchlearn.engine.evaluate import evaluate_by_year
from benchlearn.engine.formula import FormulaError, parse, references
from benchlearn.engine.peers import nearest_peers
from benchlearn.engine.stats import group_stats
from benchlearn.groups.models import ExchangeGroup
from benchlearn.notifications.kinds import RESULTS_NEW
from benchlearn.notifications.services import notify
from benchlearn.results.efficiency import EfficiencyModelError as EfficiencyModelError
from benchlearn.results.efficiency import efficiency_model_delete as efficiency_model_delete
from benchlearn.results.efficiency import efficiency_model_save as efficiency_model_save
from benchlearn.results.efficiency import efficiency_store
from benchlearn.results.models import (
    COUNTY_POOL,
    GMINA_POOL,
    ComparisonGroup,
    ComparisonKind,
    Computation,
    ComputationState,
    EfficiencyScore,
    GroupStat,
    Neighbour,
    Result,
)
from benchlearn.units.models import ContextValue, ContextValueChange, Unit, UnitKind
from benchlearn.units.selectors import POPULATION_BANDS

logger = logging.getLogger(__name__)

RESULT_FIELDS = [
    *("computation", "unit", "indicator", "period"),
    *("value", "flag", "numerator", "denominator"),
]
GROUP_STAT_FIELDS = [
    *("group", "indicator", "period", "n", "mean", "aggregate", "median", "q1", "q3"),
    *("minimum", "maximum", "std", "best", "worst", "values"),
]

# The steps a computation reports (translated when shown).
STEPS = [
    gettext_noop("reading the published catalogue"),
    gettext_noop("reading approved values"),
    gettext_noop("computing indicators"),
    gettext_noop("storing results"),
    gettext_noop("forming comparison groups"),
    gettext_noop("computing group statistics"),
    gettext_noop("finding nearest neighbours"),
    gettext_noop("scoring efficiency (DEA)"),
]


def computation_request(*, user: User | None, reason: str = "") -> Computation:
    """Queue a computation of every result; one already waiting is reused.

    ``user`` is the operator asking (checked), or None when the system asks after an
    approval. A worker runs it (``computation_task``).
    """
    if user is not None:
        require(user, Perm.COLLECTION_MANAGE)
    with transaction.atomic():
        waiting = Computation.objects.select_for_update().filter(state=ComputationState.QUEUED)
        computation = waiting.first()
        if computation is None:
            computation = Computation.objects.create(
                requested_by=user, reason=reason[:200], total=len(STEPS)
            )
            enqueue(computation_task, computation.pk)
    return computation


@task()
def computation_task(computation_id: int) -> None:
    try:
        computation_run(computation_id)
    except BaseException:  # the worker stopped by force: failed, not left running
        _computation_abandoned(computation_id, retried=False)
        raise


@on_abandoned(computation_task, attempts=2)
def _computation_abandoned(computation_id: int, *, retried: bool) -> None:
    """Its rows go; it waits for the next worker, or fails with a message."""
    computation = Computation.objects.filter(pk=computation_id).first()
    if computation is None or computation.finished:
        return
    _discard_rows(computation)
    if retried:
        Computation.objects.filter(pk=computation_id).update(
            state=ComputationState.QUEUED, step="", done=0, started_at=None
        )
        return
    error = gettext_noop("The computation stopped before it ended (its server was stopped).")
    Computation.objects.filter(pk=computation_id).update(
        state=ComputationState.FAILED, error=error, finished_at=timezone.now()
    )


def computation_claim(computation_id: int | None = None) -> Computation | None:
    """Take a queued computation (the oldest, or ``computation_id``); None if none is."""
    queued = Computation.objects.filter(state=ComputationState.QUEUED)
    if computation_id is not None:
        queued = queued.filter(pk=computation_id)
    for candidate in queued.order_by("created_at", "pk")[:10]:
        claimed = Computation.objects.filter(pk=candidate.pk, state=ComputationState.QUEUED).update(
            state=ComputationState.RUNNING, started_at=timezone.now()
        )
        if claimed:
            return Computation.objects.get(pk=candidate.pk)
    return None


def computation_run(computation_id: int | None = None) -> Computation | None:
    """Claim and build one queued computation; it as it ended, or None if none waited."""
    computation = computation_claim(computation_id)
    if computation is None:
        return None
    try:
        computation_build(computation)
    except Exception as error:
        logger.exception("computation %s failed", computation.pk)
        _discard_rows(computation)
        Computation.objects.filter(pk=computation.pk).update(
            state=ComputationState.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
    else:
        _older_discard(computation)
    computation.refresh_from_db()
    return computation


def _discard_rows(computation: Computation) -> None:
    Result.objects.filter(computation=computation).delete()
    EfficiencyScore.objects.filter(computation=computation).delete()
    Neighbour.objects.filter(computation=computation).delete()
    ComparisonGroup.objects.filter(computation=computation).delete()


def _older_discard(computation: Computation) -> None:
    """Earlier finished computations are replaced by this one: their rows go (not the
    published one's)."""
    # The published one stays until another is published: the portal reads it.
    for older in Computation.objects.filter(
        state__in=[ComputationState.DONE, ComputationState.FAILED],
        created_at__lte=computation.created_at,
        published_at__isnull=True,
    ).exclude(pk=computation.pk):
        _discard_rows(older)
        older.delete()


@dataclass
class _Progress:
    computation: Computation

    def step(self, number: int) -> None:
        Computation.objects.filter(pk=self.computation.pk).update(
            step=STEPS[number], done=number, total=len(STEPS)
        )


def computation_build(computation: Computation) -> None:
    """Run the engine over every stored value and keep what it gives (see the module
    docstring of ``benchlearn.results.models``)."""
    progress = _Progress(computation)
    progress.step(0)
    catalogue, versions = published_catalogue()
    units = list(Unit.objects.all())
    marks = _data_marks()
    progress.step(1)
    values = _all_values(catalogue, units)
    progress.step(2)
    results = evaluate_by_year(values, catalogue) if values.height else _empty_results()
    computation_store(
        computation,
        results=results,
        values=values,
        polarity={i.code: i.polarity for i in catalogue.indicators},
        versions=versions,
        marks=marks,
        units=units,
        progress=progress,
    )


def computation_store(
    computation: Computation,
    *,
    results: pl.DataFrame,
    values: pl.DataFrame,
    polarity: dict[str, engine.Polarity],
    versions: dict[str, int],
    marks: tuple[int, int, object],
    units: list[Unit],
    progress: _Progress | None = None,
) -> None:
    """Keep ``results`` (as ``evaluate`` returns them) and everything derived from them:
    comparison groups, their statistics, neighbours and efficiency scores; then mark
    the computation done. ``values`` are the inputs (for DEA models on variables)."""
    progress = progress or _Progress(computation)
    results = results.with_columns(pl.col("unit", "indicator", "flag").cast(pl.String)).filter(
        pl.col("value").is_not_null() | pl.col("flag").is_not_null()
    )
    results = _of_their_kinds(results, {unit.teryt: unit.kind for unit in units})
    progress.step(3)
    indicator_ids = dict(Indicator.objects.values_list("code", "pk"))
    by_teryt = {unit.teryt: unit for unit in units}
    unit_ids = {teryt: unit.pk for teryt, unit in by_teryt.items()}
    written = frame_write(
        Result,
        RESULT_FIELDS,
        results.select(
            pl.lit(computation.pk).alias("computation"),
            pl.col("unit").replace_strict(unit_ids, return_dtype=pl.Int64),
            pl.col("indicator").replace_strict(indicator_ids, return_dtype=pl.Int64),
            "period",
            "value",
            pl.col("flag").fill_null(""),
            "numerator",
            "denominator",
        ),
    )
    progress.step(4)
    with_results = set(results["unit"].unique().to_list())
    pools = peer_pools(results, by_teryt)
    memberships = _memberships([by_teryt[t] for t in sorted(with_results)], pools)
    groups = _groups_store(computation, memberships, unit_ids)
    progress.step(5)
    _stats_store(results, memberships, polarity, groups, indicator_ids)
    progress.step(6)
    _neighbours_store(computation, unit_ids, pools)
    progress.step(7)
    efficiency_store(
        computation, values, results, unit_ids, {unit.teryt: unit.kind for unit in units}
    )
    _statistics_refresh()
    periods = results["period"]
    Computation.objects.filter(pk=computation.pk).update(
        state=ComputationState.DONE,
        finished_at=timezone.now(),
        done=len(STEPS),
        step="",
        catalogue=versions,
        value_change=marks[0],
        context_change=marks[1],
        data_as_of=marks[2],
        first_period=periods.min() if len(periods) else None,
        last_period=periods.max() if len(periods) else None,
        units=len(with_results),
        results=written,
    )
    # One unread "new results" at a time: a day of approvals is not a day of e-mails.
    notify(
        kind=RESULTS_NEW.code,
        recipients=unit_teams(unit_ids[teryt] for teryt in with_results),
        params={"year": str(periods.max()) if len(periods) else ""},
        link="/",
        key="results",
    )


def _statistics_refresh() -> None:
    """PostgreSQL plans queries from table statistics, which a bulk load leaves stale
    (a million new rows look like none): refresh them before pages read the tables."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Result, GroupStat, Neighbour, EfficiencyScore)]
    tables.append(ComparisonGroup.members.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def published_catalogue() -> tuple[engine.Catalogue, dict[str, int]]:
    """The catalogue results are computed with: each indicator's published versions in
    force (its newest, and older ones still computing the data years the newer are not
    valid in, in number order: see ``evaluate_by_year``); indicators never published are
    left out, and so is any indicator using one of them; every variable. And the
    highest version number used, by code."""
    published: dict[str, list[IndicatorVersion]] = {}
    for version in (
        IndicatorVersion.objects.filter(published_at__isnull=False)
        .select_related("indicator__domain")
        .order_by("indicator__position", "indicator__code", "number")
    ):
        published.setdefault(version.indicator.code, []).append(version)
    chosen = {code: in_force(versions) for code, versions in published.items()}
    variables = tuple(engine_variable(v) for v in Variable.objects.select_related("domain"))
    indicators = [engine_indicator(v) for versions in chosen.values() for v in versions]
    known = {v.code for v in variables} | set(chosen)
    usable = [i for i in indicators if _uses_only(i, known)]
    while len(usable) < len(indicators):  # dropping one may strand those using it
        indicators, known = usable, {v.code for v in variables} | {i.code for i in usable}
        usable = [i for i in indicators if _uses_only(i, known)]
    catalogue = engine.Catalogue(variables=variables, indicators=tuple(usable))
    return catalogue, {i.code: chosen[i.code][-1].number for i in usable}


def _uses_only(indicator: engine.Indicator, known: set[str]) -> bool:
    texts = (indicator.formula, indicator.numerator, indicator.denominator)
    try:
        used = set().union(*(references(parse(t)) for t in texts if t))
    except FormulaError:
        return False
    return used <= known


def _data_marks() -> tuple[int, int, object]:
    """The newest change of collected and of context values: the data version."""
    value = ValueChange.objects.aggregate(last=Max("pk"), at=Max("changed_at"))
    context = ContextValueChange.objects.aggregate(last=Max("pk"), at=Max("changed_at"))
    times = [t for t in (value["at"], context["at"]) if t is not None]
    return value["last"] or 0, context["last"] or 0, max(times) if times else None


def _all_values(catalogue: engine.Catalogue, units: list[Unit]) -> pl.DataFrame:
    periods = set(Value.objects.values_list("period", flat=True).distinct())
    periods |= set(ContextValue.objects.values_list("year", flat=True).distinct())
    codes = {v.code for v in catalogue.variables}
    variables = Variable.objects.filter(code__in=codes)
    return values_frame(periods=sorted(periods), units=units, variables=variables)


def _empty_results() -> pl.DataFrame:
    schema = {"unit": pl.String, "period": pl.Int64, "indicator": pl.String}
    schema |= {"value": pl.Float64, "flag": pl.String}
    schema |= {"numerator": pl.Float64, "denominator": pl.Float64}
    return pl.DataFrame(schema=schema)


# --- Comparison groups ------------------------------------------------------------------


def population_band(population: float | None) -> str:
    """The code of the population band (``POPULATION_BANDS``) of a population."""
    if population is None:
        return ""
    for code, _label, low, high in POPULATION_BANDS:
        if (low is None or population >= low) and (high is None or population < high):
            return code
    return ""


def latest_context(code: str) -> dict[int, float]:
    """Each unit's newest value of a context variable, by unit id."""
    latest: dict[int, float] = {}
    for unit_id, value in (
        ContextValue.objects.filter(variable__code=code)
        .order_by("unit_id", "-year")
        .values_list("unit_id", "value")
    ):
        latest.setdefault(unit_id, value)
    return latest


def indicator_kinds() -> dict[str, set[str]]:
    """The kinds of unit each indicator of a set applies to: those of its sets (a set
    of no kinds applies to every kind; indicators of no set are left out)."""
    found: dict[str, set[str]] = {}
    for code, kinds in IndicatorVersion.objects.filter(set_entries__isnull=False).values_list(
        "indicator__code", "set_entries__set_version__set__kinds"
    ):
        found.setdefault(code, set()).update(kinds or UNIT_KINDS)
    return found


def _of_their_kinds(results: pl.DataFrame, kinds: dict[str, str]) -> pl.DataFrame:
    """The results of units on indicators of sets that apply to them: a county is not
    shown on a gmina set, even where public statistics alone would give it a value."""
    applies = indicator_kinds()
    pairs = [(code, kind) for code, found in applies.items() for kind in found]
    if not results.height or all(len(found) == len(UNIT_KINDS) for found in applies.values()):
        return results
    unit_kinds = pl.DataFrame(
        list(kinds.items()), schema={"unit": pl.String, "kind": pl.String}, orient="row"
    )
    allowed = pl.DataFrame(
        pairs, schema={"indicator": pl.String, "kind": pl.String}, orient="row"
    ).with_columns(allowed=pl.lit(True))
    joined = results.join(unit_kinds, on="unit", how="left").join(
        allowed, on=["indicator", "kind"], how="left"
    )
    in_a_set = pl.col("indicator").is_in(sorted(applies))
    return joined.filter(~in_a_set | pl.col("allowed").fill_null(False)).drop("kind", "allowed")


def peer_pools(results: pl.DataFrame, units: dict[str, Unit]) -> dict[str, set[str]]:
    """The units (TERYT codes) of each pool peers are drawn from (``GMINA_POOL``,
    ``COUNTY_POOL``): every unit with results but counties among gminas and cities with
    county rights, as before sets declared kinds; counties, and cities with county
    rights with results of a county set (one whose kinds name counties), among
    themselves, for the county sets."""
    county_sets = [s for s in IndicatorSet.objects.all() if UnitKind.COUNTY in s.kinds]
    county_codes = set(
        IndicatorVersion.objects.filter(set_entries__set_version__set__in=county_sets).values_list(
            "indicator__code", flat=True
        )
    )
    with_results = set(results["unit"].unique().to_list())
    with_county = set(
        results.filter(pl.col("indicator").is_in(sorted(county_codes)))["unit"].unique().to_list()
    )
    kinds = {teryt: units[teryt].kind for teryt in with_results}
    return {
        GMINA_POOL: {t for t, kind in kinds.items() if kind != UnitKind.COUNTY},
        COUNTY_POOL: {
            t
            for t, kind in kinds.items()
            if kind == UnitKind.COUNTY or (kind == UnitKind.CITY_COUNTY and t in with_county)
        },
    }


def _memberships(units: list[Unit], pools: dict[str, set[str]]) -> pl.DataFrame:
    """(group, kind, key, unit) for every standing comparison group of these units."""
    population = latest_context("POP")
    rows: list[tuple[str, str, str]] = []
    for unit in units:
        rows.append((ComparisonKind.ALL, "all", unit.teryt))
        if unit.voivodeship:
            rows.append((ComparisonKind.VOIVODESHIP, unit.voivodeship, unit.teryt))
        band = population_band(population.get(unit.pk))
        if band and unit.teryt in pools[GMINA_POOL]:
            rows.append((ComparisonKind.BAND, f"{unit.kind}:{band}", unit.teryt))
        if band and unit.teryt in pools[COUNTY_POOL]:
            rows.append((ComparisonKind.BAND, f"{COUNTY_POOL}:{band}", unit.teryt))
    present = {u.teryt for u in units}
    for group_id, teryt in ExchangeGroup.units.through.objects.values_list(
        "exchangegroup_id", "unit__teryt"
    ):
        if teryt in present:
            rows.append((ComparisonKind.EXCHANGE, str(group_id), teryt))
    schema = {"kind": pl.String, "key": pl.String, "unit": pl.String}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(group=pl.col("kind") + "|" + pl.col("key"))


def _groups_store(
    computation: Computation, memberships: pl.DataFrame, unit_ids: dict[str, int]
) -> dict[str, int]:
    """Store the groups and their members; group label -> ComparisonGroup id."""
    exchange_ids = set(ExchangeGroup.objects.values_list("pk", flat=True))
    distinct = memberships.select("group", "kind", "key").unique().sort("group")
    created = ComparisonGroup.objects.bulk_create(
        ComparisonGroup(
            computation=computation,
            kind=kind,
            key=key,
            exchange_group_id=int(key)
            if kind == ComparisonKind.EXCHANGE and int(key) in exchange_ids
            else None,
        )
        for _group, kind, key in distinct.iter_rows()
    )
    ids = {f"{g.kind}|{g.key}": g.pk for g in created}
    if not all(ids.values()):  # a backend that does not return ids (not ours)
        ids = {
            f"{kind}|{key}": pk
            for pk, kind, key in ComparisonGroup.objects.filter(
                computation=computation
            ).values_list("pk", "kind", "key")
        }
    through = ComparisonGroup.members.through
    rows_write(
        through,
        ("comparisongroup", "unit"),
        ((ids[g], unit_ids[u]) for g, u in memberships.select("group", "unit").iter_rows()),
    )
    return ids


def _stats_store(
    results: pl.DataFrame,
    memberships: pl.DataFrame,
    polarity: dict[str, engine.Polarity],
    groups: dict[str, int],
    indicator_ids: dict[str, int],
) -> None:
    pairs = memberships.select("group", "unit")
    stats = group_stats(results, pairs, polarity)
    joined = results.filter(pl.col("value").is_not_null()).join(pairs, on="unit")
    sorted_values = joined.group_by("group", "indicator", "period").agg(
        pl.col("value").sort().alias("values")
    )
    stats = stats.join(sorted_values, on=["group", "indicator", "period"], how="left")
    columns = ("n", "mean", "aggregate", "median", "q1", "q3", "min", "max", "std", "best", "worst")
    rows_write(
        GroupStat,
        GROUP_STAT_FIELDS,
        (
            (groups[g], indicator_ids[i], p, *figures, _bytes(values))
            for g, i, p, *figures, values in stats.select(
                "group", "indicator", "period", *columns, "values"
            ).iter_rows()
        ),
    )


def _bytes(values: list[float] | None) -> bytes:
    return np.asarray(values or [], dtype="<f8").tobytes()


def _neighbours_store(
    computation: Computation, unit_ids: dict[str, int], pools: dict[str, set[str]]
) -> None:
    """Each unit's nearest neighbours in each pool it is in (``peer_pools``: a gmina
    among gminas, a county among counties and cities with county rights)."""
    weights = settings.NEIGHBOUR_WEIGHTS
    rows = []
    units = set().union(*pools.values())
    by_id = {pk: teryt for teryt, pk in unit_ids.items() if teryt in units}
    for code in weights:
        latest = latest_context(code)
        rows += [(by_id[pk], code, value) for pk, value in latest.items() if pk in by_id]
    schema = {"unit": pl.String, "variable": pl.String, "value": pl.Float64}
    context = pl.DataFrame(rows, schema=schema, orient="row")
    for pool, members in pools.items():
        pooled = context.filter(pl.col("unit").is_in(sorted(members)))
        if pooled.height:
            _pool_neighbours_store(computation, unit_ids, pooled, pool)


def _pool_neighbours_store(
    computation: Computation, unit_ids: dict[str, int], context: pl.DataFrame, pool: str
) -> None:
    weights = settings.NEIGHBOUR_WEIGHTS
    found = nearest_peers(
        context, weights=weights, k=settings.NEIGHBOURS, log=settings.NEIGHBOUR_LOG
    ).peers
    shares = [f"share_{code}" for code in weights]
    rows_write(
        Neighbour,
        ("computation", "unit", "peer", "rank", "distance", "shares", "pool"),
        (
            (
                computation.pk,
                unit_ids[unit],
                unit_ids[peer],
                rank,
                distance,
                _json({code: share for code, share in zip(weights, parts, strict=True)}),
                pool,
            )
            for unit, peer, rank, distance, *parts in found.select(
                "unit", "peer", "rank", "distance", *shares
            ).iter_rows()
        ),
    )


def _json(shares: dict[str, float | None]) -> str:
    return json.dumps(shares)
