// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/nfsbundle/nfsbundle/buildroot"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/tree"
)

// validateBin checks every input of `build.sh bin` against its grammar
// before anything uses or prints it: the first pipeline step. The errors
// are usage errors (cli.ExitUsage) of one line that do not repeat the
// value; only the first is reported, so the error stays one line.
func validateBin(f binFlags, top string) error {
	err := firstErr(
		checkKernelInputs(f.target),
		checkPathFlags(f),
		checkChoices(f, top),
		checkPackageFlags(f.pkg),
	)
	if err != nil {
		return cli.Usage(err)
	}
	return nil
}

// checkKernelInputs: the release (--kernel or $KVER), $ID_OVERRIDE, --kdir.
func checkKernelInputs(f targetFlags) error {
	var errs []error
	if rel := requestedKernel(f); rel != "" {
		if err := detect.CheckRelease(rel); err != nil {
			errs = append(errs, fmt.Errorf("--kernel (or $KVER): %w", err))
		}
	}
	if environ.idOverride != "" {
		errs = append(errs, detect.CheckDistroID(environ.idOverride))
	}
	if f.kdir != "" {
		errs = append(errs, cli.CheckPath("--kdir", f.kdir, true, true))
	}
	if cc := strings.Fields(environ.cc); environ.cc != "" && (len(cc) == 0 || !compilerName.MatchString(cc[0])) {
		errs = append(errs, errors.New("$CC: not a compiler command (e.g. gcc-12)"))
	}
	return firstErr(errs...)
}

// checkPathFlags: files that must exist are checked here; the signing key
// and certificate only for their grammar, because sign.Resolve reports an
// unusable key with its own exit status (cli.ExitSigningKey).
func checkPathFlags(f binFlags) error {
	var errs []error
	if f.source != "" {
		errs = append(errs, cli.CheckPath("--source", f.source, true, false))
	}
	for _, p := range []struct{ what, path string }{
		{"--sign-key (or $MODULE_SIGN_PRIV_KEY)", firstSet(f.signKey, environ.sign.Key)},
		{"--sign-cert (or $MODULE_SIGN_PUB_KEY)", firstSet(f.signCert, environ.sign.Cert)},
		{"--cache-dir (or $NFSBUNDLE_CACHE)", rootFlags.cacheDir},
		{"--dist", f.pkg.dist},
	} {
		if p.path != "" {
			errs = append(errs, cli.CheckPath(p.what, p.path, false, false))
		}
	}
	if f.pkg.ctl != "" {
		errs = append(errs, cli.CheckPath("--ctl", f.pkg.ctl, true, false))
	}
	return firstErr(errs...)
}

// checkChoices: flags whose value is one of a known set.
func checkChoices(f binFlags, top string) error {
	var errs []error
	if f.tree != "" {
		errs = append(errs, checkTreeName(f.tree, top))
	}
	if f.buildroot != "" && f.buildroot != "auto" && f.buildroot != "host" && !slices.Contains(buildroot.Suites, f.buildroot) {
		errs = append(errs, fmt.Errorf("--buildroot: not a build root (use auto, host or one of %v)", buildroot.Suites))
	}
	if f.jobs < 1 {
		errs = append(errs, errors.New("-j: the number of jobs must be 1 or more"))
	}
	return firstErr(errs...)
}

// checkTreeName accepts only the names of the trees under kernel-src/, so
// the select stage never echoes an unknown one.
func checkTreeName(name, top string) error {
	trees, err := tree.Load(filepath.Join(top, "kernel-src"))
	if err != nil {
		return err
	}
	var names []string
	for _, t := range trees {
		if t.Name == name {
			return nil
		}
		names = append(names, t.Name)
	}
	return fmt.Errorf("--tree: not a source tree (have %v)", names)
}

var (
	// packageReleaseGrammar fits both an RPM release and a Debian revision.
	packageReleaseGrammar = regexp.MustCompile(`^[A-Za-z0-9.+~_]{1,40}$`)
	epochGrammar          = regexp.MustCompile(`^[0-9]{1,12}$`)
)

// checkPackageFlags: what the package stage writes into file names and
// package metadata.
func checkPackageFlags(f packageFlags) error {
	var errs []error
	if f.format != "" && f.format != "rpm" && f.format != "deb" {
		errs = append(errs, errors.New("--format: use rpm or deb"))
	}
	if f.release != "" && !packageReleaseGrammar.MatchString(f.release) {
		errs = append(errs, errors.New("--release: not a package release (letters, digits and . + ~ _ only, e.g. 2)"))
	}
	if environ.sourceDateEpoch != "" && !epochGrammar.MatchString(environ.sourceDateEpoch) {
		errs = append(errs, errors.New("$SOURCE_DATE_EPOCH: not a number of seconds"))
	}
	return firstErr(errs...)
}

// versionGrammar is the VERSION file: x.y.z with an optional suffix.
var versionGrammar = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+([.+~-][A-Za-z0-9.+~-]{1,40})?$`)

// checkVersion validates the VERSION file's content, which goes into
// package names and module metadata.
func checkVersion(v string) error {
	if !versionGrammar.MatchString(v) {
		return errors.New("the VERSION file does not hold a version like 1.0.0")
	}
	return nil
}

// firstErr is the first non-nil error of errs, or nil.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func firstSet(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
