"""Organisation structure: regions (a tree), organisations, departments, staff, roles, skills."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.core.scoping import ScopeRule

from .choices import DepartmentKind, OrganisationKind, OrganisationStatus, RegionKind, ScopeLevel


class Region(BaseModel):
    """Country → sales region → province → city.  ``path`` ("/1/4/17/") makes a subtree one LIKE query."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("level"), max_length=16, choices=RegionKind.choices)
    parent = models.ForeignKey("self", verbose_name=_("parent region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:region_detail", args=[self.pk])

    def clean(self):
        if self.parent_id and self.pk and (self.parent_id == self.pk or f"/{self.pk}/" in (self.parent.path or "")):
            raise ValidationError({"parent": _("A region cannot sit inside itself.")})

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Skill(BaseModel):
    """What a field engineer or technician can do (dispatch by skill, R-TKT-3)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Organisation(BaseModel):
    """Head office, dealer / 4S store or service station.  ``group`` links sister stores of a dealer group."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations")
    group = models.ForeignKey("self", verbose_name=_("dealer group"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="members")
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=40, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OrganisationStatus.choices,
                              default=OrganisationStatus.ACTIVE)
    opens_weekends = models.BooleanField(_("open at weekends"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(paths=("id",))

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["code"]
        indexes = [models.Index(fields=["region", "kind"], name="org_region_kind")]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("org:organisation_detail", args=[self.pk])

    def clean(self):
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError({"contract_end": _("The contract cannot end before it starts.")})
        if self.group_id and self.pk and self.group_id == self.pk:
            raise ValidationError({"group": _("An organisation cannot be its own group.")})

    def audit_subjects(self) -> dict:
        return {"organisation_id": self.pk}


class Department(BaseModel):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="departments")
    kind = models.CharField(_("type"), max_length=24, choices=DepartmentKind.choices)
    name = models.CharField(_("name"), max_length=60)
    manager = models.ForeignKey("StaffProfile", verbose_name=_("manager"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="managed_departments")
    # The department this one reports to; its manager is the head above this department's manager
    # (escalation: team lead → department manager → head of department, org.selectors.superior_chain).
    parent = models.ForeignKey("self", verbose_name=_("reports to department"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="sub_departments")
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Weekly reports and notices go here."))
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(paths=("organisation",))

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation__code", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="uniq_department_name")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("org:department_detail", args=[self.pk])

    def clean(self):
        if self.manager_id and self.organisation_id and self.manager.organisation_id != self.organisation_id:
            raise ValidationError({"manager": _("The manager must work for the same organisation.")})
        if self.parent_id:
            if self.organisation_id and self.parent.organisation_id != self.organisation_id:
                raise ValidationError({"parent": _("A department reports to a department of the same organisation.")})
            seen, above = {self.pk}, self.parent
            while above is not None:
                if above.pk in seen:
                    raise ValidationError({"parent": _("A department cannot report to itself.")})
                seen.add(above.pk)
                above = above.parent


class Role(BaseModel):
    """One of the nine roles; permissions live on the linked auth group (kept in sync by code)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    scope_level = models.CharField(_("scope"), max_length=16, choices=ScopeLevel.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    group = models.OneToOneField(Group, verbose_name=_("permission group"), on_delete=models.PROTECT, related_name="role")

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        from django.utils.translation import gettext

        return gettext(self.name)


class StaffProfile(BaseModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"), on_delete=models.PROTECT, related_name="staff_profile")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="staff")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="staff")
    employee_code = models.CharField(_("staff code"), max_length=20, unique=True)
    display_name = models.CharField(_("full name"), max_length=40)
    title = models.CharField(_("job title"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), related_name="staff", blank=True)
    regions_covered = models.ManyToManyField(Region, verbose_name=_("regions covered"), blank=True,
                                             related_name="covering_staff")
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="staff")
    team_lead = models.ForeignKey("self", verbose_name=_("team lead"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="team_members")
    # Off while on leave or off the duty roster: assignment and on-duty lists skip the person, but
    # they keep their access (is_active is about the account, this about taking new work).
    available = models.BooleanField(_("available for assignment"), default=True,
                                    help_text=_("Untick while on leave or off the duty roster."))
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(paths=("organisation",))

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["organisation__code", "employee_code"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.employee_code})"

    def get_absolute_url(self) -> str:
        return reverse("org:staff_detail", args=[self.pk])

    def clean(self):
        if self.department_id and self.organisation_id and self.department.organisation_id != self.organisation_id:
            raise ValidationError({"department": _("The department belongs to another organisation.")})
        if self.team_lead_id:
            if self.team_lead_id == self.pk:
                raise ValidationError({"team_lead": _("Nobody is their own team lead.")})
            if self.organisation_id and self.team_lead.organisation_id != self.organisation_id:
                raise ValidationError({"team_lead": _("The team lead must work for the same organisation.")})
