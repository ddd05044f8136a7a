from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookclubConfig(AppConfig):
    name = "bookclub"
    verbose_name = _("Book club")
