"""Django's admin autodiscovery imports `knowledge.admin` only: each part registers its own models."""

from knowledge.calls import admin as calls_admin  # noqa: F401
from knowledge.manuals import admin as manuals_admin  # noqa: F401
from knowledge.search import admin as search_admin  # noqa: F401
