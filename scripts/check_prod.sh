#!/usr/bin/env bash
# The production settings as the Docker image uses them: `collectstatic` with the hashed, compressed
# storage (a vendored file pointing to a missing source map fails it, and then every page fails on
# "Missing staticfiles manifest entry"), then `check --deploy` with warnings as errors.
# Secrets are dummies: nothing here connects to a database or sends mail.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
STATIC_DIR="$(mktemp -d)"
trap 'rm -rf "$STATIC_DIR"' EXIT

export DJANGO_SETTINGS_MODULE=config.settings.prod
export DJANGO_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=pilotage.example.fr
export DATABASE_URL=postgres://build@localhost/build
export NPRU_STATIC_ROOT="$STATIC_DIR"
export DJANGO_PERSONAL_DATA_CONTROLLER="Métropole exemple, 1 place de l'Hôtel de Ville"
export DJANGO_PERSONAL_DATA_CONTACT="dpo@example.fr"
export DJANGO_PERSONAL_DATA_HOSTING="Hébergeur exemple, France"

"$PY" manage.py collectstatic --noinput -v0
test -s "$STATIC_DIR/staticfiles.json"
"$PY" manage.py check --deploy --fail-level WARNING
echo "Réglages de production : collectstatic et check --deploy sans erreur."
