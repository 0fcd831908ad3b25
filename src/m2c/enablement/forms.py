"""Forms of the authoring pages. They parse input; ``services.authoring`` / ``services.exam_authoring`` decide
(the code, the option rules, the pass mark range…), and their errors are shown beside the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.campaigns import asset_selectors
from m2c.core.forms import DecimalField, M2CForm
from m2c.core.models import OrgUnit
from m2c.core.roles import is_administrator
from m2c.core.selectors import offering_line_list, org_unit_list

from . import selectors
from .models import Course, QuestionBank
from .states import Audience, CourseRole, Level, MaterialKind, QuestionKind, Track

OPTION_ROWS = 6


def _lines(field: forms.ModelChoiceField) -> None:
    field.queryset = offering_line_list()
    field.label_from_instance = lambda line: line.label


class _Authoring(M2CForm):
    CREATE_ONLY: tuple[str, ...] = ("code", "org_unit")

    def __init__(self, *args: Any, user: Any = None, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if "offering_line" in self.fields:
            _lines(self.fields["offering_line"])
        if not creating:
            for name in self.CREATE_ONLY:
                self.fields.pop(name, None)
        elif "org_unit" in self.fields:
            if not is_administrator(user):
                del self.fields["org_unit"]  # an author's records are offered by their region
            else:
                self.fields["org_unit"].queryset = org_unit_list().filter(
                    type__in=(OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE))
                self.fields["org_unit"].label_from_instance = lambda unit: unit.label

    def service_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if changed_only:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class CourseForm(_Authoring):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits and hyphens."))
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200, required=False)  # the service says
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    offering_line = forms.ModelChoiceField(label=_("Offering line"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=CourseRole.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.INTERNAL)
    hours = DecimalField(label=_("Hours"), max_digits=5, decimal_places=1, initial=0)
    org_unit = forms.ModelChoiceField(label=_("Offered by"), queryset=OrgUnit.objects.none(), required=False,
                                      help_text=_("Blank: the whole company."))
    description = forms.CharField(label=_("Description"), max_length=10000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    WIDE = ("description",)


class MaterialForm(M2CForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(MaterialKind.ASSET, MaterialKind.ASSET.label),
                                                      (MaterialKind.LINK, MaterialKind.LINK.label)])
    asset = forms.ChoiceField(label=_("Marketing asset"), required=False)
    title = forms.CharField(label=pgettext_lazy("record", "Title"), max_length=200, required=False,
                            help_text=_("Blank for an asset: its own title."))
    url = forms.CharField(label=_("Link"), max_length=500, required=False)

    def __init__(self, *args: Any, course: Course | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assets = asset_selectors.asset_list(published_only=True,
                                            offering_line=course.offering_line if course is not None else "")
        self.fields["asset"].choices = [("", "—")] + [(str(a.pk), a.title) for a in assets[:300]]


class BankForm(_Authoring):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits and hyphens."))
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200, required=False)  # the service says
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    offering_line = forms.ModelChoiceField(label=_("Offering line"), queryset=None, required=False)
    org_unit = forms.ModelChoiceField(label=_("Kept by"), queryset=OrgUnit.objects.none(), required=False,
                                      help_text=_("Blank: the whole company."))


class QuestionForm(M2CForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    points = forms.IntegerField(label=_("Points"), initial=1)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    text = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    explanation = forms.CharField(label=_("Explanation"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Shown with the answers once an attempt is closed."))

    WIDE = ("text", "explanation")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, OPTION_ROWS + 1):
            self.fields[f"option_{i}"] = forms.CharField(label=_("Option %(n)s") % {"n": i}, max_length=500,
                                                         required=False)
            self.fields[f"correct_{i}"] = forms.BooleanField(label=_("Correct"), required=False)
        for name, field in self.fields.items():
            if name.startswith(("option_", "correct_")):
                field.widget.attrs.setdefault("class", "form-check-input" if name.startswith("correct_")
                                              else "form-control")

    def options(self) -> list[tuple[str, bool]]:
        return [(self.cleaned_data.get(f"option_{i}") or "", bool(self.cleaned_data.get(f"correct_{i}")))
                for i in range(1, OPTION_ROWS + 1)]

    def option_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"option_{i}"], self[f"correct_{i}"]) for i in range(1, OPTION_ROWS + 1)]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("kind", "points", "active", "text", "explanation")]

    @staticmethod
    def initial_of(question: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"kind": question.kind, "points": question.points, "active": question.active,
                                   "text": question.text, "explanation": question.explanation}
        for i, option in enumerate(question.options.all(), 1):
            initial[f"option_{i}"] = option.text
            initial[f"correct_{i}"] = option.correct
        return initial


class ExamForm(_Authoring):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits and hyphens."))
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200, required=False)  # the service says
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none(), required=False)
    banks = forms.ModelMultipleChoiceField(label=_("Question banks"), queryset=QuestionBank.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    question_count = forms.IntegerField(label=_("Questions per attempt"), initial=10)
    duration_minutes = forms.IntegerField(label=_("Time allowed (minutes)"), initial=30)
    pass_mark = DecimalField(label=_("Pass mark (%)"), max_digits=6, decimal_places=2, initial=60)
    max_attempts = forms.IntegerField(label=_("Attempts allowed"), required=False, help_text=_("Blank: no limit."))
    retake_wait_days = forms.IntegerField(label=_("Days to wait before a retake"), initial=0)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.INTERNAL)
    offering_line = forms.ModelChoiceField(label=_("Certificate offering line"), queryset=None, required=False,
                                           help_text=_("Blank: the exam grants no certificate."))
    track = forms.ChoiceField(label=_("Certificate track"), choices=[("", "—"), *Track.choices], required=False)
    level = forms.ChoiceField(label=_("Certificate level"), choices=[("", "—"), *Level.choices], required=False)
    validity_days = forms.IntegerField(label=_("Certificate valid for (days)"), initial=730)
    org_unit = forms.ModelChoiceField(label=_("Offered by"), queryset=OrgUnit.objects.none(), required=False,
                                      help_text=_("Blank: the whole company."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.authored_courses(self.user)
        self.fields["course"].label_from_instance = lambda course: f"{course.code} · {course.label}"
        self.fields["banks"].queryset = selectors.authored_banks(self.user)
        self.fields["banks"].label_from_instance = lambda bank: f"{bank.label} ({bank.question_count})"

    @staticmethod
    def initial_of(exam: Any) -> dict[str, Any]:
        initial = {name: getattr(exam, name) for name in (
            "name", "name_en", "course", "question_count", "duration_minutes", "pass_mark", "max_attempts",
            "retake_wait_days", "audience", "offering_line", "track", "level", "validity_days")}
        initial["banks"] = list(exam.banks.all())
        return initial
