#!/usr/bin/env bash
# Makes sure the distribution registry (Debian's docker-registry package) is
# on this machine, for the compositions tests that push charts to a real OCI
# registry with htpasswd authentication and pull them with the Helm SDK.
exec "$(dirname "${BASH_SOURCE[0]}")/ensure-debian-package.sh" docker-registry docker-registry HUBKIT_DOCKER_REGISTRY
