"""Hostile files for the import, each with what must happen to it (see ``common.Case``)."""

from tests.collection.hostile.archives import csv_cases, zip_cases
from tests.collection.hostile.common import Case
from tests.collection.hostile.sheets import formula_cases, sheet_cases


def cases() -> list[Case]:
    return formula_cases() + sheet_cases() + zip_cases() + csv_cases()


__all__ = ["Case", "cases"]
