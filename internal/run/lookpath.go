// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package run

import (
	"os"
	"os/exec"
)

// LookPath finds name on PATH, else at the first of fallbacks that exists
// (tools such as go and depmod often live outside a non-login PATH).
func LookPath(name string, fallbacks ...string) (string, bool) {
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	for _, p := range fallbacks {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

// GoFallbacks are where Go is installed when it is not on PATH.
func GoFallbacks() []string {
	var out []string
	if r := os.Getenv("GOROOT"); r != "" {
		out = append(out, r+"/bin/go")
	}
	return append(out, "/usr/local/go/bin/go", "/usr/lib/go/bin/go")
}
