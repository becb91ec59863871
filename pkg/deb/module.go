// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package deb

import (
	"regexp"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/pkg"
)

// CtlFileName is the name nfsbundle-ctl gets in our Debian packages, below
// /usr/lib/nfsbundle: lintian accepts a static binary (Go) under a name
// ending in -static only. update-alternatives owns /usr/sbin/nfsbundle-ctl.
const CtlFileName = "nfsbundle-ctl-static"

var nameBad = regexp.MustCompile(`[^a-z0-9+.-]+`)

// PackageName is nfsbundle-modules-<kver>, with characters Debian does not
// allow in package names replaced by '-'.
func PackageName(kver string) string {
	return "nfsbundle-modules-" + nameBad.ReplaceAllString(strings.ToLower(kver), "-")
}

// Debian before trixie and Ubuntu put an ABI number after the version
// (6.1.0-56-amd64, 5.15.0-91-generic); trixie and backports put the release
// there (6.12.118+deb13-amd64, 6.12.9+bpo-amd64).
var distroKernel = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?(-[0-9]+(\.[0-9]+)*|\+deb[0-9]+|\+bpo)-[a-z0-9-]+$`)

// IsDistroKernel says whether kver looks like a kernel from Debian's or
// Ubuntu's own linux-image-<kver> packages (6.1.0-56-amd64, 5.15.0-91-generic)
// on a Debian/Ubuntu target, so that the package may depend on it.
func IsDistroKernel(t pkg.Target, kver string) bool {
	id := t.DistroID
	like := strings.Join(t.DistroLike, " ")
	if id != "debian" && id != "ubuntu" && !strings.Contains(like, "debian") && !strings.Contains(like, "ubuntu") {
		return false
	}
	return distroKernel.MatchString(kver)
}

// ModuleDir is lib/modules/<kver>/updates/nfsbundle: Debian's depmod
// searches updates/ first. Kernels of releases that finished the /usr
// merge (trixie) get usr/lib/modules, where their own modules are: dpkg
// there must not see one file under two names.
func (Packager) ModuleDir(t pkg.Target, kver string) string {
	if debian.UsrOnlyKernel(kver) {
		return "usr/" + pkg.KernelModuleDir(kver, "updates")
	}
	return pkg.KernelModuleDir(kver, "updates")
}

// Complete names the package nfsbundle-modules-<kver>_<ver>-<rel>_<arch>.deb
// and adds the dependencies, nfsbundle-ctl, the documentation and the
// scripts.
func (Packager) Complete(p *pkg.Package, m *pkg.Modules) error {
	p.Name = PackageName(m.KVer)
	p.Release = m.Release
	p.Summary = "nfsbundle NFS stack modules for Linux " + m.KVer
	if m.Legacy {
		p.Summary += " (legacy tree)"
	}
	p.Section = "kernel"
	p.Requires = append(p.Requires, pkg.Relation{Name: "nfs-common"})
	if IsDistroKernel(m.Target, m.KVer) {
		img := pkg.Relation{Name: "linux-image-" + m.KVer}
		if m.Target.DistroID == "ubuntu" {
			img.Name += " | linux-image-unsigned-" + m.KVer
		}
		p.Requires = append(p.Requires, img)
	}
	p.Provides = append(p.Provides, pkg.Relation{Name: pkg.ProjectName + "-modules"}, pkg.Relation{Name: pkg.ProjectName + "-kmod", Op: "=", Version: m.Version})
	ctl := ""
	if m.CtlBinary != "" {
		// Packages for several kernels coexist: each ships its own copy.
		ctl = "/usr/lib/" + pkg.ProjectName + "/" + m.KVer + "/" + CtlFileName
		p.Files = append(p.Files, pkg.File{Dest: ctl, Src: m.CtlBinary, Mode: 0o755})
	}
	doc := "/usr/share/doc/" + p.Name
	p.Files = append(p.Files,
		pkg.File{Dest: doc + "/copyright", Body: Copyright(m.CtlBinary != ""), Mode: 0o644},
		pkg.File{Dest: doc + "/changelog.Debian.gz", Body: Changelog(p.Name, m.Version+"-"+m.Release, m.KVer, p.MTime), Mode: 0o644},
	)
	p.Scripts = scripts(m.KVer, ctl)
	return nil
}
