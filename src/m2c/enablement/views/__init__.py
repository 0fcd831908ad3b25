from .certificates import certificate_list, coverage_page
from .courses import course_detail, course_list
from .exams import attempt_page, exam_detail

__all__ = ["attempt_page", "certificate_list", "course_detail", "course_list", "coverage_page", "exam_detail"]
