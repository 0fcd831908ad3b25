from .certificates import Certificate, EnablementConfig
from .courses import Course, CourseMaterial, Enrolment
from .exams import Attempt, AttemptQuestion, Exam, Option, Question, QuestionBank

__all__ = ["Attempt", "AttemptQuestion", "Certificate", "Course", "CourseMaterial", "EnablementConfig", "Enrolment",
           "Exam", "Option", "Question", "QuestionBank"]
