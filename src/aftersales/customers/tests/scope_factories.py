"""Scope-harness factories: one row of each scoped customers model inside a given organisation.

Rows are made with the ORM on purpose: the harness tests reading scope, not the services.
"""

import datetime
import itertools

from aftersales.core.validators import vin_check_digit
from aftersales.customers.choices import DocumentKind, MileageSource
from aftersales.customers.models import (
    Customer,
    CustomerAddress,
    CustomerDocument,
    CustomerPhone,
    KeyPartLot,
    MileageReading,
    Vehicle,
    VehicleModel,
    VehicleOwnership,
)
from aftersales.notifications.choices import ConsentChannel, ConsentPurpose, ConsentSource, SuppressionReason
from aftersales.notifications.models import ContactConsent, SmsReply, Suppression

_seq = itertools.count(1)



def _vin(n: int) -> str:
    body = f"LHARN{n:04d}S0{n:06d}"[:17]  # position 10 a model-year code (S)
    body = body[:8] + "0" + body[9:]
    return body[:8] + vin_check_digit(body) + body[9:]


def customer(org):
    n = next(_seq)
    return Customer.objects.create(code=f"HC{n:06d}", name=f"测试客户{n}", owning_dealer=org,
                                   primary_phone=f"+86139{n:08d}")


def phone(org):
    c = customer(org)
    number = c.primary_phone
    return CustomerPhone.objects.create(customer=c, number=number, digits_reversed=number[3:][::-1], is_primary=True)


def address(org):
    return CustomerAddress.objects.create(customer=customer(org), detail="汽车城 1 号", is_primary=True)


def vehicle(org):
    n = next(_seq)
    model, _ = VehicleModel.objects.get_or_create(code="HARNESS", defaults={"name": "测试车型"})
    return Vehicle.objects.create(vin=_vin(n), plate=f"京A{n:05d}", vehicle_model=model, selling_dealer=org,
                                  owner=customer(org))


def ownership(org):
    v = vehicle(org)
    return VehicleOwnership.objects.create(vehicle=v, customer=v.owner, started_on=datetime.date(2025, 1, 1))


def mileage(org):
    return MileageReading.objects.create(vehicle=vehicle(org), reading_km=1000, read_on=datetime.date(2025, 6, 1),
                                         source=MileageSource.CUSTOMER)


def key_part(org):
    return KeyPartLot.objects.create(vehicle=vehicle(org), category="motor", lot_number="L2025-01")


# Consents, suppressions and SMS replies reach an organisation through the customer they concern
# (``via_ids``), so their factories live here, above the notifications app.

def consent(org):
    c = customer(org)
    return ContactConsent.objects.create(contact=c.primary_phone, channel=ConsentChannel.SMS,
                                         purpose=ConsentPurpose.MARKETING, granted=True, source=ConsentSource.FORM,
                                         customer_id=c.pk)


def suppression(org):
    c = customer(org)
    return Suppression.objects.create(contact=c.primary_phone, channel=ConsentChannel.SMS,
                                      reason=SuppressionReason.OPT_OUT, customer_id=c.pk)


def sms_reply(org):
    c = customer(org)
    return SmsReply.objects.create(from_number=c.primary_phone, text="R", is_opt_out=True, customer_id=c.pk)


def document(org):
    from django.core.files.base import ContentFile

    from aftersales.core.attachments.services import attach

    doc = CustomerDocument.objects.create(customer=customer(org), kind=DocumentKind.SERVICE_RECEIPT,
                                          title="维修结算单", organisation=org)
    attach(actor=None, parent=doc, file=ContentFile(b"%PDF-1.4", name="scan.pdf"), kind="scan")  # the scan endpoint
    return doc


FACTORIES = {
    Customer: customer,
    CustomerPhone: phone,
    CustomerAddress: address,
    Vehicle: vehicle,
    VehicleOwnership: ownership,
    MileageReading: mileage,
    KeyPartLot: key_part,
    CustomerDocument: document,
    ContactConsent: consent,
    Suppression: suppression,
    SmsReply: sms_reply,
}
