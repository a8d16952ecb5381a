"""Writes to the unit registry, unit memberships and the units' context values."""

from benchlearn.units.services.context import (
    BUNDLED_CONTEXT_SOURCE,
    BUNDLED_CONTEXT_YEAR,
    CONTEXT_VARIABLES,
    BdlFetchResult,
    ContextStoreResult,
    ContextVariable,
    context_fetch_bdl,
    context_load_bundled,
    context_values_store,
    context_variable_ensure,
)
from benchlearn.units.services.memberships import unit_membership_remove, unit_membership_set
from benchlearn.units.services.register import (
    BUNDLED_GMINY,
    BUNDLED_STATE_ON,
    MAX_ABOLISHED_SHARE,
    RegistryError,
    RegistryLoadResult,
    unit_registry_load,
    unit_registry_load_bundled,
    unit_registry_refresh,
)

__all__ = [
    "BUNDLED_CONTEXT_SOURCE",
    "BUNDLED_CONTEXT_YEAR",
    "BUNDLED_GMINY",
    "BUNDLED_STATE_ON",
    "CONTEXT_VARIABLES",
    "MAX_ABOLISHED_SHARE",
    "BdlFetchResult",
    "ContextStoreResult",
    "ContextVariable",
    "RegistryError",
    "RegistryLoadResult",
    "context_fetch_bdl",
    "context_load_bundled",
    "context_values_store",
    "context_variable_ensure",
    "unit_membership_remove",
    "unit_membership_set",
    "unit_registry_load",
    "unit_registry_load_bundled",
    "unit_registry_refresh",
]
