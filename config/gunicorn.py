"""gunicorn settings for the web process: `gunicorn -c config/gunicorn.py config.wsgi` (Procfile).

The load test (bench/load/run.py) starts gunicorn with this file too, so what is measured is what
runs. Environment: PORT, WEB_BIND_ADDRESS (default 127.0.0.1: only the reverse proxy on this host
reaches gunicorn), GUNICORN_BIND (a full bind, overrides both), WEB_CONCURRENCY (processes),
WEB_THREADS (threads per process), TRUSTED_PROXIES (who may set X-Forwarded-*).
"""

import multiprocessing
import os

bind = (
    os.environ.get("GUNICORN_BIND")
    or f"{os.environ.get('WEB_BIND_ADDRESS') or '127.0.0.1'}:{os.environ.get('PORT', '8000')}"
)
# X-Forwarded-Proto and friends are believed only from the trusted proxies, the same list Django
# uses for X-Forwarded-For (config.clientip); by default the proxy on this host.
forwarded_allow_ips = ",".join(
    p.strip() for p in (os.environ.get("TRUSTED_PROXIES") or "127.0.0.1,::1").split(",") if p.strip()
)
# Threads overlap each request's database and Redis round trips; processes use the cores. On two
# cores 3 × 4 served the load test best (4 × 2 and 6 × 1 did worse).
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("WEB_THREADS") or 4)
worker_class = "gthread"
# Kiwi's model (~0.5 GB) and Django load once in the master; workers share the pages.
preload_app = True
# Longer than the proxy's idle timeout, so the proxy never reuses a connection gunicorn just closed.
keepalive = 30
# A starved machine must slow requests down, not have the arbiter kill busy workers.
timeout = 120
graceful_timeout = 30
accesslog = "-"

# /metrics adds up every process's counters (prometheus_client's multiprocess mode): each process
# writes them under PROMETHEUS_MULTIPROC_DIR. Set before the app loads; emptied at every start, as
# prometheus_client requires (the files of a previous run would be counted again).
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(
        os.environ.get("DASAN_VAR_DIR") or os.path.join(os.path.dirname(__file__), "..", "var"), "prometheus"
    ),
)
os.makedirs(_metrics_dir, exist_ok=True)
for _name in os.listdir(_metrics_dir):
    if _name.endswith(".db"):
        os.remove(os.path.join(_metrics_dir, _name))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
