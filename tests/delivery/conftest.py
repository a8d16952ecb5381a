"""The catalogue's domains (EDU, WASTE) and a helper that records a unit's forms through
the service, as a page would."""

from decimal import Decimal

import pytest

from benchlearn.catalogue.models import Domain
from benchlearn.catalogue.services import catalogue_import
from benchlearn.delivery.models import Delivery
from benchlearn.delivery.services import ShareEntry, delivery_save
from tests.catalogue.conftest import SMALL_YAML

YEAR = 2024


@pytest.fixture
def domains(db, operator) -> dict[str, Domain]:
    catalogue_import(text=SMALL_YAML, user=operator)
    return {d.code: d for d in Domain.objects.all()}


def record(unit, domain, user, *shares, period: int = YEAR, note: str = "") -> Delivery:
    """Store ``shares`` ((form, percent), …) as ``user`` from the current revision."""
    current = Delivery.objects.filter(unit=unit, domain=domain, period=period).first()
    return delivery_save(
        unit=unit,
        domain=domain,
        period=period,
        entries=[ShareEntry(form, Decimal(str(share)), note) for form, share in shares],
        user=user,
        base_revision=current.revision if current else 0,
    )
