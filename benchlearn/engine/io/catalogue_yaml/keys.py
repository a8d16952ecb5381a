"""The portable catalogue format's name, version and keys."""

FORMAT = "benchlearn-catalogue"
VERSION = 1
DEFAULT_CATALOGUE = "default_catalogue.yaml"  # in benchlearn/engine/data/

TOP_KEYS = {
    "format", "version", "name", "catalogue_version", "domains", "variables", "indicators",
    "sets",
}  # fmt: skip
DOMAIN_KEYS = {"code", "name", "description"}
VARIABLE_KEYS = {"code", "name", "unit", "source", "min", "max", "definition", "domain"}
INDICATOR_KEYS = {
    "code", "name", "formula", "unit", "polarity", "category", "decimals",
    "numerator", "denominator", "domain", "notes",
}  # fmt: skip
SET_KEYS = {"code", "name", "domain", "description", "indicators"}
