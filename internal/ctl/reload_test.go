// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func stepLines(steps []Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Message()+": "+strings.Join(s.Argv, " "))
	}
	return out
}

func TestPlanReload(t *testing.T) {
	in, err := GatherReloadInput(context.Background(), fixture("ours"), &fakeExec{}, false)
	if err != nil {
		t.Fatal(err)
	}
	in.Services = []string{"rpc-statd.service", "rpcbind.socket"}
	steps, err := PlanReload(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"stopping service rpc-statd.service: systemctl stop rpc-statd.service",
		"stopping service rpcbind.socket: systemctl stop rpcbind.socket",
		"umounting nfs /mnt/b c: umount /mnt/b c",
		"umounting nfs /mnt/a: umount /mnt/a",
		"umounting fs /var/lib/nfs/rpc_pipefs: umount /var/lib/nfs/rpc_pipefs",
		"unloading kmod nfsv4: rmmod nfsv4",
		"unloading kmod nfsv3: rmmod nfsv3",
		"unloading kmod nfs: rmmod nfs",
		"unloading kmod lockd: rmmod lockd",
		"unloading kmod grace: rmmod grace",
		"unloading kmod nfs_acl: rmmod nfs_acl",
		"unloading kmod auth_rpcgss: rmmod auth_rpcgss",
		"unloading kmod sunrpc: rmmod sunrpc",
		"loading kmod sunrpc: modprobe sunrpc",
		"loading kmod auth_rpcgss: modprobe auth_rpcgss",
		"loading kmod nfs_acl: modprobe nfs_acl",
		"loading kmod grace: modprobe grace",
		"loading kmod lockd: modprobe lockd",
		"loading kmod nfs: modprobe nfs",
		"loading kmod nfsv3: modprobe nfsv3",
		"loading kmod nfsv4: modprobe nfsv4",
		"mounting fs /var/lib/nfs/rpc_pipefs: mount -t rpc_pipefs sunrpc /var/lib/nfs/rpc_pipefs",
		"starting service rpcbind.socket: systemctl start rpcbind.socket",
		"starting service rpc-statd.service: systemctl start rpc-statd.service",
	}
	if got := stepLines(steps); !reflect.DeepEqual(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// the argument for "/mnt/b c" stays one argument
	if steps[2].Argv[1] != "/mnt/b c" {
		t.Errorf("argv %q", steps[2].Argv)
	}
	// pure: same input, same plan
	again, _ := PlanReload(in)
	if !reflect.DeepEqual(steps, again) {
		t.Error("PlanReload is not deterministic")
	}
}

func TestPlanReloadNothingLoaded(t *testing.T) {
	in, err := GatherReloadInput(context.Background(), fixture("notloaded"), &fakeExec{}, false)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := PlanReload(in)
	if err != nil {
		t.Fatal(err)
	}
	var loads []string
	for _, s := range steps {
		if s.Kind != StepLoad {
			t.Errorf("unexpected step %s", s.Message())
		}
		loads = append(loads, s.Target)
	}
	if !reflect.DeepEqual(loads, DefaultLoad) {
		t.Errorf("loads %v", loads)
	}
}

func TestUnloadOrderIncludesHolders(t *testing.T) {
	// a third-party module holding sunrpc must go first; netfs (held by nfs) stays
	mods := []LoadedModule{
		{Name: "netfs", UsedBy: []string{"nfs"}},
		{Name: "sunrpc", UsedBy: []string{"nfs", "vendor_x"}},
		{Name: "nfs", UsedBy: nil},
		{Name: "vendor_x"},
	}
	got, err := UnloadOrder(mods)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []string{"vendor_x", "nfs", "sunrpc"}) {
		t.Errorf("order %v", got)
	}
	if _, err := UnloadOrder([]LoadedModule{{Name: "sunrpc", UsedBy: []string{"nfs"}}, {Name: "nfs", UsedBy: []string{"sunrpc"}}}); err == nil {
		t.Error("want a cycle error")
	}
}

func TestReloadRefusesBusyMount(t *testing.T) {
	dir := copyTree(t, "testdata/ours")
	r := Root{SysRoot: filepath.Join(dir, "sys"), ProcRoot: filepath.Join(dir, "proc"), RunRoot: filepath.Join(dir, "run"), ModulesRoot: "testdata/lib/modules"}
	// pid 4242: a shell whose cwd is inside /mnt/a; pid 77: an open file elsewhere
	p := filepath.Join(dir, "proc", "4242")
	writeFile(t, filepath.Join(p, "comm"), "sh\n")
	if err := os.Symlink("/mnt/a/sub", filepath.Join(p, "cwd")); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join(dir, "proc", "77", "fd")
	writeFile(t, filepath.Join(dir, "proc", "77", "comm"), "cat\n")
	if err := os.MkdirAll(q, 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.Symlink("/mnt/ab/file", filepath.Join(q, "3")) // not under /mnt/a
	_ = os.Symlink("/mnt/b c/x (deleted)", filepath.Join(q, "4"))

	in, err := GatherReloadInput(context.Background(), r, &fakeExec{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Busy) != 2 {
		t.Fatalf("busy %+v", in.Busy)
	}
	_, err = PlanReload(in)
	var be *BusyError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "pid 4242 (sh) uses /mnt/a/sub") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("err %v", err)
	}
	in.Force = true
	steps, err := PlanReload(in)
	if err != nil {
		t.Fatal(err)
	}
	if s := steps[1]; s.Kind != StepUmountNFS || strings.Join(s.Argv, " ") != "umount -f /mnt/a" || strings.Join(s.Fallback, " ") != "umount -l /mnt/a" {
		t.Errorf("forced umount step %+v", s)
	}
}

func TestPlanReloadNFSRoot(t *testing.T) {
	_, err := PlanReload(ReloadInput{Mounts: []Mount{{Point: "/", FSType: "nfs"}}})
	if !errors.Is(err, ErrNFSRoot) {
		t.Errorf("err %v", err)
	}
}

func TestRunReloadStopsAndReportsState(t *testing.T) {
	in, _ := GatherReloadInput(context.Background(), fixture("ours"), &fakeExec{}, false)
	in.Services = []string{"rpcbind.socket"}
	steps, _ := PlanReload(in)
	ex := &fakeExec{fail: map[string]error{"rmmod nfs": errors.New("rmmod nfs: exit status 1\nrmmod: ERROR: Module nfs is in use")}}
	var out bytes.Buffer
	res := RunReload(context.Background(), ex, steps, &out)
	if res.Failed == nil || res.Failed.Target != "nfs" {
		t.Fatalf("failed step %+v", res.Failed)
	}
	if last := ex.calls[len(ex.calls)-1]; last != "rmmod nfs" {
		t.Errorf("ran past the failure: %v", ex.calls)
	}
	if !strings.HasPrefix(out.String(), "nfsbundle-ctl: stopping service rpcbind.socket\nnfsbundle-ctl: umounting nfs /mnt/b c\n") {
		t.Errorf("progress:\n%s", out.String())
	}
	rep := strings.Join(res.StateReport(), "\n")
	for _, want := range []string{
		"failed at: unloading kmod nfs: rmmod: ERROR: Module nfs is in use",
		"services stopped and NOT restarted: rpcbind.socket",
		"NFS file systems unmounted (remount them by hand): /mnt/b c /mnt/a",
		"file systems unmounted and NOT remounted: /var/lib/nfs/rpc_pipefs",
		"kernel modules unloaded: nfsv4 nfsv3",
		"old kernel modules still loaded: nfs lockd grace nfs_acl auth_rpcgss sunrpc",
		"partly unloaded",
		"to recover",
	} {
		if !strings.Contains(rep, want) {
			t.Errorf("state report lacks %q:\n%s", want, rep)
		}
	}
	// a lazy-unmount fallback rescues a forced umount
	in.Force = true
	steps, _ = PlanReload(in)
	ex = &fakeExec{fail: map[string]error{"umount -f /mnt/a": errors.New("busy")}}
	out.Reset()
	if res := RunReload(context.Background(), ex, steps, &out); res.Failed != nil {
		t.Fatalf("failed: %v", res.Err)
	}
	if !strings.Contains(strings.Join(ex.calls, "\n"), "umount -f /mnt/a\numount -l /mnt/a\n") {
		t.Errorf("calls %v", ex.calls)
	}
}
