"""What each role may do in the customer archive (synced onto the role groups after migrate)."""

from aftersales.org.roles import grant

_ARCHIVE = ["customer", "vehicle", "customerdocument"]


def _perms(actions, models):
    return [f"customers.{a}_{m}" for a in actions for m in models]


grant("manager", ["customers.view_*", "customers.export_customer", "customers.approve_customer_export"])
# Call-centre agents and dealer staff export their own lists (reminder campaigns, a store's follow-up
# list); above 1,000 rows that goes through a manager's approval, since neither may approve
# (issue 7 item 13: with only approvers exporting, the approval rule never fired).
for _role in ("agent", "dealer"):
    grant(_role, ["customers.export_customer"])
grant("agent", _perms(["view", "add", "change"], _ARCHIVE) + ["customers.view_vehiclemodel"])
for _role in ("advisor", "dealer"):
    grant(_role, _perms(["view", "add", "change"], [*_ARCHIVE, "mileagereading"])
          + _perms(["view"], ["vehiclemodel", "customerphone", "customeraddress", "vehicleownership", "keypartlot"]))
grant("technician", ["customers.view_customer", "customers.view_vehicle"])
grant("engineer", ["customers.view_customer", "customers.view_vehicle", "customers.view_vehiclemodel"])
grant("quality", ["customers.view_vehicle", "customers.view_vehiclemodel", "customers.view_keypartlot"])
grant("parts", ["customers.view_vehiclemodel"])
