#!/usr/bin/env bash
# Makes sure nginx is on this machine, for the gateway test that puts the
# basic-auth Secret the Provisioner renders in front of a real nginx, with
# the directives ingress-nginx generates for it. Installs Debian's nginx
# package when it is missing and we are root.
set -euo pipefail
if [ -n "${HUBKIT_NGINX:-}" ] && [ -x "${HUBKIT_NGINX}" ]; then
  exit 0
fi
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "nginx is missing: install Debian's nginx package (sudo apt-get install -y nginx)," >&2
  echo "or set HUBKIT_NGINX to an nginx binary." >&2
  exit 1
fi
echo ">> installing nginx (Debian's nginx package)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps the package from starting nginx as a service: the tests
# start their own, on a loopback port, and nothing is left running.
cleanup_policy=false
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  cleanup_policy=true
fi
status=0
apt-get install -y -qq --no-install-recommends nginx >/dev/null || status=$?
if [ "$cleanup_policy" = true ]; then
  rm -f /usr/sbin/policy-rc.d
fi
exit "$status"
