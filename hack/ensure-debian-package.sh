#!/usr/bin/env bash
# ensure-debian-package.sh PACKAGE BINARY ENV: makes sure BINARY (a command
# name or an absolute path) is on this machine, or that ENV names an
# executable, for a test that starts it itself on a loopback port. Installs
# Debian's PACKAGE when the binary is missing and we are root, without
# letting the package start it as a service.
set -euo pipefail
package=$1 binary=$2 env=$3
override=${!env:-}
if [ -n "$override" ] && [ -x "$override" ]; then
  exit 0
fi
if command -v "$binary" >/dev/null 2>&1 || [ -x "/usr/sbin/$binary" ] || [ -x "/usr/bin/$binary" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$binary is missing: install Debian's $package package (sudo apt-get install -y $package)," >&2
  echo "or set $env to the binary." >&2
  exit 1
fi
echo ">> installing $binary (Debian's $package package)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps the package from starting a service: the tests start
# their own, on a loopback port, and nothing is left running.
cleanup_policy=false
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  cleanup_policy=true
fi
status=0
apt-get install -y -qq --no-install-recommends "$package" >/dev/null || status=$?
if [ "$cleanup_policy" = true ]; then
  rm -f /usr/sbin/policy-rc.d
fi
exit "$status"
