#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Time to emit the RPM and the deb from staged modules, and their sizes.
# Usage: bench/pkg.sh [-n RUNS] [build/<kver>/finish.json]
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v go >/dev/null 2>&1 || PATH=/usr/local/go/bin:$PATH
cd "$top"
exec go run ./bench/pkgbench "$@"
