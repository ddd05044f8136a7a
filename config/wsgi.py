import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load the Korean analyser (about a second and a few hundred MB) at import: with gunicorn --preload
# the workers share it; without, each worker loads it once at start instead of on the first search.
from knowledge.search.tokenizer import warm_up  # noqa: E402

warm_up()

# Choose the search backend now: a database search has no backend for stops the server here, with
# the vendor named, rather than at the first search (knowledge/search/checks.py).
from knowledge.search.backends import get_backend  # noqa: E402

get_backend()
