// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package rpm

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nfsbundle/nfsbundle/pkg"
)

// acceptedError is an rpmlint error we ship on purpose. rpmlint reports an
// rpmlintrc filter that matches nothing as an error of its own
// (unused-rpmlintrc-filter), so each one is written only for packages
// where it applies: the file lists exactly this package's findings.
type acceptedError struct {
	applies func(p *pkg.Package) bool
	finding string // the rpmlint line after "<name>.<arch>: E: "
	reason  string
}

var acceptedErrors = []acceptedError{
	{
		applies: func(p *pkg.Package) bool { return ships(p, pkg.CtlPath) },
		finding: "statically-linked-binary " + pkg.CtlPath,
		reason: "nfsbundle-ctl is a static Go binary (CGO_ENABLED=0) on purpose: one build runs on every\n" +
			"# distribution and in an initramfs. rpmlint's default policy (glibc distributions) rejects static executables.",
	},
	{
		applies: func(p *pkg.Package) bool { return p.RPM.Sign == nil },
		finding: "no-signature",
		reason: "No RPM signing key was given (" + SignKeyEnv + "): sign the package afterwards with\n" +
			"# rpmsign --addsign, or set " + SignKeyEnv + " to sign it when it is built.",
	},
}

// ships says whether p installs a file at dest.
func ships(p *pkg.Package, dest string) bool {
	for _, f := range p.Files {
		if f.Dest == dest {
			return true
		}
	}
	return false
}

// LintrcName is the rpmlintrc written beside the package file rpmName.
func LintrcName(rpmName string) string { return strings.TrimSuffix(rpmName, ".rpm") + ".rpmlintrc" }

// Companions is the package's rpmlintrc, written beside it in dist/ and
// named after it: `rpmlint -r <rpm minus .rpm>.rpmlintrc <rpm>` then
// reports no error. It lives beside the RPM rather than in the source
// release because what it accepts depends on the package (signed or not,
// with or without nfsbundle-ctl).
func (pk Packager) Companions(p *pkg.Package) []pkg.Companion {
	return []pkg.Companion{{Name: LintrcName(pk.FileName(p)), Body: Lintrc(p)}}
}

// Lintrc renders the rpmlintrc: one anchored addFilter per accepted error
// of p, each after its reason. rpmlint matches the filter against the whole
// report line ("nfsbundle.x86_64: E: no-signature"), so an anchored,
// quoted line filters that one finding and nothing else.
func Lintrc(p *pkg.Package) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# rpmlint filters for %s, written by nfsbundle beside the package.\n", Packager{}.FileName(p))
	b.WriteString("# Use: rpmlint -r <this file> <the rpm>. Each filter is an error we accept, after its reason;\n")
	b.WriteString("# warnings are not filtered.\n")
	prefix := p.Name + "." + Arch(p.Arch) + ": E: "
	for _, a := range acceptedErrors {
		if !a.applies(p) {
			continue
		}
		fmt.Fprintf(&b, "\n# %s\naddFilter(r\"^%s$\")\n", a.reason, regexp.QuoteMeta(prefix+a.finding))
	}
	return []byte(b.String())
}
