// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package compat

import (
	"fmt"
	"strings"

	"github.com/nfsbundle/nfsbundle/compat/features"
)

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

// CompiledOut lists the features compiled out on the probed kernel.
func (r *Result) CompiledOut() []features.Feature {
	return r.Out
}

// ConfigOff lists the Kconfig options (without CONFIG_) the compiled-out
// features turn off, for the make command line.
func (r *Result) ConfigOff() []string {
	var opts []string
	for _, f := range r.CompiledOut() {
		if f.Config != "" {
			opts = append(opts, f.Config)
		}
	}
	return opts
}

// Summary is the stage's log line.
func (r *Result) Summary() string {
	s := fmt.Sprintf("%d probes, %d defined (%s)", len(r.Probes), r.Available(), r.Mode)
	if out := r.CompiledOut(); len(out) > 0 {
		s += "; compiled out: " + strings.Join(features.Names(out), ", ")
	}
	return s
}
