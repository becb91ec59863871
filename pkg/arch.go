// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"runtime"
	"strings"
)

// SpellArch spells a machine architecture (uname -m, Go or distribution
// names; empty means the build host's) with a packager's own table; names
// the table lacks pass through lower-cased.
func SpellArch(a string, names map[string]string) string {
	if a == "" {
		a = runtime.GOARCH
	}
	a = strings.ToLower(a)
	if s, ok := names[a]; ok {
		return s
	}
	return a
}
