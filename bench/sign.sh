#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Time signing all NFS modules natively vs scripts/sign-file per module.
# Arguments go to bench/signbench (--rounds N, --modules DIR, --sign-file P).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v go >/dev/null 2>&1 || PATH=/usr/local/go/bin:$PATH
cd "$top"
exec go run ./bench/signbench "$@"
