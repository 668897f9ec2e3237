#!/usr/bin/env bash
# Type-check core, accounts and every app's services.py and selectors.py (configuration: pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(core accounts)
for file in */services.py */selectors.py; do
  case "$file" in core/* | accounts/* | scripts/*) ;; *) targets+=("$file") ;; esac
done
exec .venv/bin/mypy "${targets[@]}"
