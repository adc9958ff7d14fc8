#!/usr/bin/env bash
# Makes sure headless Chromium is on this machine, for the dashboard's
# browser test. Installs Debian's chromium package when it is missing and
# we are root.
set -euo pipefail
if [ -n "${HUBKIT_CHROMIUM:-}" ] && [ -x "${HUBKIT_CHROMIUM}" ]; then
  exit 0
fi
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: install Debian's chromium package (sudo apt-get install -y chromium)," >&2
  echo "or set HUBKIT_CHROMIUM to a Chromium binary." >&2
  exit 1
fi
echo ">> installing Chromium (Debian's chromium package)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
