#!/usr/bin/env bash
# Translation catalogues (Flask-Babel looks in academy/translations).
#   scripts/i18n.sh update    extract the msgids into messages.pot and merge them into the ko .po
#                             (existing translations are kept; safe to rerun)
#   scripts/i18n.sh compile   compile the .po files into the (git-ignored) .mo files
set -euo pipefail

cd "$(dirname "$0")/.."
PYBABEL=.venv/bin/pybabel
TRANSLATIONS=academy/translations
POT="$TRANSLATIONS/messages.pot"
LOCALES=(ko)

update() {
  mkdir -p "$TRANSLATIONS"
  "$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
    --project="Seoul Youth Employment Academy" -o "$POT" .
  local locale
  for locale in "${LOCALES[@]}"; do
    if [ -f "$TRANSLATIONS/$locale/LC_MESSAGES/messages.po" ]; then
      "$PYBABEL" update -N --no-fuzzy-matching --ignore-obsolete -i "$POT" -d "$TRANSLATIONS" -l "$locale"
    else
      "$PYBABEL" init -i "$POT" -d "$TRANSLATIONS" -l "$locale"
    fi
  done
}

compile() {
  "$PYBABEL" compile -d "$TRANSLATIONS"
}

case "${1:-}" in
  update) update ;;
  compile) compile ;;
  *)
    echo "usage: $0 update|compile" >&2
    exit 2
    ;;
esac
