import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load the Korean analyser (about a second and a few hundred MB) at import: with gunicorn --preload
# the workers share it; without, each worker loads it once at start instead of on the first search.
from knowledge.search.tokenizer import warm_up  # noqa: E402

warm_up()
