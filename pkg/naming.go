// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"regexp"
	"runtime"
	"strings"

	"github.com/nfsbundle/nfsbundle/detect"
)

// Project-wide package metadata.
const (
	ProjectName = "nfsbundle"
	Homepage    = "https://github.com/nfsbundle/nfsbundle"
	Maintainer  = "nfsbundle Authors <nfsbundle@users.noreply.github.com>"
	Vendor      = "nfsbundle"
	// ModuleSubdir is the directory below extra/ or updates/ holding our modules.
	ModuleSubdir = "nfsbundle"
	// CtlPath is where the runtime helper is installed.
	CtlPath = "/usr/sbin/nfsbundle-ctl"
)

// RPMArch and DebArch translate an architecture name (uname -m or Debian
// spelling; empty means the build host's) into each format's spelling.
func RPMArch(a string) string {
	switch a = normArch(a); a {
	case "amd64", "x86_64":
		return "x86_64"
	case "arm64", "aarch64":
		return "aarch64"
	case "ppc64el", "ppc64le":
		return "ppc64le"
	case "386", "i386", "i686":
		return "i686"
	}
	return a
}

// DebArch: see RPMArch.
func DebArch(a string) string {
	switch a = normArch(a); a {
	case "amd64", "x86_64":
		return "amd64"
	case "arm64", "aarch64":
		return "arm64"
	case "ppc64el", "ppc64le":
		return "ppc64el"
	case "386", "i386", "i686":
		return "i386"
	}
	return a
}

func normArch(a string) string {
	if a == "" {
		a = runtime.GOARCH
	}
	return strings.ToLower(a)
}

// RPMKernelTag turns a kernel release into the part after "kernel_" in the
// RPM release: '-' and '.' become '_' (6.1.0-56-amd64 -> 6_1_0_56_amd64).
func RPMKernelTag(kver string) string {
	return strings.NewReplacer("-", "_", ".", "_").Replace(kver)
}

var debNameBad = regexp.MustCompile(`[^a-z0-9+.-]+`)

// DebPackageName is nfsbundle-modules-<kver>, with characters Debian does not
// allow in package names replaced by '-'.
func DebPackageName(kver string) string {
	return "nfsbundle-modules-" + debNameBad.ReplaceAllString(strings.ToLower(kver), "-")
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
func IsRHELFamily(t detect.Target) bool {
	id := t.Distro.ID
	switch {
	case t.Distro.Family != "rpm":
	case rhelIDs[id]:
		return true
	case id == "fedora" || id == "sles" || strings.Contains(id, "suse"):
		return false
	default:
		for _, l := range t.Distro.Like {
			if l == "rhel" || l == "centos" {
				return true
			}
		}
	}
	return rhelKernel.MatchString(t.Kernel.Release)
}

// ModuleDir is the directory (relative to /) the binary package installs
// the modules into: lib/modules/<kver>/extra/nfsbundle on the RHEL family,
// lib/modules/<kver>/updates/nfsbundle elsewhere (SUSE, Fedora, Debian).
func ModuleDir(format string, t detect.Target, kver string) string {
	base := "updates"
	if format == "rpm" && IsRHELFamily(t) {
		base = "extra"
	}
	return "lib/modules/" + kver + "/" + base + "/" + ModuleSubdir
}

var distroKernel = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?-[0-9]+(\.[0-9]+)*-[a-z0-9-]+$`)

// IsDistroDebKernel says whether kver looks like a kernel from Debian's or
// Ubuntu's own linux-image-<kver> packages (6.1.0-56-amd64, 5.15.0-91-generic)
// on a Debian/Ubuntu target, so that the package may depend on it.
func IsDistroDebKernel(t detect.Target, kver string) bool {
	id := t.Distro.ID
	like := strings.Join(t.Distro.Like, " ")
	if id != "debian" && id != "ubuntu" && !strings.Contains(like, "debian") && !strings.Contains(like, "ubuntu") {
		return false
	}
	return distroKernel.MatchString(kver)
}
