// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package modinfo

import (
	"path/filepath"
	"strings"
)

// NameFromFile is the kernel's name for a module file: the base name up to
// ".ko" (which drops .ko.xz, .ko.zst and .ko.gz alike), with dashes as
// underscores (nfs-layout.ko.zst -> nfs_layout), as modprobe and
// /sys/module spell it.
func NameFromFile(file string) string {
	b := filepath.Base(file)
	if i := strings.Index(b, ".ko"); i >= 0 {
		b = b[:i]
	}
	return NormalizeName(b)
}

// NormalizeName spells a module name as the kernel does: dashes become
// underscores (depends= and modprobe accept either).
func NormalizeName(name string) string { return strings.ReplaceAll(name, "-", "_") }
