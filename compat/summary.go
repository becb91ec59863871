// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package compat

import "fmt"

// Available counts the probes whose define is set.
func (r *Result) Available() int {
	n := 0
	for _, p := range r.Probes {
		if p.Value {
			n++
		}
	}
	return n
}

// Summary is the stage's log line.
func (r *Result) Summary() string {
	return fmt.Sprintf("%d probes, %d defined (%s)", len(r.Probes), r.Available(), r.Mode)
}
