"""The insight tests reuse the opportunities fixtures: a requirement is raised from a real lost deal."""

from tests.opportunities.conftest import deal, rates  # noqa: F401
