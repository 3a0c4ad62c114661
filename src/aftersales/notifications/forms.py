from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import ServiceModelForm, style_form

from .models import ContactConsent, SmsTemplate, Suppression


class SmsTemplateForm(ServiceModelForm):
    class Meta:
        model = SmsTemplate
        fields = ["code", "name", "category", "provider_template_id", "signature", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class ContactConsentForm(ServiceModelForm):
    granted = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "1",
        choices=[("1", _("Granted")), ("0", _("Withdrawn / refused"))],
    )

    class Meta:
        model = ContactConsent
        fields = ["contact", "channel", "purpose", "granted", "source", "note"]


class SuppressionForm(ServiceModelForm):
    class Meta:
        model = Suppression
        fields = ["contact", "channel", "reason", "note"]


class LiftSuppressionForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300,
                           help_text=_("Why this contact point may receive messages again."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

