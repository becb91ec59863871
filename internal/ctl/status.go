// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nfsbundle/nfsbundle/compat/features"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	runpkg "github.com/nfsbundle/nfsbundle/internal/run"
	"github.com/nfsbundle/nfsbundle/sign"
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
	// SecureBoot and MOK: will Secure Boot load the installed modules?
	SecureBoot detect.SecureBoot `json:"secure_boot"`
	MOK        detect.MOK        `json:"mok"`
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
	st.SecureBoot, st.MOK = secureBootStatus(ctx, r, ex, st.InstalledPath)
	return st, nil
}

// secureBootStatus reads the Secure Boot state and checks the signer of
// the installed sunrpc against the MOK lists, unless that sunrpc is the
// kernel's own (its signer is the distribution's, not ours to enrol).
func secureBootStatus(ctx context.Context, r Root, ex Executor, sunrpc string) (detect.SecureBoot, detect.MOK) {
	var run func(ctx context.Context, name string, args ...string) (string, error)
	if _, err := ex.LookPath("mokutil"); err == nil {
		run = func(ctx context.Context, name string, args ...string) (string, error) {
			out, err := ex.Output(ctx, name, args...)
			var re *runpkg.Error
			if errors.As(err, &re) {
				return string(out) + re.Stderr, err // mokutil says why on stderr
			}
			return string(out), err
		}
	}
	sbOut := ""
	if run != nil {
		sbOut, _ = run(ctx, "mokutil", "--sb-state")
	}
	if dir, err := r.ModuleDir(); err != nil || strings.HasPrefix(sunrpc, filepath.Join(dir, "kernel")+"/") {
		sunrpc = ""
	}
	// The certificates CheckMOK looks for live in the file system that
	// holds the module tree (ModulesRoot is <root>/lib/modules).
	root := filepath.Dir(filepath.Dir(r.ModulesRoot))
	return detect.SecureBootFrom(r.SysRoot, sbOut), detect.CheckMOK(ctx, detect.MOKQuery{Root: root, Module: sunrpc, ReadKey: sign.ModuleKey, Run: run})
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
	for _, l := range detect.SecureBootLines(st.SecureBoot, st.MOK) {
		fmt.Fprintln(w, l)
	}
}

func isRoot() bool { return os.Geteuid() == 0 }
