#!/usr/bin/env bash
# `make run`: database and Redis (or fallbacks), migrations, demo data, web + worker + beat.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
# Users try the application as it will be served: French error pages rather than Django's debug pages
# (DJANGO_DEBUG=true brings those back for development); runserver --insecure still serves static files.
export DJANGO_DEBUG=${DJANGO_DEBUG:-false}
export DJANGO_LOG_JSON=${DJANGO_LOG_JSON:-false}
if [ "$HOST" = "0.0.0.0" ]; then default_hosts="*"; else default_hosts="localhost,127.0.0.1,[::1],${HOST}"; fi
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-$default_hosts}

eval "$($PY scripts/services.py)"
$PY manage.py migrate --noinput
$PY manage.py seed_demo

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
mkdir -p var/log
if [ -n "${REDIS_URL}" ]; then
  .venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 >var/log/worker.log 2>&1 &
  pids+=($!)
  .venv/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/log/beat.log 2>&1 &
  pids+=($!)
  echo "Worker et beat Celery lancés (journaux dans var/log/)."
else
  echo "Redis absent : les tâches s'exécutent dans le processus web (pas de worker ni de beat)."
fi

cat <<TXT

  Pilotage NPRU est prêt : http://${HOST}:${PORT}/
  Comptes de démonstration : voir le tableau ci-dessus (mot de passe commun affiché).
  Arrêt : Ctrl-C.

TXT
$PY manage.py runserver --insecure "${HOST}:${PORT}"
