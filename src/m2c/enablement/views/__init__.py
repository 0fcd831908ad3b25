from .authoring import (
    bank_create,
    bank_manage,
    course_create,
    course_manage,
    exam_create,
    exam_manage,
    manage,
    question_edit,
)
from .certificates import certificate_list, coverage_page
from .courses import course_detail, course_list
from .exams import attempt_page, exam_detail

__all__ = [
    "bank_create", "bank_manage", "course_create", "course_manage", "exam_create", "exam_manage", "manage",
    "question_edit","attempt_page", "certificate_list", "course_detail", "course_list", "coverage_page", "exam_detail"]
