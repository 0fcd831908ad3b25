"""Configuration screens: courses with materials, question banks with questions and options, exams, the
settings record. Attempts and certificates change only through their commands; the admin shows them."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from m2c.core.admin import ReadOnlyAdmin

from .models import (
    Attempt,
    Certificate,
    Course,
    CourseMaterial,
    EnablementConfig,
    Exam,
    Option,
    Question,
    QuestionBank,
)


class MaterialInline(admin.TabularInline):
    model = CourseMaterial
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "offering_line", "role", "audience", "org_unit", "status"]
    list_filter = ["offering_line", "role", "audience", "status"]
    search_fields = ["code", "name", "name_en"]
    inlines = [MaterialInline]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["kind", "text", "points", "active"]
    show_change_link = True


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "offering_line", "org_unit"]
    inlines = [QuestionInline]


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "bank", "kind", "points", "active"]
    list_filter = ["bank", "kind", "active"]
    inlines = [OptionInline]


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "question_count", "duration_minutes", "pass_mark", "offering_line", "track",
                    "level", "status"]
    filter_horizontal = ["banks"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["exam", "user", "number", "status", "started_at", "deadline", "score_pct", "passed"]
    list_filter = ["status", "exam"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "holder_user", "holder_name", "offering_line", "track", "level", "valid_from",
                    "valid_to", "status"]
    list_filter = ["status", "offering_line", "track", "level"]
    search_fields = ["number", "holder_name", "holder_user__username"]


@admin.register(EnablementConfig)
class EnablementConfigAdmin(admin.ModelAdmin):
    """The SR-certification rule (off / warning / hard block) and the expiry notice."""

    list_display = ["__str__", "sr_rule", "expiry_notice_days"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from .services import config_update  # the change is recorded as an event, like any other

        config_update(actor=request.user, sr_rule=obj.sr_rule, expiry_notice_days=obj.expiry_notice_days)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
