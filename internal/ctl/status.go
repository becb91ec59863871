// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nfsbundle/nfsbundle/compat/features"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// Stack says which NFS stack the kernel runs.
type Stack string

const (
	StackOurs      Stack = "nfsbundle" // our sunrpc is loaded
	StackInbox     Stack = "inbox"     // the kernel's own sunrpc is loaded
	StackNotLoaded Stack = "not-loaded"
)

// Status is what `nfsbundle-ctl status` reports.
type Status struct {
	Kernel     string         `json:"kernel,omitempty"`
	Stack      Stack          `json:"stack"`
	Version    string         `json:"version,omitempty"`     // nfs_bundle_version
	GitVersion string         `json:"git_version,omitempty"` // nfs_bundle_git_version
	Modules    []string       `json:"modules"`               // loaded stack modules, load order
	Services   []ServiceState `json:"services,omitempty"`
	// ServicesSkipped says why services were not queried ("" when they were).
	ServicesSkipped string   `json:"services_skipped,omitempty"`
	RPCPipefs       []string `json:"rpc_pipefs"`
	// CompiledOut names the features of the loaded stack compiled out for
	// this kernel (nfs_bundle_compiled_out; compat/features).
	CompiledOut []string `json:"compiled_out,omitempty"`
	// ExposeID is expose_id_in_mountstats ("" when the parameter is absent).
	ExposeID string `json:"expose_id_in_mountstats,omitempty"`
	// Installed describes the sunrpc modprobe would load now.
	InstalledVersion string `json:"installed_version,omitempty"`
	InstalledPath    string `json:"installed_path,omitempty"`
}

// LoadedStack reads which stack is loaded and its version.
func LoadedStack(r Root) (stack Stack, version, git string) {
	params := r.Sys("module", "sunrpc", "parameters")
	if v, err := readTrim(params + "/nfs_bundle_version"); err == nil {
		g, _ := readTrim(params + "/nfs_bundle_git_version")
		return StackOurs, v, g
	}
	if exists(r.Sys("module", "sunrpc")) {
		return StackInbox, "", ""
	}
	return StackNotLoaded, "", ""
}

// GetStatus gathers the status. ex queries systemd (nil: SystemExec).
func GetStatus(ctx context.Context, r Root, ex Executor) (*Status, error) {
	if ex == nil {
		ex = SystemExec
	}
	st := &Status{Modules: []string{}, RPCPipefs: []string{}}
	st.Kernel, _ = r.Release()
	st.Stack, st.Version, st.GitVersion = LoadedStack(r)
	mods, err := LoadedModules(r)
	if err != nil {
		return nil, err
	}
	st.Modules = moduleNames(StackModules(mods))
	st.Services, st.ServicesSkipped = Services(ctx, r, ex)
	ms, err := Mounts(r)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.FSType == "rpc_pipefs" {
			st.RPCPipefs = append(st.RPCPipefs, m.Point)
		}
	}
	st.ExposeID, _ = readTrim(r.Sys("module", "sunrpc", "parameters", "expose_id_in_mountstats"))
	if out, err := readTrim(r.Sys("module", "sunrpc", "parameters", "nfs_bundle_compiled_out")); err == nil {
		st.CompiledOut = strings.Fields(out)
	}
	if inst, err := InstalledModules(r); err == nil {
		if p, ok := inst["sunrpc"]; ok {
			st.InstalledPath = p
			if mi, err := modinfo.ReadFile(p); err == nil {
				st.InstalledVersion = mi.First("version")
			}
		}
	}
	return st, nil
}

// Print writes the status in the seed's layout.
func (st *Status) Print(w io.Writer) {
	switch st.Stack {
	case StackOurs:
		v := st.Version
		if st.GitVersion != "" && st.GitVersion != st.Version {
			v += " (" + st.GitVersion + ")"
		}
		fmt.Fprintf(w, "version: %s\n", v)
	case StackInbox:
		fmt.Fprintln(w, "version: inbox stack loaded (the kernel's own sunrpc, not nfsbundle)")
	default:
		fmt.Fprintln(w, "version: not loaded")
	}
	fmt.Fprintf(w, "kernel modules: %s\n", strings.Join(st.Modules, " "))
	if st.ServicesSkipped != "" {
		fmt.Fprintf(w, "services: skipped (%s)\n", st.ServicesSkipped)
	} else {
		fmt.Fprintf(w, "services: %s\n", strings.Join(activeServices(st.Services), " "))
	}
	if len(st.RPCPipefs) == 0 {
		fmt.Fprintln(w, "rpc_pipefs: not mounted")
	} else {
		fmt.Fprintf(w, "rpc_pipefs: %s\n", strings.Join(st.RPCPipefs, " "))
	}
	for _, name := range st.CompiledOut {
		f := features.ByName(name)
		if f.Lost == "" {
			f.Lost = "not known to this nfsbundle-ctl"
		}
		fmt.Fprintf(w, "compiled out: %s (%s)\n", f.Name, f.Lost)
	}
	if st.ExposeID != "" {
		fmt.Fprintf(w, "expose_id_in_mountstats: %s\n", st.ExposeID)
	}
	if st.InstalledPath != "" {
		v := st.InstalledVersion
		if v == "" {
			v = "no version (inbox module)"
		}
		fmt.Fprintf(w, "installed: %s (%s)\n", v, st.InstalledPath)
	}
}

func isRoot() bool { return os.Geteuid() == 0 }
