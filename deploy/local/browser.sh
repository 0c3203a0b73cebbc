#!/usr/bin/env bash
# What the web front needs on a fresh clone: its npm packages (the State design
# system and axe-core, from services/web/package-lock.json) and, for the browser
# tests, Debian's headless Chromium (Playwright drives it; no browser download).
#   bash deploy/local/browser.sh npm       npm packages only (make install, make dev)
#   bash deploy/local/browser.sh chromium  Chromium only, installed with apt-get if absent
#   bash deploy/local/browser.sh           both (make test)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
web="$root/services/web"

npm_packages() {
  command -v npm >/dev/null || { echo "npm absent: installez Node.js 18+ (apt-get install -y nodejs npm)" >&2; exit 1; }
  if [[ ! -f "$web/node_modules/@gouvfr/dsfr/dist/dsfr.min.css" || ! -f "$web/node_modules/axe-core/axe.min.js" \
        || "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]]; then
    # The DSFR's install script asks for its licence; .dsfr.yml (committed) accepts it.
    (cd "$web" && DSFR_ACCEPT_LICENSE=1 npm ci --no-audit --no-fund)
  fi
}

chromium_browser() {
  if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
    return
  fi
  command -v apt-get >/dev/null || { echo "chromium absent et apt-get introuvable" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
}

case "${1:-all}" in
  npm) npm_packages ;;
  chromium) chromium_browser ;;
  all) npm_packages; chromium_browser ;;
  *) echo "usage: $0 [npm|chromium|all]" >&2; exit 2 ;;
esac
