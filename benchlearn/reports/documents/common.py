"""What both reports' documents share: headings and table rows as Typst reads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchlearn.results.selectors import (
    IndicatorInfo,
)


def indicator_heading(info: IndicatorInfo) -> str:
    return f"{info.name} ({info.unit})" if info.unit else info.name


def per_cent(value: float | None, number: Callable[[float | None, int], str]) -> str:
    return "—" if value is None else f"{number(value, 1)}\u00a0%"


def table_row(*cells: str, own: bool = False) -> dict[str, Any]:
    return {"cells": list(cells), "own": own}


def table_of(headers: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"headers": headers, "rows": rows}
