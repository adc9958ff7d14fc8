#!/usr/bin/env bash
# Makes sure the distribution registry (Debian's docker-registry package) is
# on this machine, for the compositions tests that push charts to a real OCI
# registry with htpasswd authentication and pull them with the Helm SDK.
# Installs the package when it is missing and we are root; the tests start
# their own registry, on a loopback port.
set -euo pipefail
if [ -n "${HUBKIT_DOCKER_REGISTRY:-}" ] && [ -x "${HUBKIT_DOCKER_REGISTRY}" ]; then
  exit 0
fi
if command -v docker-registry >/dev/null 2>&1 || [ -x /usr/bin/docker-registry ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "docker-registry is missing: install Debian's docker-registry package (sudo apt-get install -y docker-registry)," >&2
  echo "or set HUBKIT_DOCKER_REGISTRY to a distribution registry binary." >&2
  exit 1
fi
echo ">> installing the distribution registry (Debian's docker-registry package)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps the package from starting the registry as a service.
cleanup_policy=false
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  cleanup_policy=true
fi
status=0
apt-get install -y -qq --no-install-recommends docker-registry >/dev/null || status=$?
if [ "$cleanup_policy" = true ]; then
  rm -f /usr/sbin/policy-rc.d
fi
exit "$status"
