// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseMountstatsNconnect(t *testing.T) {
	f, err := os.Open("testdata/ours/proc/self/mountstats")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ms, err := ParseMountstats(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("%d NFS mounts, want 2 (ext4/proc/rpc_pipefs skipped)", len(ms))
	}
	a, b := ms[0], ms[1]
	if a.MountPoint != "/mnt/a" || a.FSType != "nfs" || a.SunrpcID != "4" || a.Opt("nconnect") != "4" {
		t.Errorf("mount a: %+v", a)
	}
	if len(a.Transports) != 4 {
		t.Fatalf("nconnect=4 mount has %d transports, want 4", len(a.Transports))
	}
	for i, x := range a.Transports {
		if x.Proto != "tcp" || x.SrcPort != 812+i || len(x.Counters) != 13 {
			t.Errorf("xprt %d: %+v", i, x)
		}
	}
	// "\t  sunrpc-id:    7" (spaces, not tabs) parses too; the escaped space is undone
	if b.MountPoint != "/mnt/b c" || b.FSType != "nfs4" || b.SunrpcID != "7" || len(b.Transports) != 1 {
		t.Errorf("mount b: %+v", b)
	}
}

func TestParseMountstatsWhitespaceAndRDMA(t *testing.T) {
	in := "device srv:/x mounted on /m with fstype nfs4 statvers=1.1\n" +
		"  opts:   rw,vers=4.1,proto=rdma\n" +
		"sunrpc-id:\t12\n" +
		"\txprt:\trdma 0 0 1 0 24 3 3 0 3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 11 0 0 0\n" +
		"\t\t172.25.1.101 -> 172.25.1.1, state: CONNECTED BOUND\n" +
		"        xprt:   rdma 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n" +
		"                172.25.1.102 -> 172.25.1.6, state: BOUND\n" +
		"\txprt:\tlocal 1 1 0 0 5 5 0 5 0 2 0 0\n"
	ms, err := ParseMountstats(strings.NewReader(in))
	if err != nil || len(ms) != 1 {
		t.Fatalf("%v %v", ms, err)
	}
	m := ms[0]
	if m.SunrpcID != "12" || m.Opts != "rw,vers=4.1,proto=rdma" || len(m.Transports) != 3 {
		t.Fatalf("%+v", m)
	}
	x := m.Transports[1]
	if x.Proto != "rdma" || x.Local != "172.25.1.102" || x.Remote != "172.25.1.6" || x.State != "BOUND" {
		t.Errorf("xprt 1: %+v", x)
	}
	if l := m.Transports[2]; l.Proto != "local" || l.SrcPort != 0 {
		t.Errorf("local xprt: %+v", l)
	}
}

func TestGetMountstatsExtended(t *testing.T) {
	ms, notes, err := GetMountstats(fixture("ours"), MountstatsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes %v", notes)
	}
	a := ms[0]
	if !a.Extended || len(a.Transports) != 4 {
		t.Fatalf("mount a: %+v", a)
	}
	if x := a.Transports[0]; x.Local != "127.0.0.1:812" || x.Remote != "127.0.0.1:2049" || x.State != "CONNECTED BOUND" {
		t.Errorf("xprt 0: %+v", x)
	}
	if x := a.Transports[3]; x.State != "BOUND" {
		t.Errorf("xprt 3: %+v", x)
	}
	// no stats file for id 7: upstream's rpc_clnt/7/xprt/info gives the
	// remote address and state; the local side comes from the opts
	b := ms[1]
	if x := b.Transports[0]; !b.Extended || x.Remote != "10.0.0.2:2049" || x.Local != "10.0.0.1:901" || x.State != "CONNECTED BOUND" {
		t.Errorf("mount b: %+v", b)
	}
	if XprtStateString("0x0") != "NONE" || XprtStateString("0x2011") != "LOCKED BOUND BIT13" {
		t.Error("XprtStateString")
	}
	var buf bytes.Buffer
	PrintMountstats(&buf, ms)
	out := buf.String()
	for _, want := range []string{
		"device 127.0.0.1:/export mounted on /mnt/a with fstype nfs\n",
		"\ttransports:\t4\n",
		"\txprt:\ttcp 815 1 1 0 0 10 10 0 10 0 2 0 0\n\t\t127.0.0.1:815 -> 127.0.0.1:2049, state: BOUND\n",
		"\t\t10.0.0.1:901 -> 10.0.0.2:2049, state: CONNECTED BOUND\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\txprt:"); n != 5 {
		t.Errorf("%d xprt lines, want 5", n)
	}
}

func TestMountstatsNotes(t *testing.T) {
	// our stack, expose_id off, no sunrpc-id lines: a hint to turn it on
	dir := copyTree(t, "testdata/ours")
	r := Root{SysRoot: filepath.Join(dir, "sys"), ProcRoot: filepath.Join(dir, "proc"), RunRoot: filepath.Join(dir, "run"), ModulesRoot: "testdata/lib/modules"}
	param := filepath.Join(dir, "sys/module/sunrpc/parameters/expose_id_in_mountstats")
	writeFile(t, param, "N\n")
	st, _ := os.ReadFile(r.Proc("self", "mountstats"))
	var kept []string
	for _, l := range strings.Split(string(st), "\n") {
		if !strings.Contains(l, "sunrpc-id") {
			kept = append(kept, l)
		}
	}
	writeFile(t, r.Proc("self", "mountstats"), strings.Join(kept, "\n"))
	ms, notes, err := GetMountstats(r, MountstatsOptions{})
	if err != nil || len(ms) != 2 {
		t.Fatal(ms, err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "--expose-id") {
		t.Errorf("notes %v", notes)
	}
	if _, _, err := GetMountstats(r, MountstatsOptions{ExposeID: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(param); strings.TrimSpace(string(b)) != "1" {
		t.Errorf("expose_id_in_mountstats = %q after --expose-id", b)
	}
	// the inbox stack has no such parameter: --expose-id fails in one line
	if _, _, err := GetMountstats(fixture("inbox"), MountstatsOptions{ExposeID: true}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("want a one-line error, got %v", err)
	}
}
