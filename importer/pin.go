// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package importer

import (
	"fmt"

	"github.com/nfsbundle/nfsbundle/tree"
)

// PinCommand updates the trees' pins from the tarballs found on this host.
const PinCommand = "./build.sh src --pin"

// PinCheck is how an imported subset compares with its tree's pin.
type PinCheck struct {
	// Note is the stage line's part: "as pinned", "pinned 6.1.192: differs",
	// "no pin".
	Note string
	// Warning is one line naming both versions; "" when the subset is the
	// pinned one.
	Warning string
	// Remedy says what to do about the warning (for --strict-upstream).
	Remedy string
}

// CheckPin compares up, extracted from tarball, with the pin of tr.
func CheckPin(tr *tree.Tree, up *Upstream) PinCheck {
	pin := tr.Upstream
	switch {
	case pin == nil:
		return PinCheck{Note: "no pin",
			Warning: fmt.Sprintf("tree %s has no upstream pin: nothing checks that %s (Linux %s, subset sha256 %.16s) is the NFS code this release was tested with",
				tr.Name, up.Tarball, up.UpstreamVersion, up.SubsetSHA256),
			Remedy: fmt.Sprintf("pin the tree with %s once this code is tested, or build without --strict-upstream", PinCommand)}
	case pin.Version == up.UpstreamVersion && pin.SubsetSHA256 == up.SubsetSHA256:
		return PinCheck{Note: "as pinned"}
	}
	c := PinCheck{Note: fmt.Sprintf("pinned %s: differs", pin.Version),
		Warning: fmt.Sprintf("tree %s is pinned to Linux %s, but %s is Linux %s: this is not the NFS code this release was tested with",
			tr.Name, pin.Version, up.Tarball, up.UpstreamVersion),
		Remedy: fmt.Sprintf("install linux-source-%s of Linux %s (or pass --source a tarball of it), build without --strict-upstream to accept Linux %s, or re-pin the tree with %s once it is tested",
			tr.UpstreamSeries, pin.Version, up.UpstreamVersion, PinCommand)}
	if pin.Version == up.UpstreamVersion {
		c.Warning = fmt.Sprintf("tree %s is pinned to Linux %s (subset sha256 %.16s), and %s is Linux %s too, but its NFS code differs (subset sha256 %.16s): a patched or different tarball",
			tr.Name, pin.Version, pin.SubsetSHA256, up.Tarball, up.UpstreamVersion, up.SubsetSHA256)
	}
	return c
}

// StrictError is the --strict-upstream failure for a PinCheck with a warning.
func (c PinCheck) StrictError() error {
	return fmt.Errorf("--strict-upstream: %s\n%s", c.Warning, c.Remedy)
}
