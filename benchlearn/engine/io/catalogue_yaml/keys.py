"""The portable catalogue format's name, version and keys."""

from benchlearn.engine.messages import Message, gettext_noop

FORMAT = "benchlearn-catalogue"
# Version 2 added the change log and validity by data year (valid_from, valid_to);
# version 1 files are version 2 files without them and are still read. Version 3 added
# a variable's GUS BDL source (bdl); earlier files are version 3 files without it.
VERSION = 3
OLDEST_VERSION = 1
DEFAULT_CATALOGUE = "default_catalogue.yaml"  # in benchlearn/engine/data/
# Further domains of the shipped catalogue, one file each, appended to its lists.
CATALOGUE_PARTS = "catalogue_parts"  # in benchlearn/engine/data/
PART_KEYS = {"domains", "variables", "indicators", "sets", "rules"}

TOP_KEYS = {
    "format", "version", "name", "catalogue_version", "domains", "variables", "indicators",
    "sets", "rules", "changelog",
}  # fmt: skip
DOMAIN_KEYS = {"code", "name", "description"}
VARIABLE_KEYS = {
    "code", "name", "unit", "source", "min", "max", "definition", "domain", "compare",
    "compare_per", "plausible", "valid_from", "valid_to", "bdl",
}  # fmt: skip
INDICATOR_KEYS = {
    "code", "name", "formula", "unit", "polarity", "category", "decimals",
    "numerator", "denominator", "domain", "notes", "valid_from", "valid_to",
}  # fmt: skip
SET_KEYS = {"code", "name", "domain", "description", "indicators", "kinds"}
RELEASE_KEYS = {"version", "summary", "entries"}
ENTRY_KEYS = {"ref", "codes", "action", "pl", "en"}
RULE_KEYS = {"code", "domain", "left", "operator", "right", "between", "severity", "message"}


def key_phrase(what: Message | None, key: str) -> Message:
    """A key of the file (``what`` None: at the top) or of an item, e.g. "indicator X formula"."""
    if what is None:
        # Translators: a top-level key of a catalogue file, e.g. "format" (not translated).
        return Message(gettext_noop("%(key)s"), {"key": key})
    # Translators: a key of an item in a catalogue file: what is e.g. "indicator X" and
    # key e.g. "formula" (keys are not translated).
    return Message(gettext_noop("%(what)s %(key)s"), {"what": what, "key": key})
