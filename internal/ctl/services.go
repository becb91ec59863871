// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Executor runs external programs with argument lists. System() is the real
// one; tests substitute a recorder.
type Executor interface {
	Output(ctx context.Context, name string, args ...string) ([]byte, error)
	LookPath(name string) (string, error)
}

type sysExec struct{}

func (sysExec) Output(ctx context.Context, name string, args ...string) ([]byte, error) {
	return run.Output(ctx, name, args...)
}
func (sysExec) LookPath(name string) (string, error) { return exec.LookPath(name) }

// SystemExec runs real programs.
var SystemExec Executor = sysExec{}

// NFSServices are the systemd units that hold the NFS stack, in the order
// they are stopped (started in reverse).
var NFSServices = []string{
	"nfs-server.service", "nfs-mountd.service", "nfsdcld.service",
	"nfs-idmapd.service", "rpc-svcgssd.service", "rpc-gssd.service",
	"rpc-statd.service", "nfs-blkmap.service", "gssproxy.service",
	"rpcbind.socket", "rpcbind.service",
}

// ServiceState is a unit and its ActiveState.
type ServiceState struct {
	Unit  string `json:"unit"`
	State string `json:"state"`
}

// Systemd reports whether systemd runs the system (sd_booted semantics).
func Systemd(r Root) bool {
	return exists(filepath.Join(r.RunRoot, "systemd", "system"))
}

// Services returns the state of NFSServices. ok is false (and the reason
// says why) when services were skipped: no systemd, or no systemctl.
func Services(ctx context.Context, r Root, ex Executor) (states []ServiceState, skipped string) {
	if !Systemd(r) {
		return nil, "systemd not running"
	}
	if _, err := ex.LookPath("systemctl"); err != nil {
		return nil, "systemctl not found"
	}
	out, _ := ex.Output(ctx, "systemctl", append([]string{"is-active"}, NFSServices...)...)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, u := range NFSServices {
		st := "unknown"
		if i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			st = strings.TrimSpace(lines[i])
		}
		states = append(states, ServiceState{Unit: u, State: st})
	}
	return states, ""
}

// activeServices keeps the units that are active or activating.
func activeServices(states []ServiceState) []string {
	var out []string
	for _, s := range states {
		if s.State == "active" || s.State == "activating" || s.State == "reloading" {
			out = append(out, s.Unit)
		}
	}
	return out
}
