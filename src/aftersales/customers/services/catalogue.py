"""Vehicle models with their warranty policy, per-part terms and maintenance plan (R-CUS-2, R-WS-5).

Reference data every organisation shares; a model is created together with its policy and plan so
warranty and 首保 / 定保 dates can always be computed.
"""

from __future__ import annotations

from django.db import transaction

from aftersales.core import services as core_services

from ..models import (
    MaintenancePlan,
    PartWarrantyTerm,
    VehicleModel,
    WarrantyPolicy,
)


@transaction.atomic
def vehicle_model_create(*, actor, data: dict, m2m: dict | None = None, policy: dict | None = None,
                         plan: dict | None = None, part_terms: dict[str, tuple[int, int]] | None = None) -> VehicleModel:
    """A model always gets a warranty policy and a maintenance plan (defaults: 3y/60,000 km; 3m/3,000 km)."""
    model = core_services.create_object(VehicleModel, actor=actor, data=data, action="customers.vehiclemodel.created")
    policy_obj = core_services.create_object(WarrantyPolicy, actor=actor, data={"vehicle_model": model, **(policy or {})},
                                             action="customers.warrantypolicy.created")
    core_services.create_object(MaintenancePlan, actor=actor, data={"vehicle_model": model, **(plan or {})},
                                action="customers.maintenanceplan.created")
    for category, (months, km) in (part_terms or {}).items():
        part_term_set(actor=actor, policy=policy_obj, category=category, months=months, km=km)
    return model


def vehicle_model_update(model: VehicleModel, *, actor, data: dict, m2m: dict | None = None,
                         expected_version: int | None = None) -> VehicleModel:
    return core_services.update_object(model, actor=actor, data=data, expected_version=expected_version,
                                       action="customers.vehiclemodel.updated")


@transaction.atomic
def vehicle_model_terms_save(*, actor, model: VehicleModel, which: str, data: dict,
                             expected_version: int | None = None) -> WarrantyPolicy | MaintenancePlan:
    """Save the model's warranty policy (``which="policy"``) or maintenance plan (``"plan"``). A model
    made outside ``vehicle_model_create`` (the Django admin, a database load) may lack them: the first
    save creates the row, audited like any other, instead of the terms page failing."""
    model_cls, created, updated = {
        "policy": (WarrantyPolicy, "customers.warrantypolicy.created", "customers.warrantypolicy.updated"),
        "plan": (MaintenancePlan, "customers.maintenanceplan.created", "customers.maintenanceplan.updated"),
    }[which]
    current = model_cls.objects.filter(vehicle_model=model).first()
    if current is None:
        return core_services.create_object(model_cls, actor=actor, data={"vehicle_model": model, **data}, action=created)
    return core_services.update_object(current, actor=actor, data=data, expected_version=expected_version,
                                       action=updated)


@transaction.atomic
def vehicle_model_part_term_set(*, actor, model: VehicleModel, category: str, months: int, km: int) -> PartWarrantyTerm:
    """A per-part term of the model's policy; a model without a policy gets one with the defaults in
    the same transaction (a refused term leaves neither behind)."""
    policy = (WarrantyPolicy.objects.filter(vehicle_model=model).first()
              or vehicle_model_terms_save(actor=actor, model=model, which="policy", data={}))
    return part_term_set(actor=actor, policy=policy, category=category, months=months, km=km)


@transaction.atomic
def part_term_set(*, actor, policy: WarrantyPolicy, category: str, months: int, km: int) -> PartWarrantyTerm:
    """Add or change the term of one part category (e.g. battery 96 months / 150,000 km)."""
    term = PartWarrantyTerm.objects.filter(policy=policy, category=category).first()
    if term is None:
        return core_services.create_object(PartWarrantyTerm, actor=actor, action="customers.partterm.created",
                                           data={"policy": policy, "category": category, "months": months, "km": km})
    return core_services.update_object(term, actor=actor, data={"months": months, "km": km},
                                       action="customers.partterm.updated")

