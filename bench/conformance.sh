#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The full conformance suites (pynfs 4.0 and 4.1 "all", fio) on both stacks
# of each kernel, one after the other in one run, and their figures: wall
# time per suite and stack under TCG, PASS/FAIL/WARNING/OMIT counts, the
# slowest tests, regressions and improvements. CI runs the ci subset
# (./build.sh test); this is the whole thing (about 35 minutes per kernel).
#
# usage: NFSBUNDLE_PYNFS=DIR|TARBALL bench/conformance.sh [KVER...]
#        (default: the only staged build; pynfs defaults to the shared copy)
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${NFSBUNDLE_PYNFS:-}" ]; then
	for p in "$top"/../shared/thirdparty/pynfs-*.tar.gz; do
		[ -f "$p" ] && export NFSBUNDLE_PYNFS="$p"
	done
fi
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=("")
rc=0
for k in "${kernels[@]}"; do
	args=(conformance --stack both --subset full --json)
	[ -n "$k" ] && args+=(--kernel "$k")
	out=$(mktemp)
	start=$(date +%s)
	"$top/build.sh" "${args[@]}" >"$out" || rc=1
	echo "kernel ${k:-(staged)}: $(( $(date +%s) - start )) s in all"
	/usr/bin/python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for st in r["stacks"]:
    for s in st["suites"]:
        c = s.get("counts") or {}
        n = sum(c.values())
        slow = sorted(s.get("tests") or [], key=lambda t: -t.get("seconds", 0))[:3]
        print("  %-5s %-8s %4d tests  PASS %3d FAIL %3d WARNING %2d OMIT %2d  %6.0f s  slowest %s" % (
            st["stack"], s["suite"], n, c.get("PASS", 0), c.get("FAIL", 0), c.get("WARNING", 0),
            c.get("OMIT", 0), s["seconds"], ", ".join("%s %.0fs" % (t["code"], t.get("seconds", 0)) for t in slow)))
    for ch in st.get("checks") or []:
        print("  %-5s %-14s %s %s" % (st["stack"], ch["name"], "PASS" if ch["passed"] else "FAIL", ch.get("detail", "")))
    print("  %-5s VM and suites: %.0f s" % (st["stack"], st["seconds"]))
for v in r["verdicts"]:
    print("  against %s: %d regressions, %d flaky, %d improvements" % (
        v["reference"], len(v["regressions"]), len(v["flaky"]), len(v["improvements"])))
PY
	rm -f "$out"
done
exit $rc
