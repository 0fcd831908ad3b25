"""Forms of the public registration page, the check-in page and the invitation page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegistrationForm(forms.Form):
    """The public sign-up form. ``website`` is the honeypot: people leave it empty."""

    name = forms.CharField(label=_("Your name"), max_length=120)
    company = forms.CharField(label=_("Company"), max_length=200)
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    email = forms.EmailField(label=_("Work email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    consent = forms.BooleanField(label=_("I agree that my details are used to organise this event and to contact me "
                                         "about it."), required=True)
    marketing_email = forms.BooleanField(label=_("Send me invitations to future events (optional)."), required=False)
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in ("consent", "marketing_email"):
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs.setdefault("class", "form-control")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("email") or data.get("phone")):
            raise forms.ValidationError(_("Leave an email or a mobile number so we can reach you."))
        return data


class CheckInForm(forms.Form):
    code = forms.CharField(label=pgettext_lazy("registration", "Check-in code"), max_length=200, widget=forms.TextInput(
        attrs={"class": "form-control form-control-lg", "autofocus": True, "autocomplete": "off",
               "inputmode": "text", "enterkeyhint": "go"}))


class InviteForm(forms.Form):
    targets = forms.CharField(
        label=_("Target list"), max_length=200_000, widget=forms.Textarea(attrs={"class": "form-control", "rows": 8}),
        help_text=_("One person per line: email, name, company, language (zh or en). Only the email is required."))

    def target_rows(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data["targets"].splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not parts or not parts[0]:
                continue
            parts += [""] * (4 - len(parts))
            rows.append({"email": parts[0], "name": parts[1], "company": parts[2], "language": parts[3]})
        return rows
