#!/usr/bin/env bash
# Makes sure nginx is on this machine, for the gateway test that puts the
# basic-auth Secret the Provisioner renders in front of a real nginx, with
# the directives ingress-nginx generates for it (Debian's nginx package).
exec "$(dirname "${BASH_SOURCE[0]}")/ensure-debian-package.sh" nginx nginx HUBKIT_NGINX
