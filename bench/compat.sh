#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Compat probe engine figures, one run per kernel on the same headers:
# probe count, cold time (nothing cached: Kbuild flag record + probes),
# cold probes (flag record cached, e.g. after a probe edit), warm (cached),
# probes per second, isolated time (one Kbuild compile per probe, the
# oracle), one direct compiler run per probe with Kbuild's flags (no
# make, no batching) and the cold/isolated ratio. Kernels of other Debian releases run
# in their build root (--buildroot auto); the root's creation is reported
# from its marker and must not be redone.
#
# usage: bench/compat.sh [KVER...]   (default: the newest installed 6.1 headers)
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${NFSBUNDLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nfsbundle}
export NFSBUNDLE_CACHE=$cache
bs="$top/build.sh"

kernels=("$@")
if [ ${#kernels[@]} -eq 0 ]; then
	k=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | grep -v -e cloud -e '-rt-' | sort -V | tail -1)
	kernels=("${k#/usr/src/linux-headers-}")
fi

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
dur() { grep -o '"duration_ns": [0-9]*' | head -1 | awk '{ printf "%.2f", $2 / 1e9 }'; }

"$bs" --help >/dev/null # build the driver outside the timings

for k in "${kernels[@]}"; do
	out=$(mktemp -d /tmp/nfsbundle-bench-compat.XXXXXX)
	trap 'rm -rf "$out"' EXIT
	probe() { "$bs" probe --kernel "$k" --buildroot auto --json --out "$out" "$@" 2>>"$out/log"; }

	probe >/dev/null # make sure the build root and headers exist (not timed)
	root=$(probe | grep -o '"buildroot": "[a-z]*"' | cut -d'"' -f4 || true)
	marker="$cache/buildroot/$root/.nfsbundle-buildroot.json"
	before=""
	[ -n "$root" ] && before=$(cat "$marker")

	rm -rf "$cache/compat/flags"
	t0=$(now); j=$(probe --no-cache); t1=$(now)
	cold=$(echo "$j" | dur); coldwall=$(secs "$t0" "$t1")
	n=$(echo "$j" | grep -c '"define"')
	avail=$(echo "$j" | grep -c '"value": true')
	t0=$(now); j=$(probe --no-cache); t1=$(now)
	coldp=$(echo "$j" | dur)
	t0=$(now); j=$(probe); t1=$(now)
	warm=$(echo "$j" | dur); warmwall=$(secs "$t0" "$t1")
	echo "$j" | grep -q '"cache_hit": true' || { echo "warm run was not a cache hit" >&2; exit 1; }
	t0=$(now); j=$(probe --isolated); t1=$(now)
	iso=$(echo "$j" | dur)
	j=$(probe --direct)
	direct=$(echo "$j" | dur)

	echo "kernel $k (${root:-host}), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
	printf '  %-44s %s (%s available)\n' "probes" "$n" "$avail"
	printf '  %-44s %6s s  (process wall %s s)\n' "cold (Kbuild flag record + probes)" "$cold" "$coldwall"
	printf '  %-44s %6s s\n' "cold probes (flag record cached)" "$coldp"
	printf '  %-44s %6s s  (process wall %s s)\n' "warm (cached result)" "$warm" "$warmwall"
	printf '  %-44s %6s\n' "probes/s cold" "$(awk -v n="$n" -v t="$cold" 'BEGIN { printf "%.1f", n / t }')"
	printf '  %-44s %6s s  (%s s per probe)\n' "isolated (one Kbuild compile per probe)" "$iso" "$(awk -v n="$n" -v t="$iso" 'BEGIN { printf "%.2f", t / n }')"
	printf '  %-44s %6s s\n' "direct gcc per probe, Kbuild flags, -j$(nproc)" "$direct"
	printf '  %-44s %6sx / %sx\n' "isolated / cold, isolated / cold probes" \
		"$(awk -v a="$iso" -v b="$cold" 'BEGIN { printf "%.1f", a / b }')" \
		"$(awk -v a="$iso" -v b="$coldp" 'BEGIN { printf "%.1f", a / b }')"
	if [ -n "$root" ]; then
		made=$(grep -o '"debootstrap_seconds": [0-9.]*' "$marker" | awk '{ printf "%.0f", $2 }')
		if [ "$before" = "$(cat "$marker")" ]; then
			reuse="reused by all runs above, debootstrap not re-run (marker unchanged)"
		else
			reuse="RE-CREATED during the bench"
		fi
		printf '  %-44s %s s once; %s\n' "$root build root debootstrap" "$made" "$reuse"
	fi
	rm -rf "$out"
	trap - EXIT
done
