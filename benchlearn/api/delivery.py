"""How a unit delivers its services, in the API: its organisational forms per service
(domain) and year, read by whoever may open the unit (its people, its groups'
moderators, the office); a unit one may not open answers 404."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from benchlearn.accounts.access import unit_get_for_user
from benchlearn.api.schemas import Error, InvalidRequest
from benchlearn.delivery.selectors import deliveries_for_api, form_label, share_order

router = Router(tags=["delivery"])

ERRORS = {401: Error, 403: Error, 404: Error, 422: InvalidRequest}


class DeliveryShareOut(Schema):
    form: str
    label: str
    share: Decimal
    note: str


class DeliveryOut(Schema):
    domain: str
    year: int
    forms: list[DeliveryShareOut]  # largest share first
    main_form: str | None  # the form the comparison pages count the unit under
    revision: int
    updated_at: datetime


class DeliveryFilters(Schema):
    year: int | None = None


@router.get(
    "/units/{teryt}/delivery-forms",
    response={200: list[DeliveryOut], **ERRORS},
    summary="A unit's organisational forms of delivering its services",
)
def unit_delivery_forms(
    request: HttpRequest, teryt: str, filters: Query[DeliveryFilters]
) -> list[DeliveryOut]:
    """Per service (domain) and year: each form with the share of the service it covers
    (%) and its note; ``year`` narrows to one year."""
    unit = unit_get_for_user(request.auth, teryt)  # type: ignore[attr-defined]
    found = []
    for delivery in deliveries_for_api(unit, filters.year):
        shares = sorted(delivery.shares.all(), key=share_order)
        forms = [
            DeliveryShareOut(form=s.form, label=form_label(s.form), share=s.share, note=s.note)
            for s in shares
        ]
        found.append(
            DeliveryOut(
                domain=delivery.domain.code,
                year=delivery.period,
                forms=forms,
                main_form=forms[0].form if forms else None,
                revision=delivery.revision,
                updated_at=delivery.updated_at,
            )
        )
    return found
