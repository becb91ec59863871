// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package stack is the NFS stack nfsbundle builds, written once: every
// module with the Kconfig option that builds it and the directory of the
// kernel tree it is built in. kbuild turns it into CONFIG_ assignments and
// the list of modules a build must produce, nfsbundle-ctl verifies and
// reloads it, vmtest loads it.
package stack

import "slices"

// Module is one module of the stack.
type Module struct {
	Name string // as modprobe and /sys/module know it
	// Option is the tristate Kconfig option (without CONFIG_) that builds
	// it. It must be a module (or absent) in the target: one built into
	// vmlinux cannot be replaced by an out-of-tree module.
	Option string
	// Dir is where the kernel tree builds it. It lies under one of the
	// obj-m entries of kernel-src/*/Kbuild (stack_test.go checks that).
	Dir string
	// RDMA marks a module that needs the kernel's RDMA stack: builds
	// without RDMA leave it out.
	RDMA bool
}

// Modules are the modules nfsbundle builds and installs, in dependency
// order (a module never depends on one listed after it).
var Modules = []Module{
	{Name: "sunrpc", Option: "SUNRPC", Dir: "net/sunrpc"},
	{Name: "auth_rpcgss", Option: "SUNRPC_GSS", Dir: "net/sunrpc/auth_gss"},
	{Name: "rpcsec_gss_krb5", Option: "RPCSEC_GSS_KRB5", Dir: "net/sunrpc/auth_gss"},
	{Name: "rpcrdma", Option: "SUNRPC_XPRT_RDMA", Dir: "net/sunrpc/xprtrdma", RDMA: true},
	{Name: "grace", Option: "GRACE_PERIOD", Dir: "fs/nfs_common"},
	{Name: "nfs_acl", Option: "NFS_ACL_SUPPORT", Dir: "fs/nfs_common"},
	{Name: "lockd", Option: "LOCKD", Dir: "fs/lockd"},
	{Name: "nfs", Option: "NFS_FS", Dir: "fs/nfs"},
	{Name: "nfsv2", Option: "NFS_V2", Dir: "fs/nfs"},
	{Name: "nfsv3", Option: "NFS_V3", Dir: "fs/nfs"},
	{Name: "nfsv4", Option: "NFS_V4", Dir: "fs/nfs"},
	{Name: "nfs_layout_nfsv41_files", Option: "PNFS_FILE_LAYOUT", Dir: "fs/nfs/filelayout"},
	{Name: "nfs_layout_flexfiles", Option: "PNFS_FLEXFILE_LAYOUT", Dir: "fs/nfs/flexfilelayout"},
	{Name: "blocklayoutdriver", Option: "PNFS_BLOCK", Dir: "fs/nfs/blocklayout"},
	{Name: "nfsd", Option: "NFSD", Dir: "fs/nfsd"},
}

// VmlinuxOnly are Kconfig options of helpers some kernels build in
// (Debian 6.1: both =y); when built in, their exports live in vmlinux and
// must not be rebuilt.
var VmlinuxOnly = []string{"NFS_COMMON", "NFS_V4_2_SSC_HELPER"}

// Core are the modules a development run loads when it has no manifest
// (a stock kernel), in the order vmtest resolves their dependencies from.
var Core = []string{"sunrpc", "grace", "lockd", "nfs_acl", "auth_rpcgss", "nfs", "nfsv3", "nfsv4", "nfsd"}

// Extra are NFS-stack modules some kernels have that nfsbundle does not
// build; nfsbundle-ctl lists them and unloads them with the stack.
var Extra = []string{"nfs_ssc", "compat_nfs_ssc", "xprtrdma", "svcrdma", "nfsv4_2"}

// Build returns the modules a build produces, in dependency order: all of
// them, or all but the RDMA ones when withoutRDMA.
func Build(withoutRDMA bool) []Module {
	var out []Module
	for _, m := range Modules {
		if !(m.RDMA && withoutRDMA) {
			out = append(out, m)
		}
	}
	return out
}

// Names returns the names of Build(withoutRDMA).
func Names(withoutRDMA bool) []string {
	var out []string
	for _, m := range Build(withoutRDMA) {
		out = append(out, m.Name)
	}
	return out
}

// Contains reports whether name belongs to the NFS stack: one of Modules
// or of Extra.
func Contains(name string) bool {
	return slices.Contains(Names(false), name) || slices.Contains(Extra, name)
}
