#!/usr/bin/env bash
# Install everything Continuity needs on this machine: system packages (when
# root on Debian), the locked Python dependencies in .venv, the database schema.
# Usage: scripts/setup.sh [--no-db]
set -euo pipefail
cd "$(dirname "$0")/.."

# Node.js and npm are not in this list: the machine's Node.js 20 (NodeSource) carries its
# own npm and conflicts with Debian's npm package, and Debian's Node.js 18 is too old for
# the test OpenID Connect provider. slapd and the LDAP/SASL headers are for python-ldap
# (built from source) and the directory sign-in tests.
APT_PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
  graphviz poppler-utils qpdf chromium slapd ldap-utils libldap2-dev libsasl2-dev gcc python3-dev)
NEEDED_COMMANDS=(dot pdftoppm qpdf chromium ldapadd gcc)

missing_commands() {
  local missing=()
  for cmd in "${NEEDED_COMMANDS[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd"); done
  if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0; then missing+=("libpango"); fi
  [ -x /usr/sbin/slapd ] || missing+=("slapd")
  [ -f /usr/include/ldap.h ] || missing+=("libldap2-dev")
  [ -f /usr/include/sasl/sasl.h ] || missing+=("libsasl2-dev")
  [ -f "/usr/include/python3.11/Python.h" ] || missing+=("python3-dev")
  echo "${missing[@]:-}"
}

if ! command -v npm >/dev/null 2>&1; then
  echo "Continuity's tests need Node.js 20.19+ with npm (axe-core, the test OpenID Connect provider);" >&2
  echo "install it from https://nodejs.org or NodeSource, then run this again." >&2
  exit 1
fi
missing="$(missing_commands)"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Installing system packages: ${APT_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
  else
    echo "Missing system tools: $missing" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get install -y ${APT_PACKAGES[*]}" >&2
    exit 1
  fi
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "Continuity needs Python 3.11 (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.lock.sha256
want="$(sha256sum requirements.lock | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Installing locked Python dependencies"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --require-hashes -r requirements.lock
  echo "$want" > "$stamp"
fi

# Browser-side test tools (axe-core for the accessibility pass), pinned in
# package-lock.json; never served to users.
npm_stamp=node_modules/.package-lock.json.sha256
npm_want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$npm_stamp" ] || [ "$(cat "$npm_stamp")" != "$npm_want" ]; then
  echo "==> Installing locked browser test tools (npm ci)"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$npm_want" > "$npm_stamp"
fi

# The OpenID Connect provider the sign-in tests start (npm oidc-provider, Node.js 20.19+).
oidc_stamp=tests/oidc/node_modules/.package-lock.sha256
oidc_want="$(sha256sum tests/oidc/package-lock.json | cut -d' ' -f1)"
if [ ! -f "$oidc_stamp" ] || [ "$(cat "$oidc_stamp")" != "$oidc_want" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "==> Installing the test OpenID Connect provider (tests/oidc)"
    npm ci --prefix tests/oidc --no-audit --no-fund --silent
    echo "$oidc_want" > "$oidc_stamp"
  else
    echo "npm not found: the OpenID Connect sign-in tests need Node.js 20.19+ and npm." >&2
  fi
fi

if [ "${1:-}" != "--no-db" ]; then
  echo "==> Preparing the database"
  mkdir -p var
  .venv/bin/python manage.py migrate --noinput -v0
  .venv/bin/python manage.py createcachetable
fi
