// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nfsbundle/nfsbundle/buildroot"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/hosttools"
)

// validate is the first step: every input checked against its grammar.
func (b *build) validate(ctx context.Context) (string, error) {
	return "", validateBin(b.f, b.top)
}

// preflightHost checks for every host tool that is known before the
// target is (all but the compiler and the compressor), before anything
// slow: the build root's debootstrap, or fetching headers in detect.
func (b *build) preflightHost(ctx context.Context) (string, error) {
	plan := hosttools.Plan{HostBuild: true, FetchDebian: b.f.source == "" && hostIsDebian(), Staging: true}
	if kver := requestedKernel(b.f.target); kver != "" {
		// Only a named kernel gets a build root (buildroot.Options.HostDetects);
		// an error here is prepareRoot's to report.
		if suite, err := buildroot.Choose(b.f.buildroot, kver); err == nil && suite != "" {
			plan.HostBuild = false // make and the compiler are the root's
			plan.NewRoot = !buildroot.Complete(rootFlags.cacheDir, suite)
		}
	}
	return "", b.ensureTools(ctx, plan)
}

// preflight checks, and where allowed installs, every host tool the rest
// of the build runs, now with the target's compiler and compressor, before
// compat compiles anything. What was installed may change what detect
// found (a compiler), so detect runs again then.
func (b *build) preflight(ctx context.Context) (string, error) {
	t := b.target
	plan := hosttools.Plan{
		HostBuild:   b.env == nil,
		Compiler:    makeCompiler(t.Kernel.HeadersDir),
		Compress:    t.Config.Compress,
		FetchDebian: b.f.source == "" && hostIsDebian(),
		Staging:     true,
	}
	if plan.HostBuild {
		plan.Libraries = hosttools.HeaderLibraries(t.Kernel.HeadersDir)
	}
	before := len(b.installed)
	if err := b.ensureTools(ctx, plan); err != nil {
		return "", err
	}
	if len(b.installed) > before {
		_, err := b.detect(ctx)
		return "", err
	}
	return "", nil
}

// ensureTools runs the preflight for plan: apt-get installs what is
// missing as root on Debian or Ubuntu unless --no-install says otherwise.
func (b *build) ensureTools(ctx context.Context, plan hosttools.Plan) error {
	pkgs, err := hosttools.Ensure(ctx, plan.Tools(), hosttools.Options{
		Look: hosttools.Look, NoInstall: noInstallReason(b.f.noInstall), Log: filepath.Join(b.top, "build", "apt.log")})
	b.installed = append(b.installed, pkgs...)
	return err
}

// noInstallReason says why the preflight may not install (for its error
// message), or "" when it may.
func noInstallReason(noInstall bool) string {
	switch {
	case noInstall:
		return "--no-install"
	case os.Geteuid() != 0:
		return "not running as root"
	case !hostIsDebian():
		return "apt-get installs only on Debian or Ubuntu hosts"
	}
	return ""
}

// hostIsDebian: the host itself (not ID_OVERRIDE's claim) is Debian or
// Ubuntu, so apt-get and the package table apply.
func hostIsDebian() bool {
	d, err := detect.DetectDistro("/", "")
	return err == nil && (d.ID == "debian" || d.ID == "ubuntu")
}

// compilerName is what a compiler command may look like; anything else in
// a headers tree's .kernelvariables is not trusted into a message.
var compilerName = regexp.MustCompile(`^[A-Za-z0-9_.+-]{1,64}$`)

// makeCompiler is the compiler make runs on the host: $CC's program when
// set (kbuild passes it on), else the one the headers name (gcc-12 for
// Debian's 6.1: make uses it whatever detect found), else gcc.
func makeCompiler(headersDir string) string {
	if f := strings.Fields(environ.cc); len(f) > 0 {
		return f[0]
	}
	if cc := detect.ExpectedCC(headersDir); compilerName.MatchString(cc) {
		return cc
	}
	return "gcc"
}
