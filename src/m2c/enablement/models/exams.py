"""Question banks, exams drawn from them, and timed attempts."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import BilingualNameMixin, OfferingLine, OrgUnit, TrackedModel

from ..states import AttemptStatus, Audience, ContentStatus, Level, QuestionKind, Track
from .courses import Course


class QuestionBank(BilingualNameMixin, TrackedModel):
    code = models.SlugField(pgettext_lazy("record", "code"), max_length=40, unique=True)
    offering_line = models.ForeignKey(OfferingLine, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="question_banks", verbose_name=_("offering line"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="question_banks", verbose_name=_("kept by"))

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["code"]


class Question(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions",
                             verbose_name=_("question bank"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    text = models.TextField(_("question"))
    explanation = models.TextField(_("explanation"), blank=True)
    points = models.PositiveSmallIntegerField(_("points"), default=1, validators=[MinValueValidator(1)])
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=1), name="question_points_positive"),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options",
                                 verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("answer"), max_length=500)
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Exam(BilingualNameMixin, TrackedModel):
    """An exam draws ``question_count`` questions at random from its banks for each attempt.

    Passing it (score ≥ ``pass_mark`` percent) issues the certificate it grants, when it grants one:
    ``offering_line`` × ``track`` × ``level``, valid ``validity_days`` days from the day of passing.
    """

    code = models.SlugField(pgettext_lazy("record", "code"), max_length=40, unique=True)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="exams",
                               verbose_name=_("course"))
    banks = models.ManyToManyField(QuestionBank, related_name="exams", verbose_name=_("question banks"))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="exams",
                                 verbose_name=_("offered by"))
    question_count = models.PositiveSmallIntegerField(_("questions per attempt"), default=10,
                                                      validators=[MinValueValidator(1)])
    duration_minutes = models.PositiveSmallIntegerField(_("time allowed (minutes)"), default=30,
                                                        validators=[MinValueValidator(1)])
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal(60),
                                    validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))])
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), null=True, blank=True,
                                                    help_text=_("Blank: no limit."))
    retake_wait_days = models.PositiveSmallIntegerField(_("days to wait before a retake"), default=0)
    offering_line = models.ForeignKey(OfferingLine, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="exams", verbose_name=_("certificate offering line"))
    track = models.CharField(_("certificate track"), max_length=10, choices=Track.choices, blank=True)
    level = models.CharField(_("certificate level"), max_length=12, choices=Level.choices, blank=True)
    validity_days = models.PositiveIntegerField(_("certificate valid for (days)"), default=730,
                                                validators=[MinValueValidator(1)])
    # Rows made outside the authoring services (demo data, fixtures) are live; ``exam_create`` drafts.
    status = models.CharField(_("status"), max_length=10, choices=ContentStatus.choices,
                              default=ContentStatus.PUBLISHED)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__gte=0, pass_mark__lte=100), name="exam_pass_mark_range"),
            models.CheckConstraint(condition=Q(question_count__gte=1), name="exam_questions_positive"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="exam_duration_positive"),
            models.CheckConstraint(condition=Q(status__in=ContentStatus.values), name="exam_status_valid"),
            models.CheckConstraint(
                condition=Q(offering_line__isnull=True, track="", level="")
                | (Q(offering_line__isnull=False) & ~Q(track="") & ~Q(level="")),
                name="exam_grants_whole_certificate",
            ),
        ]

    @property
    def grants_certificate(self) -> bool:
        return self.offering_line_id is not None


class Attempt(models.Model):
    """One sitting of an exam. The server fixes ``deadline`` at the start; answers after it are refused."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("exam"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exam_attempts",
                             verbose_name=_("candidate"))
    number = models.PositiveSmallIntegerField(_("attempt number"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=AttemptStatus.choices,
                              default=AttemptStatus.IN_PROGRESS)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    points = models.PositiveIntegerField(_("points"), default=0)
    max_points = models.PositiveIntegerField(_("maximum points"), default=0)
    score_pct = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status", "deadline"], name="attempt_open_deadline_idx")]
        constraints = [
            models.UniqueConstraint(fields=["exam", "user", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(fields=["exam", "user"], condition=Q(status="IN_PROGRESS"),
                                    name="attempt_one_open_per_exam"),
            models.CheckConstraint(condition=Q(deadline__gt=models.F("started_at")), name="attempt_deadline_after_start"),
            models.CheckConstraint(condition=Q(status__in=AttemptStatus.values), name="attempt_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.exam.code} #{self.number} {self.user}"


class AttemptQuestion(models.Model):
    """A question drawn for an attempt, in the order shown, with the options the candidate chose."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions",
                                verbose_name=_("exam attempt"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("position"))
    selected = models.JSONField(_("chosen answers"), default=list, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    correct = models.BooleanField(_("correct"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_once")]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.position}"
