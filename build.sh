#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Entry point: build the Go driver into bin/ when its sources (and the files
# it embeds: probes, guest scripts, fio jobs) are newer than the binary (or
# use a prebuilt bin/nfsbundle-build), then run it with all arguments.
# Works from any current directory.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin="$top/bin/nfsbundle-build"
export NFSBUNDLE_TOP="$top"

stale() {
	[ -x "$bin" ] || return 0
	# A source release ships prebuilt drivers and no Go sources to compare.
	[ -f "$top/go.mod" ] || return 1
	[ -n "$(find "$top" \( -path "$top/build" -o -path "$top/dist" -o -path "$top/.git" \
		-o -path "$top/bin" \) -prune -o \( -name '*.go' -o -name go.mod -o -name go.sum \
		-o -path "$top/compat/probes/*.c" -o -path "$top/vmtest/guest/*" -o -name '*.fio' \) \
		-newer "$bin" -print -quit)" ]
}

arch=$(uname -m)
if [ ! -f "$top/go.mod" ] && [ -x "$top/bin/nfsbundle-build-$arch" ]; then
	# Source release: prebuilt static drivers, no Go needed.
	bin="$top/bin/nfsbundle-build-$arch"
	[ -x "$top/bin/nfsbundle-ctl-$arch" ] && ln -sf "nfsbundle-ctl-$arch" "$top/bin/nfsbundle-ctl"
elif stale; then
	if ! command -v go >/dev/null 2>&1; then
		for g in /usr/local/go/bin/go /usr/lib/go/bin/go; do
			[ -x "$g" ] && PATH="$(dirname "$g"):$PATH" && break
		done
	fi
	if ! command -v go >/dev/null 2>&1; then
		echo "build.sh: Go is not installed and no prebuilt driver is in $top/bin." >&2
		echo "build.sh: install Go 1.22 or newer (https://go.dev/dl/ or 'apt-get install golang-go') and rerun." >&2
		exit 127
	fi
	mkdir -p "$top/bin"
	# The driver, and nfsbundle-ctl which every package ships (static).
	for p in build:nfsbundle-build nfsbundle-ctl:nfsbundle-ctl; do
		(cd "$top" && CGO_ENABLED=0 go build -trimpath -o "bin/${p#*:}.tmp" "./cmd/${p%%:*}") || {
			echo "build.sh: building the Go programs failed (see above)." >&2
			exit 1
		}
		mv -f "$top/bin/${p#*:}.tmp" "$top/bin/${p#*:}"
	done
fi
exec "$bin" "$@"
