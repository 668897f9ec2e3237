#!/usr/bin/env bash
# System packages the test suite needs (Debian names), checked before every `make test` and by `.ci/run`:
#   - Chromium: browser journeys (tests/e2e);
#   - Poppler (pdftoppm, pdftotext): reading the generated PDF packs back;
#   - DejaVu fonts and Pango / HarfBuzz-subset: WeasyPrint, which writes the packs.
# Missing packages are installed with apt-get when we are root (or sudo needs no password); otherwise the
# script stops with the exact command to run. `--services` also checks PostgreSQL and Redis (CI).
# Opt-outs, for a quick local run (the pytest summary then lists what was skipped):
#   NPRU_SKIP_BROWSER=1  no Chromium needed, browser journeys skipped;
#   NPRU_SKIP_PDF=1      no Poppler needed, tests reading PDFs back skipped.
set -euo pipefail

with_services=0
[ "${1:-}" = "--services" ] && with_services=1

has_command() { command -v "$1" >/dev/null 2>&1; }

has_library() {
  local ldconfig
  ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
  "$ldconfig" -p 2>/dev/null | grep -q "$1"
}

has_dejavu() {
  if has_command fc-list; then
    fc-list 2>/dev/null | grep -qi dejavu
  else
    [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]
  fi
}

missing=()
if [ "${NPRU_SKIP_BROWSER:-}" != "1" ]; then
  has_command chromium || has_command chromium-browser || missing+=(chromium)
fi
if [ "${NPRU_SKIP_PDF:-}" != "1" ]; then
  { has_command pdftoppm && has_command pdftotext; } || missing+=(poppler-utils)
fi
has_dejavu || missing+=(fontconfig fonts-dejavu-core)
has_library 'libpango-1\.0\.so\.0' || missing+=(libpango-1.0-0)
has_library 'libpangoft2-1\.0\.so\.0' || missing+=(libpangoft2-1.0-0)
has_library 'libharfbuzz-subset\.so\.0' || missing+=(libharfbuzz-subset0)
if [ "$with_services" = 1 ]; then
  has_command pg_ctlcluster || missing+=(postgresql)
  has_command redis-server || missing+=(redis-server)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  apt_get=(apt-get)
elif has_command sudo && sudo -n true 2>/dev/null; then
  apt_get=(sudo apt-get)
else
  echo "Paquets système manquants pour les tests : ${missing[*]}" >&2
  echo "Installez-les puis relancez :" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  echo "(ou, pour une suite rapide sans navigateur ni lecture des PDF : NPRU_SKIP_BROWSER=1 NPRU_SKIP_PDF=1)" >&2
  exit 1
fi

if ! has_command apt-get; then
  echo "Paquets système manquants : ${missing[*]} (apt-get introuvable : installez-les avec votre gestionnaire)" >&2
  exit 1
fi

echo "Installation des paquets système manquants : ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update -qq
"${apt_get[@]}" install -y -qq "${missing[@]}" >/dev/null
