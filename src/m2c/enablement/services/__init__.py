"""Every write of the enablement app (architecture.md: one typed function per business command)."""

from .authoring import (
    bank_create,
    bank_update,
    course_create,
    course_publish,
    course_retire,
    course_update,
    material_add,
    material_remove,
    question_save,
)
from .certificates import (
    certificate_issue,
    certificate_issue_for_attempt,
    certificate_revoke,
    certificates_sweep,
    sr_assignment_check,
)
from .courses import config_update, course_complete, course_enrol, enrolment_complete_for
from .exam_authoring import exam_create, exam_publish, exam_retire, exam_update
from .exams import attempt_answer, attempt_start, attempt_submit, attempts_close_due, is_correct, score_pct

__all__ = [
    "bank_create", "bank_update", "course_create", "course_publish", "course_retire", "course_update",
    "exam_create", "exam_publish", "exam_retire", "exam_update", "material_add", "material_remove", "question_save",
    "attempt_answer", "attempt_start", "attempt_submit", "attempts_close_due", "certificate_issue",
    "certificate_issue_for_attempt", "certificate_revoke", "certificates_sweep", "config_update", "course_complete",
    "course_enrol", "enrolment_complete_for", "is_correct", "score_pct", "sr_assignment_check",
]
