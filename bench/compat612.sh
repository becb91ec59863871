#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The price of the compat layer, one run, same imported 6.1 tree: the clean
# build of the main tree for a 6.12 kernel (trixie's build root, the 6.12
# wrappers and patches) against the clean build for a 6.1 kernel (the host),
# as seconds and their ratio. "Clean" removes build/<kver>/src, so import and
# every compile run again (the tarball extraction cache stays warm).
# Usage: [ROUNDS=2] [K61=...] [K612=...] bench/compat612.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }
k61=${K61:-$(uname -r)}
k612=${K612:-6.12.117+deb13-amd64}
case "$k61$k612" in *[!A-Za-z0-9.+_~-]*) echo "bench: K61/K612 must be kernel releases" >&2; exit 2 ;; esac

# Warm the driver, the build root, the headers and the import cache.
./build.sh bin --kernel "$k61" >/dev/null
./build.sh bin --kernel "$k612" >/dev/null

best61=999999; best612=999999
for r in $(seq "${ROUNDS:-2}"); do
	for k in "$k61" "$k612"; do
		rm -rf "build/$k/src"
		t0=$(now); ./build.sh bin --kernel "$k" >/dev/null 2>&1; t1=$(now)
		s=$(secs "$t0" "$t1"); echo "round $r: $k ${s} s" >&2
		if [ "$k" = "$k61" ]; then
			best61=$(awk -v a="$best61" -v b="$s" 'BEGIN{print (b<a)?b:a}')
		else
			best612=$(awk -v a="$best612" -v b="$s" 'BEGIN{print (b<a)?b:a}')
		fi
	done
done
echo "clean build, 6.1 tree for $k61: ${best61} s"
echo "clean build, 6.1 tree for $k612 (compat): ${best612} s"
awk -v a="$best61" -v b="$best612" 'BEGIN{printf "ratio 6.12/6.1: %.2f\n", b/a}'
