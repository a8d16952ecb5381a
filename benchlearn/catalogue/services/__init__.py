"""Writes to the indicator catalogue: edits with versioning, publishing, YAML import.

Every write records a ``CatalogueChange`` row. Published indicator versions never change
what they compute: a change to a computational field of a published version makes a new,
unpublished version; text-only changes are made in place and recorded.
"""

from benchlearn.catalogue.services.common import (
    COMPUTATIONAL_FIELDS,
    DOMAIN_FIELDS,
    SET_FIELDS,
    TEXT_FIELDS,
    VARIABLE_FIELDS,
    VERSION_FIELDS,
    CatalogueProblems,
    FieldChange,
    OtherEdit,
    StaleEdit,
    edit_token,
)
from benchlearn.catalogue.services.domains import domain_create, domain_save, domain_update
from benchlearn.catalogue.services.exchange import (
    ImportSummary,
    catalogue_export,
    catalogue_import,
    catalogue_load_default,
)
from benchlearn.catalogue.services.indicators import indicator_create, indicator_update
from benchlearn.catalogue.services.publishing import PublishSummary, catalogue_publish
from benchlearn.catalogue.services.rules import (
    RULE_FIELDS,
    rule_create,
    rule_delete,
    rule_update,
)
from benchlearn.catalogue.services.sets import (
    indicator_set_create,
    indicator_set_members_change,
    indicator_set_update,
)
from benchlearn.catalogue.services.variables import variable_create, variable_update

__all__ = [
    "COMPUTATIONAL_FIELDS",
    "DOMAIN_FIELDS",
    "RULE_FIELDS",
    "SET_FIELDS",
    "TEXT_FIELDS",
    "VARIABLE_FIELDS",
    "VERSION_FIELDS",
    "CatalogueProblems",
    "FieldChange",
    "ImportSummary",
    "OtherEdit",
    "PublishSummary",
    "StaleEdit",
    "catalogue_export",
    "catalogue_import",
    "catalogue_load_default",
    "catalogue_publish",
    "domain_create",
    "domain_save",
    "domain_update",
    "edit_token",
    "indicator_create",
    "indicator_set_create",
    "indicator_set_members_change",
    "indicator_set_update",
    "indicator_update",
    "rule_create",
    "rule_delete",
    "rule_update",
    "variable_create",
    "variable_update",
]
