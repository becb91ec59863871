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
)

// moduleOptions are the tristate Kconfig options whose modules we build.
// Each must be a module (or absent) in the target: one built into vmlinux
// cannot be replaced by an out-of-tree module.
var moduleOptions = []string{
	"SUNRPC", "SUNRPC_GSS", "RPCSEC_GSS_KRB5", "SUNRPC_XPRT_RDMA",
	"LOCKD", "GRACE_PERIOD", "NFS_ACL_SUPPORT",
	"NFS_FS", "NFS_V2", "NFS_V3", "NFS_V4", "NFSD",
	"PNFS_FILE_LAYOUT", "PNFS_BLOCK", "PNFS_FLEXFILE_LAYOUT",
}

// vmlinuxOnly are helpers some kernels build in (Debian 6.1: both =y);
// when built in their exports live in vmlinux and must not be rebuilt.
var vmlinuxOnly = []string{"NFS_COMMON", "NFS_V4_2_SSC_HELPER"}

// Params are the inputs that shape the make command line.
type Params struct {
	KDir        string
	Src         string
	Jobs        int
	Config      detect.Config
	WithoutRDMA bool
	CC          string // only when the user overrides the headers' choice
	// Command makes the make process; nil runs make on the host. A build
	// root passes its chroot runner here.
	Command func(ctx context.Context, name string, args ...string) *exec.Cmd
}

// ConfigAssignments returns the CONFIG_X=m / CONFIG_X= assignments for the
// make command line, sorted, or an error when the target has the stack
// built in.
func ConfigAssignments(cfg detect.Config, withoutRDMA bool) ([]string, error) {
	var out []string
	for _, o := range moduleOptions {
		if cfg.IsBuiltin(o) {
			return nil, fmt.Errorf("the target kernel has CONFIG_%s=y: that part of the NFS stack is built into vmlinux and cannot be replaced by modules; use a kernel with it as a module (=m)", o)
		}
		val := "m"
		if o == "SUNRPC_XPRT_RDMA" && withoutRDMA {
			val = ""
		}
		out = append(out, "CONFIG_"+o+"="+val)
	}
	for _, o := range vmlinuxOnly {
		val := cfg.Values["CONFIG_"+o]
		if val == "y" {
			val = ""
		}
		out = append(out, "CONFIG_"+o+"="+val)
	}
	sort.Strings(out)
	return out, nil
}

// MakeArgs is the full argument list for make.
func MakeArgs(p Params) ([]string, error) {
	assign, err := ConfigAssignments(p.Config, p.WithoutRDMA)
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

// ExpectedModules lists the modules a build with these options produces.
func ExpectedModules(withoutRDMA bool) []string {
	mods := []string{"sunrpc", "auth_rpcgss", "rpcsec_gss_krb5", "rpcrdma", "grace", "nfs_acl",
		"lockd", "nfs", "nfsv2", "nfsv3", "nfsv4", "nfs_layout_nfsv41_files",
		"nfs_layout_flexfiles", "blocklayoutdriver", "nfsd"}
	if withoutRDMA {
		mods = append(mods[:3], mods[4:]...)
	}
	return mods
}
