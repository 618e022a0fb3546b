#!/usr/bin/env bash
# All of RescueDrill's tests: the one command the README names and CI runs.
# It installs what the tests need from Debian when missing (qemu-user for the
# arm64 determinism checks), then vets, tests every package, and runs the
# deterministic-math and replay checks under arm64 emulation.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v qemu-aarch64 >/dev/null 2>&1 || need_apt+=(qemu-user)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== go test"
go test -count=1 ./...

echo "== arm64 (qemu): the engine packages (golden hashes must match amd64)"
GOARCH=arm64 go test -count=1 -short -exec qemu-aarch64 ./engine/...

echo "== all tests passed"
