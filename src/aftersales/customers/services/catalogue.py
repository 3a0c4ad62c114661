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


def warranty_policy_update(policy: WarrantyPolicy, *, actor, data: dict, m2m: dict | None = None,
                           expected_version: int | None = None) -> WarrantyPolicy:
    return core_services.update_object(policy, actor=actor, data=data, expected_version=expected_version,
                                       action="customers.warrantypolicy.updated")


def maintenance_plan_update(plan: MaintenancePlan, *, actor, data: dict, m2m: dict | None = None,
                            expected_version: int | None = None) -> MaintenancePlan:
    return core_services.update_object(plan, actor=actor, data=data, expected_version=expected_version,
                                       action="customers.maintenanceplan.updated")


@transaction.atomic
def part_term_set(*, actor, policy: WarrantyPolicy, category: str, months: int, km: int) -> PartWarrantyTerm:
    """Add or change the term of one part category (e.g. battery 96 months / 150,000 km)."""
    term = PartWarrantyTerm.objects.filter(policy=policy, category=category).first()
    if term is None:
        return core_services.create_object(PartWarrantyTerm, actor=actor, action="customers.partterm.created",
                                           data={"policy": policy, "category": category, "months": months, "km": km})
    return core_services.update_object(term, actor=actor, data={"months": months, "km": km},
                                       action="customers.partterm.updated")

