"""The wellbeing fixed clock (Monday 2026-11-16, Seoul) for the notice-related ops tests."""

from tests.wellbeing.conftest import clock  # noqa: F401
