#!/usr/bin/env bash
# Builds the real cluster's binaries from the Go module proxy into bin/:
# kube-apiserver, kube-controller-manager and kube-scheduler (kubernetes/),
# etcd (etcd/), kwok and kwokctl (kwok/), and the minio server (minio/), for
# the object store tests. Each module here pins its versions.
# A binary whose stamp in bin/.stamps names the pinned version is skipped.
# A cold build takes about 5 minutes on 2 cores.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tools=$root/hack/tools
bin=$root/bin
stamps=$bin/.stamps
mkdir -p "$stamps"

# build DIR MODULE LDFLAGS PACKAGE... builds the packages of the tools module
# DIR, whose version is that of MODULE, unless every binary is up to date.
build() {
  local dir=$1 module=$2 ldflags=$3
  shift 3
  local version stale=()
  version=$(cd "$tools/$dir" && go list -m -f '{{.Version}}' "$module")
  for pkg in "$@"; do
    local name=${pkg##*/}
    if [[ -x $bin/$name && $(cat "$stamps/$name" 2>/dev/null) == "$module@$version" ]]; then
      echo ">> $name $version is up to date"
    else
      stale+=("$pkg")
    fi
  done
  [[ ${#stale[@]} -gt 0 ]] || return 0
  echo ">> building ${stale[*]##*/} from $module@$version"
  local start=$SECONDS
  (cd "$tools/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$bin/" "${stale[@]}")
  for pkg in "${stale[@]}"; do
    echo "$module@$version" >"$stamps/${pkg##*/}"
  done
  echo ">> built ${stale[*]##*/} in $((SECONDS - start))s"
}

kube_version=$(cd "$tools/kubernetes" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
kube_minor=$(cut -d. -f2 <<<"$kube_version")
# Without these the binaries call themselves v0.0.0, and kwokctl and clients
# that read /version would see a nonsense version.
kube_ldflags="-X k8s.io/component-base/version.gitVersion=$kube_version"
kube_ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$kube_minor"
kube_ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"

build kubernetes k8s.io/kubernetes "$kube_ldflags" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler
build etcd go.etcd.io/etcd/server/v3 "" \
  github.com/hubkit-dev/hubkit/hack/tools/etcd
build kwok sigs.k8s.io/kwok "" \
  sigs.k8s.io/kwok/cmd/kwok \
  sigs.k8s.io/kwok/cmd/kwokctl
build minio github.com/minio/minio "" \
  github.com/minio/minio
