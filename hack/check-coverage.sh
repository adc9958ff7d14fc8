#!/usr/bin/env bash
# Fails when a package's statement coverage is below the minimum.
# Usage: check-coverage.sh GO_TEST_LOG MIN_PERCENT PACKAGE...
# GO_TEST_LOG is the output of `go test -cover ./...`; packages are paths
# relative to the module root.
set -euo pipefail
log=$1 min=$2
shift 2
module=$(go list -m)
status=0
for pkg in "$@"; do
  line=$(grep -E "^ok[[:space:]]+${module}/${pkg}[[:space:]]" "$log" || true)
  pct=$(sed -nE 's/.*coverage: ([0-9.]+)% of statements.*/\1/p' <<<"$line")
  if [ -z "$pct" ]; then
    echo "coverage: no result for $pkg in $log" >&2
    status=1
  elif awk -v p="$pct" -v m="$min" 'BEGIN { exit !(p < m) }'; then
    echo "coverage: $pkg has ${pct}% of statements covered, below ${min}%" >&2
    status=1
  else
    echo "coverage: $pkg ${pct}% (minimum ${min}%)"
  fi
done
exit $status
