// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package debian is what nfsbundle knows about the Debian archive: which
// release ships which kernel series, a private apt configuration per suite
// (own sources list, lists and cache under <cache>/apt/<suite>, signed by
// the Debian archive keyring), and one way to fetch packages: apt-get
// download, then dpkg-deb -x. No root is needed and nothing is installed.
// It fetches kernel headers (for any suite, the host's own included),
// linux-source tarballs, and the kernel images and userspace vmtest boots.
package debian

import (
	"strings"

	"github.com/nfsbundle/nfsbundle/detect"
)

// Release is one Debian release and the kernel series it ships.
type Release struct {
	Suite  string // codename: "bookworm"
	Number string // major version: "12" (Debian kernels say +deb12 or .deb12)
	Series string // kernel series: "6.1"
	// Archived releases have left Mirror (for archive.debian.org): their
	// kernels are recognised, nothing is fetched for them.
	Archived bool
	// UsrOnly releases complete the /usr merge (DEP 17): packages ship
	// below /usr only, and lintian rejects files under the aliased /lib.
	UsrOnly bool
}

// Releases are the Debian releases we know, newest first.
var Releases = []Release{
	{Suite: "trixie", Number: "13", Series: "6.12", UsrOnly: true},
	{Suite: "bookworm", Number: "12", Series: "6.1"},
	{Suite: "bullseye", Number: "11", Series: "5.10"},
	{Suite: "buster", Number: "10", Series: "4.19", Archived: true},
}

// SecuritySuite is the security suite of a release on SecurityMirror
// ("bookworm-security"), "" for a suite we do not know or that is archived.
// Debian ships its kernel updates between point releases there: without it
// a bookworm host sees 6.1.0-50 and linux-source-6.1 6.1.172 while its
// installed linux-image-amd64 is already 6.1.0-57 (6.1.192).
func SecuritySuite(suite string) string {
	if SeriesOf(suite) == "" {
		return ""
	}
	return suite + "-security"
}

// SeriesOf is the kernel series suite ships, "" for a suite we do not
// know or that is archived.
func SeriesOf(suite string) string {
	for _, r := range Releases {
		if r.Suite == suite && !r.Archived {
			return r.Series
		}
	}
	return ""
}

// SuiteOfSeries is the suite on Mirror that ships kernel series, "" when
// none does.
func SuiteOfSeries(series string) string {
	for _, r := range Releases {
		if r.Series == series && !r.Archived {
			return r.Suite
		}
	}
	return ""
}

// ForSeries is the apt configuration that fetches packages of the release
// shipping kernel series (linux-source-<series>): a private one under
// cache, even for the host's own release, because its lists are kept
// fresh (MaxAge) and the host's may be months old (a fresh bookworm image
// offered linux-source-6.1 6.1.172 while the archive had 6.1.192); nil
// when no release on Mirror ships series.
func ForSeries(cache, series string) *Apt {
	suite := SuiteOfSeries(series)
	if suite == "" {
		return nil
	}
	return Private(cache, suite)
}

// ForKernel is the apt configuration that fetches the packages of a Debian
// kernel release (its image, its headers): a private one of the kernel's
// suite under cache (fresh lists, as ForSeries), or the host's own for a
// kernel of no release this package knows.
func ForKernel(cache, kver string) *Apt {
	suite := SuiteFor(kver)
	if suite == "" {
		return Host
	}
	return Private(cache, suite)
}

// SuiteFor maps a Debian kernel release to the suite whose userland builds
// it: 5.10 -> bullseye, 6.1 -> bookworm, 6.12 -> trixie. Backports
// (6.1.0-0.deb11.N) belong to the suite they were built for (bullseye).
// It returns "" for a release it cannot place.
func SuiteFor(kver string) string {
	if r := builtBy(kver); r != nil {
		return r.Suite
	}
	for _, r := range Releases {
		if strings.HasPrefix(kver, r.Series+".") {
			return r.Suite
		}
	}
	return ""
}

// builtBy is the release whose own kernel packages kver names (+deb13,
// .deb12), nil for any other kernel.
func builtBy(kver string) *Release {
	for i, r := range Releases {
		if strings.Contains(kver, "+deb"+r.Number) || strings.Contains(kver, ".deb"+r.Number) {
			return &Releases[i]
		}
	}
	return nil
}

// UsrOnlyKernel says whether kver is a kernel of a Debian release whose
// packages ship below /usr only (trixie on: /usr/lib/modules).
func UsrOnlyKernel(kver string) bool {
	r := builtBy(kver)
	return r != nil && r.UsrOnly
}

// HostSuite is the Debian suite of the running system ("" if not Debian).
func HostSuite() string {
	d, err := detect.DetectDistro("/", "")
	if err != nil || d.ID != "debian" {
		return ""
	}
	return d.Codename
}
