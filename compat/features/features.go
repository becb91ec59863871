// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package features lists the parts of the main tree's 6.1 code that cannot
// work on a kernel lacking one API, and are compiled out there. It is the
// one place they are written: the compat stage turns them into #undef
// lines and the "compiled out" string of autoconf.h, kbuild into CONFIG_X=
// assignments, and the build log, finish.json and nfsbundle-ctl status
// name them, so nothing is disabled silently.
package features

import "strings"

// Feature is one part of the code that needs the API a probe finds.
type Feature struct {
	Name string // short name, as logs and status print it
	// Probe is the HAVE_* define without which the feature is compiled out.
	Probe string
	// Config is the Kconfig option turned off in the tree ("" when the
	// code is compiled out by a wrapper instead).
	Config string
	// Lost says what a user of that kernel does not get.
	Lost string
}

// All is every feature that can be compiled out, by name.
var All = []Feature{
	{
		Name: "fscache", Probe: "HAVE_FOLIO_START_FSCACHE", Config: "NFS_FSCACHE",
		Lost: "the fsc mount option is accepted and caches nothing (the 6.1 client's fscache calls predate the v6.12 netfs rework)",
	},
	{
		Name: "reexport-change-id", Probe: "HAVE_EXPORT_OP_FETCH_IVERSION",
		Lost: "nfsd re-exporting an NFS mount builds the change attribute from ctime and i_version, not the origin server's (export_operations.fetch_iversion is gone since v6.7)",
	},
}

// Out returns the features compiled out when only the defines for which
// have reports true are available.
func Out(have func(define string) bool) []Feature {
	var out []Feature
	for _, f := range All {
		if !have(f.Probe) {
			out = append(out, f)
		}
	}
	return out
}

// Names lists the features' names.
func Names(fs []Feature) []string {
	n := make([]string, len(fs))
	for i, f := range fs {
		n[i] = f.Name
	}
	return n
}

// Join is the names as the modules carry them: separated by spaces.
func Join(fs []Feature) string {
	return strings.Join(Names(fs), " ")
}

// ByName finds a feature of All ("" Lost for a name it does not know:
// modules built by another nfsbundle release may name others).
func ByName(name string) Feature {
	for _, f := range All {
		if f.Name == name {
			return f
		}
	}
	return Feature{Name: name}
}
