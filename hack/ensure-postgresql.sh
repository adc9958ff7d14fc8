#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries are on this machine, for the tests
# that start a throwaway server (databases/databasestest). Installs Debian's
# postgresql package when they are missing and we are root.
set -euo pipefail
if [ -n "${HUBKIT_POSTGRES_BIN:-}" ] && [ -x "${HUBKIT_POSTGRES_BIN}/postgres" ]; then
  exit 0
fi
if compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL is missing: install Debian's postgresql package (sudo apt-get install -y postgresql)," >&2
  echo "or set HUBKIT_POSTGRES_BIN to a directory holding initdb and postgres." >&2
  exit 1
fi
echo ">> installing PostgreSQL (Debian's postgresql package)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
