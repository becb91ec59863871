// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package kbuild is the kbuild stage: one `make -C KDIR M=...` for every
// module of the stack, with the log kept and the first real error reported.
package kbuild

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strconv"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/stack"
)

// Params are the inputs that shape the make command line.
type Params struct {
	KDir        string
	Src         string
	Jobs        int
	Config      detect.Config
	WithoutRDMA bool
	// ConfigOff are Kconfig options (without CONFIG_) of features the
	// compat stage compiled out: cleared on the make command line.
	ConfigOff []string
	CC        string // only when the user overrides the headers' choice
	// Command makes the make process; nil runs make on the host. A build
	// root passes its chroot runner here.
	Command func(ctx context.Context, name string, args ...string) *exec.Cmd
}

// ConfigAssignments returns the CONFIG_X=m / CONFIG_X= assignments for the
// make command line, sorted, or an error when the target has the stack
// built in. The options are those of stack.Modules (each must be a module
// or absent in the target), stack.VmlinuxOnly (cleared when built in) and
// p.ConfigOff (cleared).
func ConfigAssignments(p Params) ([]string, error) {
	cfg, withoutRDMA := p.Config, p.WithoutRDMA
	var out []string
	for _, m := range stack.Modules {
		if cfg.IsBuiltin(m.Option) {
			return nil, fmt.Errorf("the target kernel has CONFIG_%s=y: that part of the NFS stack is built into vmlinux and cannot be replaced by modules; use a kernel with it as a module (=m)", m.Option)
		}
		val := "m"
		if m.RDMA && withoutRDMA {
			val = ""
		}
		out = append(out, "CONFIG_"+m.Option+"="+val)
	}
	for _, o := range stack.VmlinuxOnly {
		val := cfg.Values["CONFIG_"+o]
		if val == "y" {
			val = ""
		}
		out = append(out, "CONFIG_"+o+"="+val)
	}
	for _, o := range p.ConfigOff {
		out = append(out, "CONFIG_"+o+"=")
	}
	sort.Strings(out)
	return out, nil
}

// MakeArgs is the full argument list for make.
func MakeArgs(p Params) ([]string, error) {
	assign, err := ConfigAssignments(p)
	if err != nil {
		return nil, err
	}
	jobs := p.Jobs
	if jobs < 1 {
		jobs = 1
	}
	args := []string{"-C", p.KDir, "M=" + p.Src, "-j" + strconv.Itoa(jobs)}
	if p.CC != "" {
		args = append(args, "CC="+p.CC)
	}
	args = append(args, assign...)
	return append(args, "modules"), nil
}
