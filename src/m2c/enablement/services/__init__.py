"""Every write of the enablement app (architecture.md: one typed function per business command)."""

from .certificates import (
    certificate_issue,
    certificate_issue_for_attempt,
    certificate_revoke,
    certificates_sweep,
    sr_assignment_check,
)
from .courses import config_update, course_complete, course_enrol, enrolment_complete_for
from .exams import attempt_answer, attempt_start, attempt_submit, attempts_close_due, is_correct, score_pct

__all__ = [
    "attempt_answer", "attempt_start", "attempt_submit", "attempts_close_due", "certificate_issue",
    "certificate_issue_for_attempt", "certificate_revoke", "certificates_sweep", "config_update", "course_complete",
    "course_enrol", "enrolment_complete_for", "is_correct", "score_pct", "sr_assignment_check",
]
