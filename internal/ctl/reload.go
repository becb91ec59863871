// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// StepKind names what a reload step does.
type StepKind string

const (
	StepStopService  StepKind = "stop-service"
	StepUmountNFS    StepKind = "umount-nfs"
	StepUmountFS     StepKind = "umount-fs" // rpc_pipefs, nfsd
	StepUnload       StepKind = "unload"
	StepLoad         StepKind = "load"
	StepMountFS      StepKind = "mount-fs"
	StepStartService StepKind = "start-service"
)

// Step is one action of a reload: a program and its arguments.
type Step struct {
	Kind   StepKind `json:"kind"`
	Target string   `json:"target"`
	Argv   []string `json:"argv"`
	// Fallback runs when Argv fails (lazy unmount under --force).
	Fallback []string `json:"fallback,omitempty"`
}

// Message is the line printed before the step runs (the seed's wording).
func (s Step) Message() string {
	switch s.Kind {
	case StepStopService:
		return "stopping service " + s.Target
	case StepUmountNFS:
		return "umounting nfs " + s.Target
	case StepUmountFS:
		return "umounting fs " + s.Target
	case StepUnload:
		return "unloading kmod " + s.Target
	case StepLoad:
		return "loading kmod " + s.Target
	case StepMountFS:
		return "mounting fs " + s.Target
	case StepStartService:
		return "starting service " + s.Target
	}
	return string(s.Kind) + " " + s.Target
}

// ReloadInput is everything the reload plan depends on.
type ReloadInput struct {
	Modules  []LoadedModule // /proc/modules, load order
	Mounts   []Mount        // mountinfo, mount order
	Services []string       // active NFS units, stop order; nil without systemd
	Busy     []BusyUser     // processes using NFS mounts
	Force    bool
}

// DefaultLoad is what reload loads when no NFS module was loaded before.
var DefaultLoad = []string{"sunrpc", "nfs", "nfsv3", "nfsv4"}

// BusyError lists the processes that keep NFS mounts busy.
type BusyError struct{ Users []BusyUser }

func (e *BusyError) Error() string {
	var parts []string
	for _, u := range e.Users {
		parts = append(parts, fmt.Sprintf("pid %d (%s) uses %s", u.PID, u.Comm, u.Path))
	}
	return "NFS mounts are busy, refusing to reload (use --force to unmount anyway): " + strings.Join(parts, "; ")
}

// ErrNFSRoot: the root file system is NFS; the stack cannot be swapped.
var ErrNFSRoot = errors.New("the root file system is on NFS: the NFS stack cannot be reloaded, reboot instead")

// PlanReload computes the reload steps. It is pure: same input, same plan.
func PlanReload(in ReloadInput) ([]Step, error) {
	if len(in.Busy) > 0 && !in.Force {
		return nil, &BusyError{Users: in.Busy}
	}
	var steps []Step
	for _, u := range in.Services {
		steps = append(steps, Step{Kind: StepStopService, Target: u, Argv: []string{"systemctl", "stop", u}})
	}
	var nfs, pipefs []Mount
	for _, m := range in.Mounts {
		switch {
		case m.IsNFS():
			if m.Point == "/" {
				return nil, ErrNFSRoot
			}
			nfs = append(nfs, m)
		case m.FSType == "rpc_pipefs" || m.FSType == "nfsd":
			pipefs = append(pipefs, m)
		}
	}
	for i := len(nfs) - 1; i >= 0; i-- { // innermost first
		s := Step{Kind: StepUmountNFS, Target: nfs[i].Point, Argv: []string{"umount", nfs[i].Point}}
		if in.Force {
			s.Argv = []string{"umount", "-f", nfs[i].Point}
			s.Fallback = []string{"umount", "-l", nfs[i].Point}
		}
		steps = append(steps, s)
	}
	for i := len(pipefs) - 1; i >= 0; i-- {
		steps = append(steps, Step{Kind: StepUmountFS, Target: pipefs[i].Point, Argv: []string{"umount", pipefs[i].Point}})
	}
	unload, err := UnloadOrder(in.Modules)
	if err != nil {
		return nil, err
	}
	for _, m := range unload {
		steps = append(steps, Step{Kind: StepUnload, Target: m, Argv: []string{"rmmod", m}})
	}
	load := make([]string, 0, len(unload))
	for i := len(unload) - 1; i >= 0; i-- {
		load = append(load, unload[i])
	}
	if len(load) == 0 {
		load = DefaultLoad
	}
	for _, m := range load {
		steps = append(steps, Step{Kind: StepLoad, Target: m, Argv: []string{"modprobe", m}})
	}
	for _, m := range pipefs {
		src := m.Source
		if src == "" || src == "none" {
			src = m.FSType
		}
		steps = append(steps, Step{Kind: StepMountFS, Target: m.Point, Argv: []string{"mount", "-t", m.FSType, src, m.Point}})
	}
	for i := len(in.Services) - 1; i >= 0; i-- {
		u := in.Services[i]
		steps = append(steps, Step{Kind: StepStartService, Target: u, Argv: []string{"systemctl", "start", u}})
	}
	return steps, nil
}

// GatherReloadInput reads the system for PlanReload.
func GatherReloadInput(ctx context.Context, r Root, ex Executor, force bool) (ReloadInput, error) {
	var in ReloadInput
	in.Force = force
	var err error
	if in.Modules, err = LoadedModules(r); err != nil {
		return in, err
	}
	if in.Mounts, err = Mounts(r); err != nil {
		return in, err
	}
	states, _ := Services(ctx, r, ex)
	in.Services = activeServices(states)
	var points []string
	for _, m := range in.Mounts {
		if m.IsNFS() {
			points = append(points, m.Point)
		}
	}
	if in.Busy, err = BusyMounts(r, points); err != nil {
		return in, err
	}
	return in, nil
}

// ReloadResult is what the runner did.
type ReloadResult struct {
	Done   []Step
	Failed *Step
	Err    error
	Rest   []Step // not run because of the failure
}

// RunReload executes steps in order, printing "nfsbundle-ctl: <step>" to w
// before each, and stops at the first failure.
func RunReload(ctx context.Context, ex Executor, steps []Step, w io.Writer) ReloadResult {
	var res ReloadResult
	for i, s := range steps {
		fmt.Fprintf(w, "nfsbundle-ctl: %s\n", s.Message())
		_, err := ex.Output(ctx, s.Argv[0], s.Argv[1:]...)
		if err != nil && len(s.Fallback) > 0 {
			fmt.Fprintf(w, "nfsbundle-ctl: %s failed (%s), trying %s\n", strings.Join(s.Argv, " "), firstLine(err), strings.Join(s.Fallback, " "))
			_, err = ex.Output(ctx, s.Fallback[0], s.Fallback[1:]...)
		}
		if err != nil {
			f := s
			res.Failed, res.Err, res.Rest = &f, err, steps[i+1:]
			return res
		}
		res.Done = append(res.Done, s)
	}
	return res
}

func firstLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		// run.Error puts stderr after the command line: prefer it
		rest := strings.TrimSpace(s[i+1:])
		if rest != "" {
			if j := strings.IndexByte(rest, '\n'); j >= 0 {
				rest = rest[:j]
			}
			return rest
		}
		return s[:i]
	}
	return s
}

// StateReport describes the system after a failed reload, one line each.
func (res ReloadResult) StateReport() []string {
	if res.Failed == nil {
		return nil
	}
	done := map[StepKind][]string{}
	for _, s := range res.Done {
		done[s.Kind] = append(done[s.Kind], s.Target)
	}
	pending := map[StepKind][]string{}
	for _, s := range append([]Step{*res.Failed}, res.Rest...) {
		pending[s.Kind] = append(pending[s.Kind], s.Target)
	}
	var lines []string
	add := func(label string, items []string) {
		if len(items) > 0 {
			lines = append(lines, label+": "+strings.Join(items, " "))
		}
	}
	lines = append(lines, fmt.Sprintf("failed at: %s: %s", res.Failed.Message(), firstLine(res.Err)))
	add("services stopped and NOT restarted", minus(done[StepStopService], done[StepStartService]))
	add("NFS file systems unmounted (remount them by hand)", done[StepUmountNFS])
	add("NFS file systems still mounted", pending[StepUmountNFS])
	add("file systems unmounted and NOT remounted", minus(done[StepUmountFS], done[StepMountFS]))
	add("kernel modules unloaded", minus(done[StepUnload], done[StepLoad]))
	add("old kernel modules still loaded", pending[StepUnload])
	add("kernel modules loaded (new)", done[StepLoad])
	add("kernel modules NOT loaded", pending[StepLoad])
	switch {
	case len(done[StepUnload]) == 0 && len(done[StepLoad]) == 0:
		lines = append(lines, "the old NFS stack is still loaded")
	case len(pending[StepUnload]) > 0:
		lines = append(lines, "the NFS stack is partly unloaded: NFS is unusable until it is loaded again")
	case len(pending[StepLoad]) > 0:
		lines = append(lines, "the old NFS stack is unloaded and the new one is only partly loaded")
	}
	lines = append(lines, "to recover: fix the cause above and run `nfsbundle-ctl reload` again, or reboot")
	return lines
}

func minus(a, b []string) []string {
	drop := map[string]bool{}
	for _, x := range b {
		drop[x] = true
	}
	var out []string
	for _, x := range a {
		if !drop[x] {
			out = append(out, x)
		}
	}
	return out
}
