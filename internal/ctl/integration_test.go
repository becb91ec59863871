// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// realTracefs mounts a private tracefs (same kernel ring buffers, own
// mount point) and returns a Tracer on it. The host kernel has no NFS
// events, so tests trace sched events: what is exercised is the tracefs
// mechanics (instances, enable files, trace_pipe, trace-cmd extract).
func realTracefs(t *testing.T, backend string) *Tracer {
	t.Helper()
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("set NFSBUNDLE_INTEGRATION=1 (as root) to trace the real kernel")
	}
	if os.Geteuid() != 0 {
		t.Fatal("NFSBUNDLE_INTEGRATION=1: tracing the real kernel needs root")
	}
	sys := t.TempDir()
	dir := filepath.Join(sys, "kernel", "tracing")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("nodev", dir, "tracefs", 0, ""); err != nil {
		t.Fatalf("mount tracefs: %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	var out bytes.Buffer
	tr, err := NewTracer(Root{SysRoot: sys}, backend, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = tr.Stop()
		if t.Failed() {
			t.Logf("tracer output:\n%s", out.String())
		}
	})
	return tr
}

func TestIntegrationTracefsCollectSave(t *testing.T) {
	tr := realTracefs(t, "tracefs")
	spec, err := ParseBufferSpec("itest=sched:sched_process_exec,sched:sched_process_fork:4")
	if err != nil {
		t.Fatal(err)
	}
	_ = tr.removeInstance("itest") // a previous run killed halfway
	if err := tr.Collect([]BufferSpec{spec}); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("/bin/true").Run(); err != nil {
		t.Fatal(err)
	}
	var show bytes.Buffer
	if err := tr.Show(&show); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(show.String(), "sched_process_exec") {
		t.Fatalf("no exec event captured:\n%s", show.String())
	}
	backend := "tracefs"
	if p, err := exec.LookPath("trace-cmd"); err == nil {
		tr.TraceCmd, backend = p, "trace-cmd"
	} else {
		t.Fatal("trace-cmd not installed (.ci/packages.d/ctl.txt lists it)")
	}
	out := filepath.Join(t.TempDir(), "t.tar.gz")
	if _, err := tr.Save(context.Background(), out); err != nil {
		t.Fatalf("save (%s): %v", backend, err)
	}
	names := strings.Join(tarNames(t, out), " ")
	if !strings.Contains(names, "/itest.txt") || !strings.Contains(names, "/trace.dat") {
		t.Errorf("tarball holds %s", names)
	}
	if len(tr.Running()) != 0 || exists(tr.instanceDir("itest")) {
		t.Error("instance left after save")
	}
}

func TestIntegrationTracefsLive(t *testing.T) {
	tr := realTracefs(t, "tracefs")
	ctx, cancel := context.WithCancel(context.Background())
	w := &notifyWriter{onWrite: cancel}
	done := make(chan error, 1)
	go func() { done <- tr.Live(ctx, "sched:sched_process_exec", w) }()
	// exec until the live stream shows an event (it cancels on the first write)
	for i := 0; ; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(w.buf.String(), "sched_process_exec") {
				t.Fatalf("live output %q", w.buf.String())
			}
			if exists(tr.instanceDir("live")) {
				t.Error("live instance left behind")
			}
			return
		default:
			_ = exec.Command("/bin/true").Run()
		}
	}
}
