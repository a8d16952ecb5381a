"""Units of measure and money as people read them: money with two decimals
(612 345 678,90 zł) and the catalogue's Polish units in English on English pages."""

from __future__ import annotations

import re

from django.utils.translation import get_language, override, pgettext_lazy

# A unit of measure that is an amount of money: its values keep two decimals.
_MONEY = re.compile(r"^(zł|PLN|tys\. zł|mln zł)(\s|/|$)")


def is_money(unit: str) -> bool:
    """Whether ``unit`` ("zł", "zł/ucznia", "PLN") is an amount of money."""
    return bool(_MONEY.match(unit.strip()))


def money_decimals(unit: str, decimals: int) -> int:
    """The decimals to show a value in ``unit`` with: at least two for money."""
    return max(decimals, 2) if is_money(unit) else decimals


# The catalogue's units of measure, each translated as a whole (word for word,
# "os./1000 mieszk. 65+" would not read as English). The msgid is the English; its
# Polish msgstr is the unit as the catalogue writes it. A unit not listed here is
# translated word for word (``_word_for_word``).
_UNITS = {
    "zł": pgettext_lazy("unit of measure", "PLN"),
    "zł/mieszk.": pgettext_lazy("unit of measure", "PLN/resident"),
    "zł na mieszkańca": pgettext_lazy("unit of measure", "PLN per resident"),
    "zł/os.": pgettext_lazy("unit of measure", "PLN/person"),
    "zł/ucznia": pgettext_lazy("unit of measure", "PLN/pupil"),
    "zł na ucznia": pgettext_lazy("unit of measure", "PLN per pupil"),
    "zł/czytelnika": pgettext_lazy("unit of measure", "PLN/reader"),
    "zł/sprawę": pgettext_lazy("unit of measure", "PLN/case"),
    "zł/godz.": pgettext_lazy("unit of measure", "PLN/hour"),
    "zł/km": pgettext_lazy("unit of measure", "PLN/km"),
    "zł/m³": pgettext_lazy("unit of measure", "PLN/m³"),
    "zł/t": pgettext_lazy("unit of measure", "PLN/t"),
    "tys. zł": pgettext_lazy("unit of measure", "thousand PLN"),
    "mln zł": pgettext_lazy("unit of measure", "million PLN"),
    "osoby": pgettext_lazy("unit of measure", "persons"),
    "osób": pgettext_lazy("unit of measure", "persons"),
    "osoby/etat": pgettext_lazy("unit of measure", "persons/FTE"),
    "os./1000 mieszk.": pgettext_lazy("unit of measure", "persons/1,000 residents"),
    "osób na 1000 mieszkańców": pgettext_lazy("unit of measure", "persons per 1,000 residents"),
    "os./1000 mieszk. 65+": pgettext_lazy("unit of measure", "persons/1,000 residents aged 65+"),
    "etaty": pgettext_lazy("unit of measure", "FTEs"),
    "etaty/1000 mieszk.": pgettext_lazy("unit of measure", "FTEs/1,000 residents"),
    "decyzje": pgettext_lazy("unit of measure", "decisions"),
    "sprawy": pgettext_lazy("unit of measure", "cases"),
    "sprawy/etat": pgettext_lazy("unit of measure", "cases/FTE"),
    "rodziny": pgettext_lazy("unit of measure", "families"),
    "rodziny/etat": pgettext_lazy("unit of measure", "families/FTE"),
    "skargi": pgettext_lazy("unit of measure", "complaints"),
    "skargi/10 tys. mieszk.": pgettext_lazy("unit of measure", "complaints/10,000 residents"),
    "awarie": pgettext_lazy("unit of measure", "failures"),
    "awarie/100 km": pgettext_lazy("unit of measure", "failures/100 km"),
    "wypadki": pgettext_lazy("unit of measure", "accidents"),
    "wypadki/100 km": pgettext_lazy("unit of measure", "accidents/100 km"),
    "próbki": pgettext_lazy("unit of measure", "samples"),
    "placówki": pgettext_lazy("unit of measure", "facilities"),
    "oddziały": pgettext_lazy("unit of measure", "classes"),
    "uczniowie/oddział": pgettext_lazy("unit of measure", "pupils/class"),
    "wol.": pgettext_lazy("unit of measure", "volumes"),
    "wol./czytelnika": pgettext_lazy("unit of measure", "volumes/reader"),
    "godziny": pgettext_lazy("unit of measure", "hours"),
    "godz./tydz.": pgettext_lazy("unit of measure", "hours/week"),
    "kg/mieszk.": pgettext_lazy("unit of measure", "kg/resident"),
    "km/100 km²": pgettext_lazy("unit of measure", "km/100 km²"),
    "pkt": pgettext_lazy("unit of measure", "points"),
    "pkt (0–10)": pgettext_lazy("unit of measure", "points (0–10)"),
    "pkt proc.": pgettext_lazy("unit of measure", "percentage points"),
    "uczniowie przeliczeniowi": pgettext_lazy("unit of measure", "weighted pupils"),
    "zł/os./mies.": pgettext_lazy("unit of measure", "PLN/person/month"),
    "os./100 tys. mieszk.": pgettext_lazy("unit of measure", "persons/100,000 residents"),
    "m³/os.": pgettext_lazy("unit of measure", "m³/person"),
    "os./10 tys. mieszk. 65+": pgettext_lazy(
        "unit of measure", "persons/10,000 residents aged 65+"
    ),
    "wol./100 mieszk.": pgettext_lazy("unit of measure", "volumes/100 residents"),
    "uchwały": pgettext_lazy("unit of measure", "resolutions"),
    "dni": pgettext_lazy("unit of measure", "days"),
    "miejsca": pgettext_lazy("unit of measure", "places"),
    "os./1000 mieszk. 0–17": pgettext_lazy("unit of measure", "persons/1,000 residents aged 0–17"),
    "os./100 miejsc": pgettext_lazy("unit of measure", "persons/100 places"),
    "placówki/10 tys. mieszk.": pgettext_lazy("unit of measure", "facilities/10,000 residents"),
}
# Symbols read the same in both languages.
SYMBOLS = frozenset({"%", "‰", "km", "km²", "m", "m²", "m³", "t", "kg", "min", "h", "MWh"})

# The fallback for a unit not in ``_UNITS``: its words in English, as a count
# ("osoby": persons), and after "/" or "na" as what is counted per ("ucznia": pupil).
_WORDS = {
    "zł": "PLN",
    "tys.": "thousand",
    "mln": "million",
    "osoby": "persons",
    "osób": "persons",
    "os.": "persons",
    "decyzje": "decisions",
    "etaty": "FTEs",
    "etatów": "FTEs",
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
    "mieszkańców": "residents",
    "uczniowie": "pupils",
    "uczniów": "pupils",
    "nauczyciele": "teachers",
    "dni": "days",
    "lata": "years",
    "szt.": "items",
    "na": "per",
}
_PER = {
    "mieszk.": "resident",
    "mieszkańca": "resident",
    "os.": "person",
    "osobę": "person",
    "ucznia": "pupil",
    "oddział": "class",
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
    """``unit`` (written in Polish in the catalogue) in ``language``: in English as a
    whole from the table of the catalogue's units ("os./1000 mieszk." → "persons/1,000
    residents"), symbols (%, km, m³, t) as they are, any other unit word for word."""
    if not language.startswith("en") or not unit:
        return unit
    whole = _UNITS.get(" ".join(unit.split()))
    if whole is None:
        return _word_for_word(unit)
    if (get_language() or "")[:2] == language[:2]:
        return str(whole)
    with override(language):
        return str(whole)


def catalogue_units() -> frozenset[str]:
    """The units of measure translated as a whole."""
    return frozenset(_UNITS)


def _word_for_word(unit: str) -> str:
    text = unit
    for polish, english in _PHRASES.items():
        text = text.replace(polish, english)
    parts = text.split("/")
    out = [_per_after_na(parts[0])]
    for part in parts[1:]:
        words = part.split(" ")
        # "/1000 mieszk.": counted in the plural after a number, else one ("/ucznia").
        counted = _WORDS if words and words[0].replace("\u00a0", "").isdigit() else _PER
        out.append(_words(part, {**_WORDS, **counted}))
    return "/".join(out)


def _per_after_na(text: str) -> str:
    """ "zł na mieszkańca" → "PLN per resident": what follows "na" is counted per."""
    words = text.split(" ")
    if "na" not in words:
        return _words(text, _WORDS)
    at = words.index("na")
    after = words[at + 1 :]
    counted = _WORDS if after and after[0].replace("\u00a0", "").isdigit() else _PER
    head = _words(" ".join(words[:at]), _WORDS)
    return " ".join([head, "per", _words(" ".join(after), {**_WORDS, **counted})]).strip()


def _words(text: str, table: dict[str, str]) -> str:
    return " ".join(table.get(word, word) for word in text.split(" "))
