#!/usr/bin/env bash
# All of RescueDrill's tests: the one command the README names and CI runs.
# It installs what the tests need from Debian when missing (qemu-user for the
# arm64 determinism checks), then vets, tests every package, and runs the
# deterministic-math and replay checks under arm64 emulation.
set -euo pipefail
cd "$(dirname "$0")/.."

# apt_install PKG... installs Debian packages (as root, or through sudo).
apt_install() {
  echo "== installing $*"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

command -v qemu-aarch64 >/dev/null 2>&1 || apt_install qemu-user

# Each .ci/need-*.sh installs what one part's tests need when it is missing
# (the desktop client's X11 headers and Xvfb, the browser tests' chromium).
for need in .ci/need-*.sh; do
  [ -e "$need" ] || continue
  # shellcheck source=/dev/null
  source "$need"
done

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== go test"
# The end-to-end packages (cmd/drill: crash, browser, arm64 replay; netbot) run
# for minutes each on two cores: well past go test's default 10-minute limit.
go test -count=1 -timeout 45m ./...

echo "== arm64 (qemu): the engine packages (golden hashes must match amd64)"
GOARCH=arm64 go test -count=1 -short -exec qemu-aarch64 ./engine/...

echo "== all tests passed"
