"""Courses per offering line and role, their materials, and who enrolled and completed them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import BilingualNameMixin, OfferingLine, OrgUnit, TrackedModel

from ..states import Audience, ContentStatus, CourseRole, EnrolmentStatus, MaterialKind


class Course(BilingualNameMixin, TrackedModel):
    """A course for one role on one offering line. ``org_unit`` blank: offered to the whole company;
    otherwise to that unit's subtree (an enablement center's region)."""

    code = models.SlugField(pgettext_lazy("record", "code"), max_length=40, unique=True)
    offering_line = models.ForeignKey(OfferingLine, on_delete=models.PROTECT, related_name="courses",
                                      verbose_name=_("offering line"))
    role = models.CharField(_("role"), max_length=20, choices=CourseRole.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="courses",
                                 verbose_name=_("offered by"))
    description = models.TextField(_("description"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    # Rows made outside the authoring services (demo data, fixtures) are live; ``course_create`` drafts.
    status = models.CharField(_("status"), max_length=10, choices=ContentStatus.choices,
                              default=ContentStatus.PUBLISHED)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["offering_line__code", "role", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=CourseRole.values), name="course_role_valid"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="course_hours_not_negative"),
            models.CheckConstraint(condition=Q(status__in=ContentStatus.values), name="course_status_valid"),
        ]


def material_path(instance: CourseMaterial, filename: str) -> str:
    return f"enablement/materials/{instance.course_id}/{filename}"


class CourseMaterial(models.Model):
    """A file, a link, or a marketing asset of the campaigns asset library (by id).

    TODO(asset library): the asset library is being built in campaigns on another branch; until a
    ``campaigns.selectors`` reader of assets exists here, an asset material keeps the asset's id and a URL.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials", verbose_name=_("course"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices)
    title = models.CharField(pgettext_lazy("record", "title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=material_path, blank=True, max_length=300)
    asset_id = models.UUIDField(_("asset"), null=True, blank=True)

    class Meta:
        verbose_name = _("course material")
        verbose_name_plural = _("course materials")
        ordering = ["course", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="link") | ~Q(url=""), name="material_link_has_url"),
            models.CheckConstraint(condition=~Q(kind="asset") | Q(asset_id__isnull=False), name="material_asset_has_id"),
        ]

    def __str__(self) -> str:
        return self.title


class Enrolment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("course"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments",
                             verbose_name=_("user"))
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.ENROLLED)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="enrolment_once_per_course"),
            models.CheckConstraint(condition=Q(status__in=EnrolmentStatus.values), name="enrolment_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"
