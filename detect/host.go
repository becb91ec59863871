// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// Options are the user's choices that steer detection.
type Options struct {
	Root       string // "/" except in tests
	Release    string // --kernel or KVER=
	KDir       string // --kdir
	NoOFED     bool   // --no-ofed
	IDOverride string // ID_OVERRIDE=
	CC         string // $CC: the compiler to use instead of the one the headers ask for
	// Commands run on the live host; nil in tests (treated as absent).
	RunCmd func(ctx context.Context, name string, args ...string) (string, error)
	// LookPath finds a command on the live host (exec.LookPath); nil in
	// tests (nothing is found).
	LookPath func(name string) (string, error)
	// ReadModuleKey reads an installed module's signer (sign.ModuleKey);
	// nil leaves the MOK state unknown.
	ReadModuleKey ReadKeyFunc
}

// Detect runs every detector. The returned error is the first fatal one;
// a *NoHeadersError or ErrNoHeadersAtAll lets the caller fetch headers.
func Detect(ctx context.Context, o Options) (Target, error) {
	if o.Root == "" {
		o.Root = "/"
	}
	var t Target
	var err error
	t.Arch = machineArch()
	if t.Distro, err = DetectDistro(o.Root, o.IDOverride); err != nil {
		return t, err
	}
	t.Kernel, err = SelectKernel(KernelQuery{Root: o.Root, Release: o.Release, KDir: o.KDir,
		Running: runningRelease(o.Root), Family: t.Distro.Family})
	if err != nil {
		return t, err
	}
	if t.Config, err = ReadConfig(t.Kernel.HeadersDir); err != nil {
		return t, err
	}
	t.Compiler = hostCompiler(ctx, o, t)
	if o.NoOFED {
		t.OFED = OFED{Disabled: true}
	} else {
		info, _ := o.run(ctx, "ofed_info", "-s")
		t.OFED = DetectOFED(OFEDQuery{Root: o.Root, Release: t.Kernel.Release, Arch: t.Arch, InfoOutput: info})
	}
	sb, _ := o.run(ctx, "mokutil", "--sb-state")
	t.SecureBoot = DetectSecureBoot(o.Root, sb)
	t.MOK = CheckMOK(ctx, MOKQuery{Root: o.Root, Module: InstalledModule(o.Root, t.Kernel.Release, "sunrpc"),
		ReadKey: o.ReadModuleKey, Run: o.mokutil()})
	return t, nil
}

// mokutil is the runner for mokutil, nil when it is not installed.
func (o Options) mokutil() func(ctx context.Context, name string, args ...string) (string, error) {
	if _, err := o.lookPath("mokutil"); err != nil || o.RunCmd == nil {
		return nil
	}
	return o.RunCmd
}

func (o Options) run(ctx context.Context, name string, args ...string) (string, error) {
	if o.RunCmd == nil {
		return "", errors.New("no command runner")
	}
	return o.RunCmd(ctx, name, args...)
}

func (o Options) lookPath(name string) (string, error) {
	if o.LookPath == nil {
		return "", errors.New("no command lookup")
	}
	return o.LookPath(name)
}

// LiveRunner runs a host command and returns its combined output.
func LiveRunner(ctx context.Context, name string, args ...string) (string, error) {
	if _, err := exec.LookPath(name); err != nil {
		return "", err
	}
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

// runningRelease is uname -r; a fixture root may pin it in proc/sys/kernel/osrelease.
func runningRelease(root string) string {
	if root != "/" {
		if data, err := os.ReadFile(root + "/proc/sys/kernel/osrelease"); err == nil {
			return strings.TrimSpace(string(data))
		}
		return ""
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

// hostCompiler finds the compiler the headers ask for (gcc-12 on Debian 6.1)
// and compares its version with the one the kernel was built with.
func hostCompiler(ctx context.Context, o Options, t Target) Compiler {
	expected := t.Config.Values["CONFIG_CC_VERSION_TEXT"]
	name := ExpectedCC(t.Kernel.HeadersDir)
	if o.CC != "" {
		name = o.CC
	}
	if name == "" {
		name = "gcc"
	}
	path, err := o.lookPath(name)
	if err != nil && name != "gcc" {
		if p, err2 := o.lookPath("gcc"); err2 == nil {
			path, err = p, nil
		}
	}
	if err != nil {
		return Compiler{Expected: expected, ExpectedMajor: CompilerMajor(expected), Path: ""}
	}
	out, _ := o.run(ctx, path, "--version")
	first, _, _ := strings.Cut(out, "\n")
	return CompareCompiler(expected, first, path)
}

func machineArch() string {
	switch runtime.GOARCH {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "aarch64"
	case "ppc64le":
		return "ppc64le"
	}
	return runtime.GOARCH
}

// Facts is one line per fact, for people (build.sh detect).
func (t Target) Facts() []string {
	facts := []string{
		fmt.Sprintf("distro: %s %s (%s family)", t.Distro.ID, t.Distro.VersionID, t.Distro.Family),
		fmt.Sprintf("kernel: %s (upstream %s, chosen by %s), headers %s", t.Kernel.Release, t.Kernel.Version, t.Kernel.Chosen, t.Kernel.HeadersDir),
		fmt.Sprintf("config: modversions=%v module_sig=%v hash=%s compress=%s builtin=%v", t.Config.Modversions, t.Config.ModuleSig, orNone(t.Config.SigHash), orNone(t.Config.Compress), t.Config.Builtin),
		fmt.Sprintf("compiler: %s (headers expect %q)", orNone(t.Compiler.Found), t.Compiler.Expected),
		fmt.Sprintf("ofed: %s", t.OFED.describe()),
	}
	return append(facts, SecureBootLines(t.SecureBoot, t.MOK)...)
}

func (o OFED) describe() string {
	switch {
	case o.Disabled:
		return "ignored (--no-ofed)"
	case !o.Installed:
		return "not installed (inbox RDMA stack)"
	}
	return fmt.Sprintf("%s at %s (dkms=%v, built for %s)", orNone(o.Version), orNone(o.Dir), o.DKMS, orNone(o.ForKernel))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
