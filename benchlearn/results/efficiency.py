"""Efficiency scores (DEA) of a computation: every model scored in every period."""

from __future__ import annotations

import json

import polars as pl

from benchlearn.bulk import rows_write
from benchlearn.engine.dea import dea
from benchlearn.results.models import Computation, EfficiencyModel, EfficiencyScore


def efficiency_store(
    computation: Computation,
    values: pl.DataFrame,
    results: pl.DataFrame,
    unit_ids: dict[str, int],
) -> None:
    """Every DEA model scored in every period over all units with its inputs and
    outputs (the national frontier); units DEA cannot score are kept with the reason."""
    models = list(EfficiencyModel.objects.all())
    if not models:
        return
    long = pl.concat(
        [
            values.select("unit", "period", pl.col("variable").alias("code"), "value"),
            results.select("unit", "period", pl.col("indicator").alias("code"), "value"),
        ]
    ).filter(pl.col("value").is_not_null())
    rows: list[tuple[object, ...]] = []
    for model in models:
        codes = [*model.inputs, *model.outputs]
        chosen = long.filter(pl.col("code").is_in(codes))
        for (period,), part in chosen.partition_by("period", as_dict=True).items():
            wide = part.pivot(on="code", index="unit", values="value", aggregate_function="first")
            for code in codes:
                if code not in wide.columns:
                    wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(code))
            rows += _scored(computation, model, int(period), wide, unit_ids)
    rows_write(
        EfficiencyScore,
        ["computation", "model", "unit", "period", "score", "efficient", "peers", "excluded"],
        rows,
    )


def _scored(
    computation: Computation,
    model: EfficiencyModel,
    period: int,
    wide: pl.DataFrame,
    unit_ids: dict[str, int],
) -> list[tuple[object, ...]]:
    try:
        result = dea(
            wide,
            id="unit",
            inputs=model.inputs,
            outputs=model.outputs,
            rts=model.rts,  # type: ignore[arg-type]
            orientation=model.orientation,  # type: ignore[arg-type]
        )
    except ValueError as error:  # too few units with complete data: all excluded
        reason = str(error)[:200]
        return [
            (computation.pk, model.pk, unit_ids[u], period, None, False, "[]", reason)
            for u in wide["unit"]
        ]
    peers: dict[str, list[list[float]]] = {}
    for unit, peer, weight in result.peers.iter_rows():
        peers.setdefault(unit, []).append([unit_ids[peer], weight])
    rows: list[tuple[object, ...]] = [
        (
            computation.pk,
            model.pk,
            unit_ids[unit],
            period,
            score,
            efficient,
            json.dumps(peers.get(unit, [])),
            "",
        )
        for unit, score, efficient in result.scores.select(
            "id", "efficiency", "efficient"
        ).iter_rows()
    ]
    rows += [
        (computation.pk, model.pk, unit_ids[unit], period, None, False, "[]", reason[:200])
        for unit, reason in result.excluded.iter_rows()
    ]
    return rows
