"""Forms of the marketing asset library. They parse input; ``services.asset_*`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DateField, M2CForm
from m2c.core.models import Role, User
from m2c.core.selectors import offering_line_list

from .models import AssetLanguage, AssetType, JourneyStage


def _owner_options() -> Any:
    return User.objects.filter(is_active=True, groups__name__in=[Role.MARKETING, Role.ADMINISTRATOR]).distinct().order_by(
        "username")


class AssetForm(M2CForm):
    title = forms.CharField(label=pgettext_lazy("record", "Title"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    asset_type = forms.ChoiceField(label=_("Type"), choices=AssetType.choices)
    language = forms.ChoiceField(label=_("Language"), choices=AssetLanguage.choices)
    offering_line = forms.ModelChoiceField(label=_("Offering line"), queryset=None)
    journey_stage = forms.ChoiceField(label=_("Buyer journey stage"), choices=JourneyStage.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    review_due = DateField(label=_("Review due"))
    tags = forms.CharField(label=_("Tags"), max_length=300, required=False,
                           help_text=_("Words in either language, separated by commas."))
    summary = forms.CharField(label=_("Summary"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    summary_en = forms.CharField(label=_("Summary in English"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("PDF, PPTX, DOCX, XLSX, MP4, JPG or PNG; each upload becomes a new version."))

    WIDE = ("title", "title_en", "summary", "summary_en", "tags")

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["file"]
        self.fields["offering_line"].queryset = offering_line_list()
        self.fields["offering_line"].label_from_instance = lambda line: line.label
        self.fields["owner"].queryset = _owner_options()
        self.fields["owner"].label_from_instance = lambda user: str(user)

    def service_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "file"}
        if changed_only:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class AssetVersionForm(M2CForm):
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class AssetPublishForm(M2CForm):
    review_due = DateField(label=_("Next review due"), required=False)


class AssetLinkForm(M2CForm):
    asset = forms.ModelChoiceField(label=_("Asset"), queryset=None)
    purpose = forms.CharField(label=_("Used for"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .asset_selectors import linkable_assets

        self.fields["asset"].queryset = linkable_assets()
        self.fields["asset"].label_from_instance = lambda a: f"{a.title} · {a.get_asset_type_display()} · {a.get_language_display()}"
