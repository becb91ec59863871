// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package ctl is the logic behind nfsbundle-ctl, the runtime helper shipped
// in every package: which NFS stack is loaded (status), whether it is the
// installed one (verify), swapping it without a reboot (reload), per-mount
// transport state (mountstats) and kernel tracing presets (trace).
//
// Every function that reads the system takes a Root, so tests run over
// fixture /sys, /proc and /lib/modules trees under testdata/.
package ctl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Root locates the parts of the system nfsbundle-ctl reads. The zero value
// is not useful: use System() or fill every field (tests point them at
// fixture trees).
type Root struct {
	SysRoot     string // /sys
	ProcRoot    string // /proc
	ModulesRoot string // /lib/modules
	RunRoot     string // /run (systemd detection: /run/systemd/system)
	BootRoot    string // /boot (the initramfs images)
	// KernelRelease is `uname -r`; empty means read ProcRoot/sys/kernel/osrelease.
	KernelRelease string
}

// System is the Root of the running system.
func System() Root {
	return Root{SysRoot: "/sys", ProcRoot: "/proc", ModulesRoot: "/lib/modules", RunRoot: "/run", BootRoot: "/boot"}
}

// Sys joins elems under SysRoot.
func (r Root) Sys(elem ...string) string {
	return filepath.Join(append([]string{r.SysRoot}, elem...)...)
}

// Proc joins elems under ProcRoot.
func (r Root) Proc(elem ...string) string {
	return filepath.Join(append([]string{r.ProcRoot}, elem...)...)
}

// Release returns the kernel release the system runs.
func (r Root) Release() (string, error) {
	if r.KernelRelease != "" {
		return r.KernelRelease, nil
	}
	b, err := os.ReadFile(r.Proc("sys", "kernel", "osrelease"))
	if err != nil {
		return "", fmt.Errorf("cannot tell the running kernel release: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// ModuleDir is ModulesRoot/<release>.
func (r Root) ModuleDir() (string, error) {
	rel, err := r.Release()
	if err != nil {
		return "", err
	}
	return filepath.Join(r.ModulesRoot, rel), nil
}

// Debugfs is where debugfs is expected.
func (r Root) Debugfs() string { return r.Sys("kernel", "debug") }

// readTrim reads a small sysfs/procfs file and trims it.
func readTrim(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ErrNotRoot is returned by operations that need root.
var ErrNotRoot = errors.New("must run as root")

// RequireRoot fails with a one-line hint when euid is not 0.
func RequireRoot(what string) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s: %w (try: sudo nfsbundle-ctl %s)", what, ErrNotRoot, what)
	}
	return nil
}
