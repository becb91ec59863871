// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"time"

	"github.com/nfsbundle/nfsbundle/internal/run"
)

//go:embed guest/ctl-accept.sh
var ctlAcceptScript []byte

// Checks of the nfsbundle-ctl run (CtlOptions), in run order.
const (
	CheckCtlStock      = "ctl-status-stock" // status: inbox stack; verify: MISMATCH, exit 1
	CheckCtlReload     = "ctl-reload"       // refused while busy; swaps to ours; status, verify ok
	CheckCtlTraceStart = "ctl-trace-collect"
	CheckCtlMountstats = "ctl-mountstats" // nconnect=4: 4 transports, sunrpc-id
	CheckCtlTrace      = "ctl-trace"      // the mount's nfs/sunrpc events; save with meta.txt
)

// CtlChecks lists the check names of CtlOptions.
var CtlChecks = []string{CheckCtlStock, CheckCtlReload, CheckCtlTraceStart, CheckCtlMountstats, CheckCtlTrace}

// CtlGuestPath is where nfsbundle-ctl is installed in the guest.
const CtlGuestPath = "/usr/sbin/nfsbundle-ctl"

// BuildCtl builds cmd/nfsbundle-ctl as the static binary the packages ship
// (CGO_ENABLED=0, linux/amd64) at out.
func BuildCtl(ctx context.Context, top, out string) error {
	goBin, err := findGo()
	if err != nil {
		return err
	}
	env := append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if _, err := run.OutputIn(ctx, top, env, goBin, "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./cmd/nfsbundle-ctl"); err != nil {
		return fmt.Errorf("building nfsbundle-ctl: %w", err)
	}
	return nil
}

// CtlOptions turns o into the nfsbundle-ctl acceptance run: the guest boots
// the kernel's own NFS stack (nfsv3 and what it needs) with the module tree
// installed as the packages install it (InstallTree), and runs ctl, the
// static nfsbundle-ctl binary, as the admin would:
//
//	ctl-status-stock   status says "inbox stack loaded"; verify exits 1 (MISMATCH)
//	ctl-reload         reload refuses while a process sits in an NFS mount and
//	                   changes nothing; after it is gone reload swaps the stack;
//	                   status shows VERSION, verify exits 0
//	ctl-trace-collect  trace collect meta:16 (RAM buffer)
//	ctl-mountstats     an nconnect=4 mount shows 4 transports and a sunrpc-id
//	ctl-trace          that mount's sunrpc and nfs events are in the buffer;
//	                   trace save writes a tarball with meta.txt
//
// No built-in scenario runs; the checks need ~20 s of guest time under TCG.
func CtlOptions(o Options, ctl string) Options {
	o.Stock = true
	o.NoVerify = true
	o.InstallTree = true
	o.SkipLoad = false
	o.Modules = []string{"nfsv3"}
	o.Scenarios = []string{}
	script := File{Dst: "/usr/bin/ctl-accept", Data: ctlAcceptScript, Mode: 0o755}
	o.ExtraFiles = append(o.ExtraFiles, File{Src: ctl, Dst: CtlGuestPath, Mode: 0o755}, script)
	step := func(name, arg string, mount bool, opts string) ExtraCheck {
		return ExtraCheck{Name: name, Argv: []string{"/bin/sh", "/usr/bin/ctl-accept", arg},
			Env: []string{"CTL=" + CtlGuestPath}, Phase: PhaseAfterLoad, Timeout: 60 * time.Second,
			NeedsMount: mount, MountOptions: opts}
	}
	o.ExtraChecks = append(o.ExtraChecks,
		step(CheckCtlStock, "stock", false, ""),
		step(CheckCtlReload, "reload", true, ""),
		step(CheckCtlTraceStart, "trace-start", false, ""),
		step(CheckCtlMountstats, "mountstats", true, "nconnect=4"),
		step(CheckCtlTrace, "trace-check", false, ""),
	)
	return o
}
