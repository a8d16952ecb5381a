"""Efficiency scores (DEA) of a computation: every model scored in every period.

Each year a unit is scored against the frontier of its reference set: by default every
unit of its kind with the model's data that year (the operator may choose all units
instead). A set smaller than the rule of thumb (``min_units``) is not scored at all:
with too few units nearly every one of them comes out efficient.
"""

from __future__ import annotations

import json

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.accounts.models import User
from benchlearn.bulk import rows_write
from benchlearn.catalogue.models import Domain, Indicator, Variable
from benchlearn.engine.dea import dea, dea_exclusions, min_units
from benchlearn.results.models import (
    Computation,
    EfficiencyModel,
    EfficiencyScore,
    Orientation,
    Reference,
    Rts,
)

SCORE_FIELDS = [
    "computation",
    "model",
    "unit",
    "period",
    "score",
    "efficient",
    "peers",
    "excluded",
    "reference_size",
    "reference_needed",
]


def efficiency_store(
    computation: Computation,
    values: pl.DataFrame,
    results: pl.DataFrame,
    unit_ids: dict[str, int],
    kind_of: dict[str, str],
) -> None:
    """Every DEA model scored in every period, each unit against its reference set
    (``kind_of``: TERYT → kind of unit); units DEA cannot score are kept with the reason."""
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
            # A unit without every one of the model's figures has nothing to do with
            # the model that year: no row, so that a unit that never has them is not
            # offered the model at all.
            wide = wide.with_columns(pl.col(code).cast(pl.Float64) for code in codes).filter(
                pl.all_horizontal(pl.col(code).is_not_null() for code in codes)
            )
            if not wide.height:
                continue
            wide = wide.with_columns(
                pl.col("unit")
                .replace_strict(kind_of, default="", return_dtype=pl.String)
                .alias("reference")
                if model.reference == Reference.KIND
                else pl.lit("all").alias("reference")
            )
            for reference_set in wide.partition_by("reference"):
                rows += _scored(
                    computation, model, int(period), reference_set.drop("reference"), unit_ids
                )
    rows_write(EfficiencyScore, SCORE_FIELDS, rows)


def _scored(
    computation: Computation,
    model: EfficiencyModel,
    period: int,
    wide: pl.DataFrame,
    unit_ids: dict[str, int],
) -> list[tuple[object, ...]]:
    """The rows of one reference set in one period."""
    needed = min_units(len(model.inputs), len(model.outputs))
    excluded = dea_exclusions(wide, id="unit", inputs=model.inputs, outputs=model.outputs)
    size = wide.height - excluded.height
    reasons = dict(excluded.iter_rows())

    def row(
        unit: str, score: float | None, efficient: bool, peers: str, reason: str
    ) -> tuple[object, ...]:
        return (
            computation.pk,
            model.pk,
            unit_ids[unit],
            period,
            score,
            efficient,
            peers,
            reason[:200],
            size,
            needed,
        )

    if size < needed:
        return [row(unit, None, False, "[]", reasons.get(unit, "")) for unit in wide["unit"]]
    result = dea(
        wide,
        id="unit",
        inputs=model.inputs,
        outputs=model.outputs,
        rts=model.rts,  # type: ignore[arg-type]
        orientation=model.orientation,  # type: ignore[arg-type]
    )
    peers: dict[str, list[list[float]]] = {}
    for unit, peer, weight in result.peers.iter_rows():
        peers.setdefault(unit, []).append([unit_ids[peer], weight])
    rows = [
        row(unit, score, efficient, json.dumps(peers.get(unit, [])), "")
        for unit, score, efficient in result.scores.select(
            "id", "efficiency", "efficient"
        ).iter_rows()
    ]
    rows += [row(unit, None, False, "[]", reason) for unit, reason in result.excluded.iter_rows()]
    return rows


# --- the operator's models ---------------------------------------------------------------


class EfficiencyModelError(ValueError):
    """What is wrong with an efficiency model, every problem at once."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def efficiency_model_save(
    *,
    user: User,
    name_pl: str,
    name_en: str = "",
    domain_code: str = "",
    inputs: list[str],
    outputs: list[str],
    rts: str,
    orientation: str,
    reference: str = Reference.KIND,
    code: str = "",
    model: EfficiencyModel | None = None,
) -> EfficiencyModel:
    """Create or change a DEA model (operators only). Inputs and outputs are variable or
    indicator codes: at least one of each, none in both. A new model without a ``code``
    gets one made from its name (it names the model in addresses); a model keeps its
    code when changed. Scored at the next computation."""
    require(user, Perm.COLLECTION_MANAGE)
    problems = []
    name_pl = name_pl.strip()
    inputs = list(dict.fromkeys(c.strip() for c in inputs if c.strip()))
    outputs = list(dict.fromkeys(c.strip() for c in outputs if c.strip()))
    if not name_pl:
        problems.append(_("Give the model a name."))
    if not inputs:
        problems.append(_("Name at least one input (what the service uses, e.g. its costs)."))
    if not outputs:
        problems.append(_("Name at least one output (what the service delivers)."))
    known = set(Variable.objects.values_list("code", flat=True))
    known |= set(Indicator.objects.values_list("code", flat=True))
    unknown = [c for c in (*inputs, *outputs) if c not in known]
    if unknown:
        problems.append(
            _("Unknown variable or indicator codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    both = sorted(set(inputs) & set(outputs))
    if both:
        problems.append(
            _("A code cannot be both an input and an output: %(codes)s.")
            % {"codes": ", ".join(both)}
        )
    if rts not in Rts.values or orientation not in Orientation.values:
        problems.append(_("Choose the returns to scale and the orientation."))
    if reference not in Reference.values:
        problems.append(_("Choose which units the frontier is drawn from."))
    domain = Domain.objects.filter(code=domain_code).first() if domain_code else None
    if domain_code and domain is None:
        problems.append(_("There is no domain %(code)s.") % {"code": domain_code})
    if model is not None:
        code = model.code
    elif code:
        if EfficiencyModel.objects.filter(code=code).exists():
            problems.append(_("Another model already has the code %(code)s.") % {"code": code})
    else:
        code = _free_code(name_pl)
    if problems:
        raise EfficiencyModelError(problems)
    model = model or EfficiencyModel()
    model.code, model.name_pl, model.name_en = code, name_pl, name_en.strip()
    model.domain, model.inputs, model.outputs = domain, inputs, outputs
    model.rts, model.orientation, model.reference = rts, orientation, reference
    model.updated_at = timezone.now()
    model.save()
    return model


def _free_code(name: str) -> str:
    base = slugify(_plain_letters(name))[:56].strip("-") or "model"
    code, number = base, 2
    while EfficiencyModel.objects.filter(code=code).exists():
        code, number = f"{base}-{number}", number + 1
    return code


def _plain_letters(text: str) -> str:
    """Polish letters as their plain Latin ones (ł is not a combining form)."""
    return text.translate(str.maketrans("łŁ", "lL"))


@transaction.atomic
def efficiency_model_delete(*, user: User, model: EfficiencyModel) -> None:
    """Remove a DEA model and its scores (operators only)."""
    require(user, Perm.COLLECTION_MANAGE)
    EfficiencyScore.objects.filter(model=model).delete()
    model.delete()
