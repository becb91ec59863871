// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// fakeTracefs builds SysRoot/kernel/tracing with the 6.1 NFS events (from
// testdata/tracefs-events-6.1.txt) plus an unrelated system, and returns a
// Tracer whose Mkdir populates instances like the kernel does.
func fakeTracefs(t *testing.T) (*Tracer, *bytes.Buffer) {
	t.Helper()
	sys := t.TempDir()
	tfs := filepath.Join(sys, "kernel", "tracing")
	b, err := os.ReadFile("testdata/tracefs-events-6.1.txt")
	if err != nil {
		t.Fatal(err)
	}
	events := strings.Fields(string(b))
	events = append(events, "sched:sched_switch")
	mkEvents := func(dir string) {
		for _, ev := range events {
			s, n, _ := strings.Cut(ev, ":")
			writeFile(t, filepath.Join(dir, "events", s, n, "enable"), "0\n")
		}
	}
	mkEvents(tfs)
	writeFile(t, filepath.Join(tfs, "instances", ".keep"), "")
	var msgs bytes.Buffer
	tr := &Tracer{
		Root:    Root{SysRoot: sys},
		Tracefs: tfs,
		Out:     &msgs,
		Now:     func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		Mkdir: func(p string) error {
			if err := os.Mkdir(p, 0o755); err != nil {
				return err
			}
			mkEvents(p)
			name := filepath.Base(p)
			for f, c := range map[string]string{
				"tracing_on": "1", "buffer_size_kb": "1408", "set_event": "",
				"trace":      "# tracer: nop\n  mount.nfs-42 [000] 1.0: xprt_create: peer=[127.0.0.1]:2049 (" + name + ")\n",
				"trace_pipe": "  mount.nfs-42 [000] 1.0: rpc_clnt_new: client=1 (" + name + ")\n",
			} {
				writeFile(t, filepath.Join(p, f), c)
			}
			return nil
		},
		Rmdir: os.RemoveAll,
	}
	return tr, &msgs
}

func TestPresetExpansion(t *testing.T) {
	tr, _ := fakeTracefs(t)
	counts := map[string]int{}
	sets := map[string]map[string]bool{}
	for _, p := range PresetNames() {
		evs, err := ExpandClass(tr.Tracefs, p)
		if err != nil {
			t.Fatal(err)
		}
		if !sort.StringsAreSorted(evs) {
			t.Errorf("%s not sorted", p)
		}
		counts[p] = len(evs)
		sets[p] = map[string]bool{}
		for _, e := range evs {
			sets[p][e] = true
			if strings.HasPrefix(e, "sched:") {
				t.Errorf("%s selects %s", p, e)
			}
		}
	}
	b, _ := os.ReadFile("testdata/tracefs-events-6.1.txt")
	if counts["all"] != len(strings.Fields(string(b))) {
		t.Errorf("all = %d events, want every NFS event (%d)", counts["all"], len(strings.Fields(string(b))))
	}
	if !(counts["meta"] > 50 && counts["meta"] < counts["all"] && counts["io"] > 50 && counts["io"] < counts["all"]) {
		t.Errorf("counts %v", counts)
	}
	for _, e := range []string{"sunrpc:xprt_create", "sunrpc:rpc_socket_connect", "sunrpc:rpc_clnt_new", "nfs:nfs_mount_option",
		"nfs4:nfs4_exchange_id", "nfs4:nfs4_create_session", "sunrpc:rpc_call_rpcerror", "rpcrdma:xprtrdma_op_connect"} {
		if !sets["meta"][e] {
			t.Errorf("meta lacks %s", e)
		}
	}
	for _, e := range []string{"nfs:nfs_initiate_read", "nfs:nfs_writeback_done", "sunrpc:xprt_transmit", "nfs4:nfs4_write", "sunrpc:rpc_task_begin"} {
		if !sets["io"][e] || sets["meta"][e] {
			t.Errorf("%s: want in io only", e)
		}
	}
	// explicit patterns
	evs, err := ExpandClass(tr.Tracefs, "sunrpc:xprt_*,nfs:nfs_mount_*")
	if err != nil || len(evs) < 5 {
		t.Errorf("%v %v", evs, err)
	}
	var up *ErrUnknownPreset
	if _, err := ExpandClass(tr.Tracefs, "bogus"); !errors.As(err, &up) {
		t.Errorf("unknown preset: %v", err)
	}
	if _, err := ExpandClass(tr.Tracefs, "nosuch:*"); err == nil || !strings.Contains(err.Error(), "is the NFS stack loaded") {
		t.Errorf("empty class: %v", err)
	}
}

func TestParseBufferSpec(t *testing.T) {
	for in, want := range map[string]BufferSpec{
		"meta":                          {Name: "meta", Class: "meta", SizeMB: 100},
		"io=all:1000":                   {Name: "io", Class: "all", SizeMB: 1000},
		"all:50":                        {Name: "all", Class: "all", SizeMB: 50},
		"x=sunrpc:xprt_*:10":            {Name: "x", Class: "sunrpc:xprt_*", SizeMB: 10},
		"sunrpc:xprt_*,nfs:nfs_mount_*": {Name: "custom", Class: "sunrpc:xprt_*,nfs:nfs_mount_*", SizeMB: 100},
	} {
		got, err := ParseBufferSpec(in)
		if err != nil || got.Name != want.Name || got.Class != want.Class || got.SizeMB != want.SizeMB {
			t.Errorf("%s: %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"bogus", "meta:0", "a/b=meta"} {
		if _, err := ParseBufferSpec(bad); err == nil {
			t.Errorf("%s: want error", bad)
		}
	}
}

func TestParseSeedTraceArgs(t *testing.T) {
	sc, err := ParseSeedTraceArgs(strings.Fields("collect buffer meta 100 class meta buffer io 1000 class all outdir saved-traces"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Mode != "collect" || sc.Outdir != "saved-traces" || len(sc.Buffers) != 2 || sc.Buffers[1].Name != "io" || sc.Buffers[1].Class != "all" || sc.Buffers[1].SizeMB != 1000 {
		t.Errorf("%+v", sc)
	}
	if sc, err := ParseSeedTraceArgs([]string{"meta"}); err != nil || sc.Mode != "live" || sc.Class != "meta" {
		t.Errorf("%+v %v", sc, err)
	}
	if sc, err := ParseSeedTraceArgs([]string{"save"}); err != nil || sc.Mode != "save" {
		t.Errorf("%+v %v", sc, err)
	}
	for _, bad := range [][]string{nil, {"nope"}, {"collect", "buffer", "x"}, {"save", "x"}} {
		if _, err := ParseSeedTraceArgs(bad); err == nil {
			t.Errorf("%v: want error", bad)
		}
	}
}

func TestTraceCollectShowSaveStop(t *testing.T) {
	tr, msgs := fakeTracefs(t)
	meta, _ := ParseBufferSpec("meta:100")
	io, _ := ParseBufferSpec("io=all:1000")
	if err := tr.Collect([]BufferSpec{meta, io}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msgs.String(), "class meta ") || !strings.Contains(msgs.String(), " events bufsize 1000 MB (buffer io)") {
		t.Errorf("report:\n%s", msgs.String())
	}
	if got := tr.Running(); strings.Join(got, " ") != "io meta" {
		t.Errorf("running %v", got)
	}
	inst := tr.instanceDir("meta")
	if b, _ := os.ReadFile(filepath.Join(inst, "events", "sunrpc", "xprt_create", "enable")); strings.TrimSpace(string(b)) != "1" {
		t.Error("xprt_create not enabled in the meta buffer")
	}
	if b, _ := os.ReadFile(filepath.Join(inst, "events", "nfs", "nfs_initiate_read", "enable")); strings.TrimSpace(string(b)) != "0" {
		t.Error("an io event is enabled in the meta buffer")
	}
	if b, _ := os.ReadFile(filepath.Join(inst, "tracing_on")); strings.TrimSpace(string(b)) != "1" {
		t.Error("tracing_on not set")
	}
	// a second collect is refused while one runs
	if err := tr.Collect([]BufferSpec{meta}); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second collect: %v", err)
	}
	var show bytes.Buffer
	if err := tr.Show(&show); err != nil || !strings.Contains(show.String(), "xprt_create") {
		t.Errorf("show %q %v", show.String(), err)
	}
	out := filepath.Join(t.TempDir(), "t.tar.gz")
	if _, err := tr.Save(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	names := tarNames(t, out)
	if strings.Join(names, " ") != "nfs-traces-20260102-030405/io.events nfs-traces-20260102-030405/io.txt nfs-traces-20260102-030405/meta.events nfs-traces-20260102-030405/meta.txt" {
		t.Errorf("tarball %v", names)
	}
	if len(tr.Running()) != 0 {
		t.Error("buffers not purged after save")
	}
	if _, err := tr.Save(context.Background(), out); err == nil {
		t.Error("save with nothing running should fail")
	}
	if err := tr.Collect([]BufferSpec{meta}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Stop(); err != nil || len(tr.Running()) != 0 {
		t.Errorf("stop: %v %v", err, tr.Running())
	}
}

func tarNames(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	sort.Strings(names)
	return names
}

func TestTraceLiveAndOutdir(t *testing.T) {
	tr, _ := fakeTracefs(t)
	// live: the fake trace_pipe's content reaches the writer; the
	// instance is gone afterwards
	ctx, cancel := context.WithCancel(context.Background())
	pw := &notifyWriter{onWrite: cancel}
	if err := tr.Live(ctx, "meta", pw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pw.buf.String(), "rpc_clnt_new") {
		t.Errorf("live output %q", pw.buf.String())
	}
	if len(tr.Running()) != 0 {
		t.Error("live instance left behind")
	}
	if err := tr.Live(context.Background(), "bogus", io.Discard); err == nil {
		t.Error("unknown preset accepted")
	}
	// outdir must exist
	meta, _ := ParseBufferSpec("meta")
	if err := tr.CollectToDir(context.Background(), []BufferSpec{meta}, "/nonexistent/dir"); err == nil {
		t.Error("missing outdir accepted")
	}
	out := t.TempDir()
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2() // stop at once: whatever the pipe holds is flushed first
	if err := tr.CollectToDir(ctx2, []BufferSpec{meta}, out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "meta.txt")); !strings.Contains(string(b), "rpc_clnt_new") {
		t.Errorf("meta.txt %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "collect.log")); !strings.Contains(string(b), "buffer meta class meta") {
		t.Errorf("collect.log %q", b)
	}
	if len(tr.Running()) != 0 {
		t.Error("outdir instances left behind")
	}
}

type notifyWriter struct {
	buf     bytes.Buffer
	onWrite func()
}

func (w *notifyWriter) Write(p []byte) (int, error) {
	w.onWrite()
	return w.buf.Write(p)
}

func TestFindTracefsMissing(t *testing.T) {
	_, err := FindTracefs(Root{SysRoot: t.TempDir()})
	if !errors.Is(err, ErrNoTracefs) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "mount -t tracefs") {
		t.Errorf("err %v", err)
	}
}
