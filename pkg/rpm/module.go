// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package rpm

import (
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/kabi"
)

// KernelTag turns a kernel release into the part after "kernel_" in the
// RPM release: '-' and '.' become '_' (6.1.0-56-amd64 -> 6_1_0_56_amd64).
func KernelTag(kver string) string {
	return strings.NewReplacer("-", "_", ".", "_").Replace(kver)
}

var rhelIDs = map[string]bool{
	"rhel": true, "centos": true, "rocky": true, "almalinux": true, "ol": true,
	"oracle": true, "cloudlinux": true, "eurolinux": true, "circle": true, "navy": true,
	"amzn": true, "anolis": true, "openeuler": true, "kylin": true,
}

var rhelKernel = regexp.MustCompile(`\.el[0-9]+`)

// IsRHELFamily says whether a target uses RHEL's kmod layout (extra/ plus
// weak-modules). On a non-RPM host (a Debian CI building an RPM for a RHEL
// kernel tree) the kernel release decides: ".elN" is RHEL.
func IsRHELFamily(t pkg.Target) bool {
	id := t.DistroID
	switch {
	case t.DistroFamily != "rpm":
	case rhelIDs[id]:
		return true
	case id == "fedora" || id == "sles" || strings.Contains(id, "suse"):
		return false
	default:
		for _, l := range t.DistroLike {
			if l == "rhel" || l == "centos" {
				return true
			}
		}
	}
	return rhelKernel.MatchString(t.KernelRelease)
}

// ModuleDir is lib/modules/<kver>/extra/nfsbundle on the RHEL family,
// lib/modules/<kver>/updates/nfsbundle elsewhere (SUSE, Fedora).
func (Packager) ModuleDir(t pkg.Target, kver string) string {
	if IsRHELFamily(t) {
		return pkg.KernelModuleDir(kver, "extra")
	}
	return pkg.KernelModuleDir(kver, "updates")
}

// Complete names the package nfsbundle-<ver>-kernel_<kver>.<arch>.rpm and
// adds the kmod() and kmod-nfsbundle provides, the kernel(<sym>) requirements, the scripts,
// the changelog and the header signature.
func (Packager) Complete(p *pkg.Package, m *pkg.Modules) error {
	p.Name = pkg.ProjectName
	p.Release = "kernel_" + KernelTag(m.KVer)
	if m.Release != "1" {
		p.Release += "." + m.Release
	}
	p.Summary = "NFS client and server kernel modules for kernel " + m.KVer
	if m.Legacy {
		p.Summary += " (legacy tree)"
	}
	p.Section = "System Environment/Kernel"
	// nfsbundle-kmod is ours; kmod-nfsbundle is the name RHEL's kmod
	// packages (kmodtool, akmods) go by, which admins and other packages
	// ask for.
	p.Provides = append(p.Provides,
		pkg.Relation{Name: pkg.ProjectName + "-kmod", Op: "=", Version: m.Version},
		pkg.Relation{Name: "kmod-" + pkg.ProjectName, Op: "=", Version: m.Version})
	for _, f := range m.Installed {
		p.Provides = append(p.Provides, pkg.Relation{Name: "kmod(" + moduleFileName(f) + ")"})
	}
	if m.CtlBinary != "" {
		p.Files = append(p.Files, pkg.File{Dest: pkg.CtlPath, Src: m.CtlBinary, Mode: 0o755})
	}
	if !m.RPM.NoKABIRequires {
		req, err := kabiRequires(m)
		if err != nil {
			return err
		}
		p.Requires = append(p.Requires, req...)
	}
	p.Scripts = scripts(m.KVer, m.Installed)
	p.RPM.Changelog = []pkg.ChangelogEntry{{Time: p.MTime, Author: pkg.Maintainer + " - " + m.Version + "-" + p.Release, Text: "- Built by nfsbundle for Linux " + m.KVer + "."}}
	if m.RPM.SignKey == "" {
		return nil
	}
	sign, err := OpenPGPSigner(m.RPM.SignKey, p.MTime)
	p.RPM.Sign = sign
	return err
}

// moduleFileName is an installed module's file name without compression
// suffix: sunrpc.ko.
func moduleFileName(installed string) string {
	base := path.Base(installed)
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// kabiRequires computes kernel(<sym>) = <crc> for the modules.
func kabiRequires(m *pkg.Modules) ([]pkg.Relation, error) {
	symversPath := m.RPM.KernelSymvers
	if symversPath == "" && m.Target.HeadersDir != "" {
		symversPath = filepath.Join(m.Target.HeadersDir, "Module.symvers")
	}
	var kernel map[string]modinfo.SymversEntry
	if symversPath != "" {
		var err error
		kernel, err = modinfo.ReadSymvers(symversPath)
		if err != nil {
			logrus.Warnf("package: cannot read the target kernel's Module.symvers (%v): kernel(...) requirements are not checked against it", err)
			kernel = nil
		}
	}
	k, err := kabi.Analyze(m.Staged, kernel)
	if err != nil {
		return nil, err
	}
	if len(k.Mismatch) > 0 {
		logrus.Warnf("package: %d imported symbols have other CRCs than kernel %s's Module.symvers (first: %s): the modules were built against other headers and the RPM will not install on that kernel",
			len(k.Mismatch), m.KVer, k.Mismatch[0])
	}
	if len(k.Foreign) > 0 {
		logrus.Debugf("package: %d imported symbols come from outside the kernel (e.g. an out-of-tree RDMA stack) and get no kernel() requirement", len(k.Foreign))
	}
	if len(k.Requires) == 0 {
		logrus.Warnf("package: the modules carry no modversions (CONFIG_MODVERSIONS off?): the RPM has no kernel(...) requirements")
	}
	out := make([]pkg.Relation, 0, len(k.Requires))
	for _, s := range k.Requires {
		out = append(out, pkg.Relation{Name: "kernel(" + s.Name + ")", Op: "=", Version: s.CRCString()})
	}
	return out, nil
}
