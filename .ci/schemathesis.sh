#!/usr/bin/env bash
# Schemathesis against a live server with the demo data: every operation of the API schema, as an
# agent and as a manager (with TOTP), `--checks all`, bounded by FUZZ_SECONDS per role (default 75).
# Fails on any 5xx (and any traceback in the server log); the other checks' findings are printed
# with their counts. Usage: .ci/schemathesis.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-8765}"
SECONDS_PER_ROLE="${FUZZ_SECONDS:-75}"
PY=.venv/bin/python
WORK=var/fuzz
rm -rf "$WORK" && mkdir -p "$WORK"
export DATABASE_URL="sqlite:///$PWD/$WORK/db.sqlite3" CELERY_BROKER_URL=memory:// DEBUG=0 \
  DASAN_PRODUCTION=0 SECURE_COOKIES=0 CACHE_URL=locmemcache://fuzz \
  STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage \
  EMAIL_URL=dummymail:// API_TOKEN_RATE=100000/min  # the fuzzer is one client sending thousands of requests
# Tasks run in the web process: the fuzz run has no worker.
export CELERY_TASK_ALWAYS_EAGER=1

$PY manage.py migrate --noinput -v0
# The demo organisation, manuals, book club and wellbeing (the call-data and report demos take
# minutes and add no operation).
$PY manage.py shell -v0 -c "
import accounts.demo, knowledge.manuals.demo, bookclub.demo, wellbeing.demo
for m in (accounts.demo, knowledge.manuals.demo, bookclub.demo, wellbeing.demo):
    m.seed(stdout=None)
" >/dev/null
$PY manage.py spectacular --file "$WORK/schema.yaml" --validate
read -r AGENT_TOKEN MANAGER_TOKEN < <($PY manage.py shell -v0 -c "
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from accounts import services
from accounts.models import Role, User
agent = User.objects.filter(role=Role.AGENT, is_active=True).order_by('pk').first()
manager = User.objects.filter(role=Role.MANAGER, is_active=True).order_by('pk').first()
if not Authenticator.objects.filter(user=manager, type='totp').exists():
    TOTP.activate(manager, generate_totp_secret())
print(services.api_token_create(user=agent, name='fuzz')[1], services.api_token_create(user=manager, name='fuzz')[1])
")

GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY=2 WEB_THREADS=4 \
  .venv/bin/gunicorn -c config/gunicorn.py config.wsgi --access-logfile /dev/null >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" 2>/dev/null && break; sleep 1; done

status=0
for role in agent manager; do
  token=$AGENT_TOKEN; [ "$role" = manager ] && token=$MANAGER_TOKEN
  echo "--- as $role"
  .venv/bin/schemathesis --config-file .ci/schemathesis.toml run "$WORK/schema.yaml" --url "http://127.0.0.1:$PORT" \
    -H "Authorization: Bearer $token" --checks all --max-time "$SECONDS_PER_ROLE" --workers 2 \
    --exclude-path /api/v1/auth/token/ --request-timeout 30 --suppress-health-check all \
    --report ndjson --report-dir "$WORK/$role" --generation-database none --no-color "${@:2}" \
    | tee "$WORK/$role.log" | sed -n '/^=* SUMMARY/,$p' || true
done
echo "--- responses by status (both roles):"
grep -ho '"status_code":[0-9]*' "$WORK"/*/*.ndjson | cut -d: -f2 | sort | uniq -c
# Any 5xx at all fails the run, whatever the checks said.
if grep -h '"status_code": *5[0-9][0-9]' "$WORK"/*/*.ndjson 2>/dev/null | head -1 | grep -q .; then
  echo "server errors in the schemathesis run"; status=1
fi
if grep -q "Internal Server Error" "$WORK/server.log"; then echo "server errors in $WORK/server.log"; status=1; fi
[ $status -eq 0 ] && echo "schemathesis: no server error"
exit $status
