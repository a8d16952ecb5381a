"""Units of measure and money as people read them: money with two decimals
(612 345 678,90 zł) and the catalogue's Polish units in English on English pages."""

from __future__ import annotations

import re

# A unit of measure that is an amount of money: its values keep two decimals.
_MONEY = re.compile(r"^(zł|PLN|tys\. zł|mln zł)(\s|/|$)")


def is_money(unit: str) -> bool:
    """Whether ``unit`` ("zł", "zł/ucznia", "PLN") is an amount of money."""
    return bool(_MONEY.match(unit.strip()))


def money_decimals(unit: str, decimals: int) -> int:
    """The decimals to show a value in ``unit`` with: at least two for money."""
    return max(decimals, 2) if is_money(unit) else decimals


# The words of the catalogue's units in English: as a count ("osoby": persons), and
# after "/" as what is counted per ("/ucznia": per pupil).
_WORDS = {
    "zł": "PLN",
    "tys.": "thousand",
    "mln": "million",
    "osoby": "persons",
    "os.": "persons",
    "decyzje": "decisions",
    "etaty": "FTEs",
    "sprawy": "cases",
    "próbki": "samples",
    "pkt": "points",
    "godz.": "hours",
    "godziny": "hours",
    "wypadki": "accidents",
    "wol.": "volumes",
    "skargi": "complaints",
    "rodziny": "families",
    "placówki": "facilities",
    "oddziały": "classes",
    "awarie": "failures",
    "mieszk.": "residents",
    "uczniowie": "pupils",
    "uczniów": "pupils",
    "nauczyciele": "teachers",
    "dni": "days",
    "lata": "years",
    "szt.": "items",
}
_PER = {
    "mieszk.": "resident",
    "os.": "person",
    "osobę": "person",
    "ucznia": "pupil",
    "etat": "FTE",
    "sprawę": "case",
    "czytelnika": "reader",
    "godz.": "hour",
    "tydz.": "week",
    "rok": "year",
    "dzień": "day",
    "gosp.": "household",
}
_PHRASES = {"pkt proc.": "percentage points", "p.p.": "percentage points"}


def unit_in(unit: str, language: str) -> str:
    """``unit`` (written in Polish in the catalogue) in ``language``: word for word in
    English ("zł/mieszk." → "PLN/resident", "os./1000 mieszk." → "persons/1000
    residents"), symbols (%, km, m³, t) as they are, unknown words unchanged."""
    if not language.startswith("en") or not unit:
        return unit
    text = unit
    for polish, english in _PHRASES.items():
        text = text.replace(polish, english)
    parts = text.split("/")
    out = [_words(parts[0], _WORDS)]
    for part in parts[1:]:
        words = part.split(" ")
        # "/1000 mieszk.": counted in the plural after a number, else one ("/ucznia").
        counted = _WORDS if words and words[0].replace("\u00a0", "").isdigit() else _PER
        out.append(_words(part, {**_WORDS, **counted}))
    return "/".join(out)


def _words(text: str, table: dict[str, str]) -> str:
    return " ".join(table.get(word, word) for word in text.split(" "))
