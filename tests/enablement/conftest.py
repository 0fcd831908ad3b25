"""A small exam whose scoring is checked by hand.

Bank "campus-t" holds four questions worth 5 points in all:

=====  ========  ======  ===============
 Q     kind      points  correct options
=====  ========  ======  ===============
 q1    single    1       B
 q2    single    1       A
 q3    multiple  2       A, C
 q4    multiple  1       A, B, D
=====  ========  ======  ===============

The exam draws all four (so every attempt has the same questions, in a random order), allows 30
minutes, has a pass mark of 60 % and grants "campus / pre-sales / professional" for 365 days.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from m2c.core.models import Role
from m2c.enablement.models import Course, Exam, Option, Question, QuestionBank
from tests.factories import OrgUnitFactory, UserFactory
from tests.opportunities.conftest import deal, rates  # noqa: F401 (fixtures of the SR-rule tests)


def make_question(bank: QuestionBank, kind: str, text: str, points: int, options: str, correct: str) -> Question:
    question = Question.objects.create(bank=bank, kind=kind, text=text, points=points, explanation=f"{text}: {correct}")
    for i, letter in enumerate(options, 1):
        Option.objects.create(question=question, position=i, text=f"{text}-{letter}", correct=letter in correct)
    return question


def pick(question: Question, letters: str) -> list[int]:
    """The ids of the options named by their letters (A is the first option)."""
    options = list(question.options.order_by("position"))
    return [options["ABCDEFG".index(letter)].pk for letter in letters]


@pytest.fixture
def exam_world(org: Any, users: Any, lines: Any) -> SimpleNamespace:
    bank = QuestionBank.objects.create(code="campus-t", name="园区题库", offering_line=lines.campus)
    q = SimpleNamespace(
        q1=make_question(bank, "single", "q1", 1, "ABC", "B"),
        q2=make_question(bank, "single", "q2", 1, "AB", "A"),
        q3=make_question(bank, "multiple", "q3", 2, "ABCD", "AC"),
        q4=make_question(bank, "multiple", "q4", 1, "ABCD", "ABD"),
    )
    course = Course.objects.create(code="campus-sr", name="园区网络方案设计", name_en="Campus solution design",
                                   offering_line=lines.campus, role="sr")
    exam = Exam.objects.create(code="campus-pro", name="园区网络售前认证", name_en="Campus pre-sales exam", course=course,
                               question_count=4, duration_minutes=30, pass_mark=Decimal("60"),
                               offering_line=lines.campus, track="presales", level="professional", validity_days=365)
    exam.banks.add(bank)
    enablement_center = OrgUnitFactory(code="east-enablement", name="华东销售赋能中心", type="enablement_center",
                                       parent=org.east)
    manager = UserFactory(username="enable.xu", roles=[Role.SR], org_unit=enablement_center)
    return SimpleNamespace(bank=bank, q=q, course=course, exam=exam, manager=manager, sr=users.sr, lines=lines,
                           org=org, users=users)
