#!/usr/bin/env bash
# Copy the front-end assets we serve from node_modules into static/vendor/ (git-ignored).
# The PDF's fonts are also written as plain TrueType beside the WOFF2 files browsers get:
# WeasyPrint decodes WOFF2 in pure Python on every report (seconds per font), a TTF it just reads.
# KRDS's two stylesheets disagree on where the icons live: common.css asks for
# ../../img/component/icon/..., component.css for ../../img/img/component/icon/...
# Seen from css/common/ and css/component/, both resolve under krds/img/, so the icons are
# laid out twice: krds/img/component/ and krds/img/img/component/.
set -euo pipefail

cd "$(dirname "$0")/.."
src=node_modules
python=${PYTHON:-.venv/bin/python}
krds=$src/krds-uiux/resources
out=static/vendor

for f in "$src/htmx.org/dist/htmx.min.js" "$krds/css/common/common.css" "$krds/img/component"; do
  [ -e "$f" ] || { echo "vendor_assets: $f is missing; run npm ci first" >&2; exit 1; }
done

# Build beside the old tree and swap, so a running dev server never sees a half-copied folder.
tmp=$(mktemp -d "static/.vendor.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/htmx" "$tmp/krds/css/token" "$tmp/krds/css/common" "$tmp/krds/css/component" \
  "$tmp/krds/fonts" "$tmp/krds/img/img"
cp "$src/htmx.org/dist/htmx.min.js" "$tmp/htmx/"
cp "$krds/css/token/krds_tokens.css" "$tmp/krds/css/token/"
cp "$krds/css/common/common.css" "$tmp/krds/css/common/"
cp "$krds/css/component/component.css" "$tmp/krds/css/component/"
cp "$krds"/fonts/*.woff2 "$tmp/krds/fonts/"
"$python" - "$tmp/krds/fonts" <<'PY'
import sys
from pathlib import Path

from fontTools.ttLib import woff2

for packed in sorted(Path(sys.argv[1]).glob("*.woff2")):
    with packed.open("rb") as source, packed.with_suffix(".ttf").open("wb") as target:
        woff2.decompress(source, target)
PY
cp -R "$krds/img/component" "$tmp/krds/img/"
cp -R "$krds/img/component" "$tmp/krds/img/img/"
chmod -R a+rX "$tmp"

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "vendor assets copied to $out/"
