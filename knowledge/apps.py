from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from .search.checks import search_backend_check

        checks.register(search_backend_check)
