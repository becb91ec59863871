// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// OFEDQuery holds what DetectOFED looks at. InfoOutput is `ofed_info -s`
// output ("" when the command is absent): injected so tests need no binary.
type OFEDQuery struct {
	Root       string
	Release    string // target kernel
	Arch       string // e.g. x86_64
	InfoOutput string
}

var ofedVersionRe = regexp.MustCompile(`(MLNX_OFED_LINUX|OFED-internal|MLNX_EN)-([0-9][0-9A-Za-z.\-]*[0-9A-Za-z])`)

// ParseOFEDInfo extracts the version from `ofed_info -s`
// ("MLNX_OFED_LINUX-5.8-1.0.1.1:" -> "5.8-1.0.1.1").
func ParseOFEDInfo(out string) string {
	m := ofedVersionRe.FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return m[2]
}

// DetectOFED finds a Mellanox OFED kernel tree usable for the target.
// Layouts: /usr/src/ofa_kernel/<arch>/<kver> (per-kernel, MOFED >= 5.x),
// /usr/src/ofa_kernel/default (single-kernel installs), and DKMS installs
// (/usr/src/mlnx-ofed-kernel-<ver> with /var/lib/dkms/mlnx-ofed-kernel).
// ForKernel names the kernel the tree was built for when it is not the target.
func DetectOFED(q OFEDQuery) OFED {
	o := OFED{Version: ParseOFEDInfo(q.InfoOutput)}
	base := filepath.Join(q.Root, "usr/src/ofa_kernel")
	perKernel := filepath.Join(base, q.Arch, q.Release)
	switch {
	case isOFEDTree(perKernel):
		o.Dir, o.ForKernel = perKernel, q.Release
	case isOFEDTree(filepath.Join(base, "default")):
		o.Dir = filepath.Join(base, "default")
		o.ForKernel = ofedTreeKernel(q.Root, o.Dir)
	default:
		if others, _ := filepath.Glob(filepath.Join(base, q.Arch, "*")); len(others) > 0 {
			sort.Strings(others)
			o.ForKernel = filepath.Base(others[len(others)-1])
		}
	}
	if dk, _ := filepath.Glob(filepath.Join(q.Root, "var/lib/dkms/mlnx-ofed-kernel/*")); len(dk) > 0 {
		o.DKMS = true
		if o.Version == "" {
			sort.Strings(dk)
			o.Version = filepath.Base(dk[len(dk)-1])
		}
		if o.Dir == "" {
			if src, _ := filepath.Glob(filepath.Join(q.Root, "usr/src/mlnx-ofed-kernel-*")); len(src) > 0 && isOFEDTree(src[0]) {
				o.Dir = src[0]
			}
		}
	}
	o.Installed = o.Dir != "" || o.Version != "" || o.DKMS
	return o
}

// isOFEDTree: a built ofa_kernel tree carries Module.symvers and include/.
func isOFEDTree(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "Module.symvers")); err != nil {
		return false
	}
	st, err := os.Stat(filepath.Join(dir, "include"))
	return err == nil && st.IsDir()
}

// ofedTreeKernel reads which kernel a "default" tree was configured for: the
// symlink default -> <arch>/<kver> when present, else "" (unknown).
func ofedTreeKernel(root, dir string) string {
	if t, err := os.Readlink(dir); err == nil {
		return filepath.Base(strings.TrimSuffix(t, "/"))
	}
	return ""
}

// Mismatch says whether OFED was built for a kernel other than release.
func (o OFED) Mismatch(release string) bool {
	return o.Installed && o.ForKernel != "" && o.ForKernel != release && !o.DKMS
}
