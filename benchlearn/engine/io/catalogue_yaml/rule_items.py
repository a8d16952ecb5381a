"""Reading the plausibility parts of a catalogue file: a variable's comparison basis and
plausible range, and the validation rules.

A variable::

    compare: per_user          # as_is (default) | per_user | per_resident
    compare_per: EDU_PUPILS    # per_user only: the variable counting the users
    plausible: [5000, 40000]   # of the compared quantity; either end may be null
    bdl: {gmina: 76037}        # GUS BDL variables publishing the same figure, by level
                               # (gmina, county, voivodeship); a list is added up

A rule::

    - code: EDU_CHECK_PUPILS_PER_TEACHER
      domain: EDU
      left: EDU_PUPILS / EDU_TEACHERS_FTE
      between: [5, 30]          # or: operator: "<=" (< <= = >= > ≤ ≥) and right: ...
      severity: warning         # error | warning
      message: {pl: ..., en: ...}

Formulas are checked afterwards against the variables (engine.rules.check_rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from benchlearn.engine.catalogue import BDL_LEVELS, Basis, Operator, Rule, Severity, bdl_text
from benchlearn.engine.io.catalogue_yaml.keys import RULE_KEYS, key_phrase
from benchlearn.engine.messages import Message, gettext_noop
from benchlearn.engine.rules import operator_of

if TYPE_CHECKING:
    from benchlearn.engine.io.catalogue_yaml.items import ItemReader


def comparison(reader: ItemReader, fields: dict[str, yaml.Node], what: Message) -> dict[str, Any]:
    """A variable's compare, compare_per, plausible and bdl keys as Variable fields."""
    compare = reader.choice(fields.get("compare"), key_phrase(what, "compare"), Basis, Basis.AS_IS)
    plausible = key_phrase(what, "plausible")
    low, high = _pair(reader, fields.get("plausible"), plausible)
    return {
        "compare": compare,
        "compare_per": reader.scalar(fields.get("compare_per"), key_phrase(what, "compare_per"))
        or "",
        "plausible_min": None if low is None else reader.number(low, plausible),
        "plausible_max": None if high is None else reader.number(high, plausible),
        "bdl": _bdl(reader, fields.get("bdl"), key_phrase(what, "bdl")),
    }


def _bdl(reader: ItemReader, node: yaml.Node | None, what: Message) -> str:
    """``{gmina: 76037, county: [1, 2]}`` as the stored text (``bdl_text``)."""
    if node is None:
        return ""
    levels = reader.mapping(node, what) or {}
    found: dict[int, tuple[int, ...]] = {}
    for word, ids in levels.items():
        if word not in BDL_LEVELS:
            reader.fail(
                ids,
                gettext_noop("%(what)s: unknown level '%(level)s' (use %(levels)s)"),
                what=what,
                level=word,
                levels=", ".join(BDL_LEVELS),
            )
            continue
        items = ids.value if isinstance(ids, yaml.SequenceNode) else [ids]
        numbers = [reader.scalar(item, what) or "" for item in items]
        if not numbers or not all(n.isdigit() for n in numbers):
            reader.fail(
                ids,
                gettext_noop("%(what)s: a BDL variable is a number (or a list of numbers)"),
                what=what,
            )
            continue
        found[BDL_LEVELS[word]] = tuple(int(n) for n in numbers)
    return bdl_text(found)


def _pair(
    reader: ItemReader, node: yaml.Node | None, what: Message
) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The two nodes of a ``[low, high]`` list (a null end is None)."""
    if node is None:
        return None, None
    if not isinstance(node, yaml.SequenceNode) or len(node.value) != 2:
        reader.fail(
            node, gettext_noop("%(what)s must be a list of two values [from, to]"), what=what
        )
        return None, None
    low, high = node.value
    return (None if _null(low) else low), (None if _null(high) else high)


def _null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def read_rule(reader: ItemReader, node: yaml.Node) -> Rule | None:
    """One rule of the ``rules`` list, problems collected by ``reader`` (an ItemReader)."""
    what_kind = Message(gettext_noop("rule"))
    fields = reader.mapping(node, what_kind)
    if fields is None:
        return None
    code = reader.scalar(fields.get("code"), key_phrase(what_kind, "code"))
    if not code:
        reader.fail(node, gettext_noop("%(what)s without a code"), what=what_kind)
        return None
    reader.current = code
    what = Message(gettext_noop("rule %(code)s"), {"code": code})
    reader.unknown_keys(fields, RULE_KEYS, what)
    left = reader.scalar(fields.get("left"), key_phrase(what, "left")) or ""
    operator, right, upper = _comparison_of(reader, node, fields, what)
    message_pl, message_en = reader.text(fields.get("message"), key_phrase(what, "message"))
    severity = reader.choice(
        fields.get("severity"), key_phrase(what, "severity"), Severity, Severity.WARNING
    )
    domain = reader.domain_of(fields, what)
    if operator is None:
        return None
    return Rule(
        code=code,
        left=left,
        operator=operator,
        right=right,
        upper=upper,
        severity=severity,
        message_pl=message_pl,
        message_en=message_en,
        domain=domain,
    )


def _comparison_of(
    reader: ItemReader, node: yaml.Node, fields: dict[str, yaml.Node], what: Message
) -> tuple[Operator | None, str, str]:
    """(operator, right or lower bound, upper bound) from ``between`` or ``operator`` and
    ``right``."""
    between = fields.get("between")
    if between is not None:
        if "operator" in fields or "right" in fields:
            reader.fail(
                between,
                gettext_noop("%(what)s: give either 'between' or 'operator' and 'right'"),
                what=what,
            )
            return None, "", ""
        low, high = _pair(reader, between, key_phrase(what, "between"))
        if low is None or high is None:
            if isinstance(between, yaml.SequenceNode) and len(between.value) == 2:
                reader.fail(
                    between, gettext_noop("%(what)s: 'between' needs both bounds"), what=what
                )
            return None, "", ""
        return (
            Operator.BETWEEN,
            reader.scalar(low, key_phrase(what, "between")) or "",
            reader.scalar(high, key_phrase(what, "between")) or "",
        )
    spelled = reader.scalar(fields.get("operator"), key_phrase(what, "operator"))
    if spelled is None:
        reader.fail(
            node,
            gettext_noop("%(what)s needs 'operator' and 'right', or 'between'"),
            what=what,
        )
        return None, "", ""
    operator = operator_of(spelled)
    if operator is None or operator is Operator.BETWEEN:
        reader.fail(
            fields["operator"],
            gettext_noop("%(what)s: operator must be one of %(allowed)s, not '%(value)s'"),
            what=what,
            allowed="<, <=, =, >=, >",
            value=spelled,
        )
        return None, "", ""
    right = reader.scalar(fields.get("right"), key_phrase(what, "right")) or ""
    return operator, right, ""
