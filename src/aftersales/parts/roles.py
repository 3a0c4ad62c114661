"""What each role may do with parts master data (synced onto the role groups after migrate)."""

from aftersales.org.roles import grant

_READ = ["parts.view_part", "parts.view_supplier", "parts.view_monitoredpartcategory"]

grant("parts", ["parts.view_*", "parts.add_part", "parts.change_part", "parts.add_supplier", "parts.change_supplier"])
grant("quality", [*_READ, "parts.change_monitoredpartcategory"])
grant("manager", ["parts.view_*"])
for role in ("agent", "advisor", "technician", "engineer", "dealer"):
    grant(role, _READ)
