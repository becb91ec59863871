// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

func TestLoadManifest(t *testing.T) {
	f, err := LoadManifest("testdata/finish.json")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("testdata")
	want := []finish.Module{
		{Name: "a", RelPath: "fs/a.ko", Path: filepath.Join(abs, "ours/a.ko"), SrcVersion: "AAA"},
		{Name: "sunrpc", RelPath: "net/sunrpc/sunrpc.ko", SrcVersion: "S1",
			Path: filepath.Join(abs, "stage/lib/modules/6.1.0-test/updates/nfsbundle/net/sunrpc/sunrpc.ko")},
		{Name: "rpcsec_gss_krb5", RelPath: "net/sunrpc/auth_gss/rpcsec_gss_krb5.ko", Path: "/abs/rpcsec_gss_krb5.ko"},
	}
	if f.KVer != "6.1.0-test" || f.Version != "1.2.3" || !slices.Equal(f.Modules, want) {
		t.Errorf("LoadManifest = %+v", f)
	}
	if _, err := LoadManifest("testdata/nonexistent.json"); err == nil || !strings.Contains(err.Error(), "./build.sh bin") {
		t.Errorf("missing manifest error = %v", err)
	}
}

func TestParseModInfo(t *testing.T) {
	data, err := modinfo.ReadModule("testdata/stock/kernel/net/c.ko.gz")
	if err != nil {
		t.Fatal(err)
	}
	mi, err := parseModInfo(data)
	if err != nil {
		t.Fatal(err)
	}
	if mi.Name != "c" || mi.SrcVersion != "CCC" || len(mi.Depends) != 0 || len(mi.BuildID) != 40 {
		t.Errorf("c: %+v", mi)
	}
	data, _ = modinfo.ReadModule("testdata/ours/a.ko")
	mi, err = parseModInfo(data)
	if err != nil || !slices.Equal(mi.Depends, []string{"b", "c"}) {
		t.Errorf("a: %+v %v", mi, err)
	}
	if _, err := parseModInfo([]byte("not elf")); err == nil {
		t.Error("non-ELF accepted")
	}
}

func TestResolveOrder(t *testing.T) {
	ctx := context.Background()
	stock, err := indexModules("testdata/stock")
	if err != nil {
		t.Fatal(err)
	}
	if len(stock) != 3 {
		t.Fatalf("stock index = %v", stock)
	}
	ours := map[string]string{"a": "testdata/ours/a.ko"}
	order, err := resolveOrder(ctx, []string{"a", "b"}, ours, stock)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range order {
		got = append(got, m.Name+map[bool]string{true: "*", false: ""}[m.Ours])
	}
	if want := []string{"c", "b", "a*"}; !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
	// stock only: a comes from the kernel's tree
	order, _ = resolveOrder(ctx, []string{"a"}, nil, stock)
	if order[2].Ours || order[2].Path != stock["a"] {
		t.Errorf("stock a = %+v", order[2])
	}
	if _, err := resolveOrder(ctx, []string{"zz"}, ours, stock); err == nil || !strings.Contains(err.Error(), "zz") {
		t.Errorf("missing module error = %v", err)
	}
	delete(stock, "c")
	if _, err := resolveOrder(ctx, []string{"a"}, ours, stock); err == nil || !strings.Contains(err.Error(), "needed by") {
		t.Errorf("missing dependency error = %v", err)
	}
}

// readCpio parses a newc archive (enough for the test).
func readCpio(t *testing.T, b []byte) map[string][2]string {
	out := map[string][2]string{}
	for len(b) >= 110 {
		h := string(b[:110])
		if h[:6] != "070701" {
			t.Fatalf("bad magic %q", h[:6])
		}
		field := func(i int) int {
			v, _ := strconv.ParseUint(h[6+8*i:14+8*i], 16, 32)
			return int(v)
		}
		mode, size, namesz := field(1), field(6), field(11)
		name := string(b[110 : 110+namesz-1])
		off := (110 + namesz + 3) &^ 3
		data := string(b[off : off+size])
		b = b[(off+size+3)&^3:]
		if name == "TRAILER!!!" {
			return out
		}
		out[name] = [2]string{strconv.FormatInt(int64(mode), 8), data}
	}
	t.Fatal("no trailer")
	return nil
}

func TestCpio(t *testing.T) {
	tr := newCpioTree()
	tr.file("vmtest/mods/a.ko", []byte("abc"), 0o644)
	tr.hostFile("etc/x", "testdata/finish.json", 0o600)
	tr.symlink("bin/sh", "busybox")
	tr.add(&cpioEntry{Name: "dev/console", Mode: cpioChr | 0o600, Major: 5, Minor: 1})
	var b1, b2 bytes.Buffer
	if err := tr.write(&b1, 0); err != nil {
		t.Fatal(err)
	}
	tr.write(&b2, 0)
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Error("not reproducible")
	}
	got := readCpio(t, b1.Bytes())
	for name, mode := range map[string]string{"vmtest": "40755", "vmtest/mods": "40755", "vmtest/mods/a.ko": "100644",
		"etc/x": "100600", "bin/sh": "120777", "dev/console": "20600"} {
		if got[name][0] != mode {
			t.Errorf("%s mode %s, want %s", name, got[name][0], mode)
		}
	}
	if got["vmtest/mods/a.ko"][1] != "abc" || got["bin/sh"][1] != "busybox" || !strings.Contains(got["etc/x"][1], "6.1.0-test") {
		t.Errorf("content: %v", got)
	}
	if !tr.has("/vmtest/mods") || tr.has("nope") {
		t.Error("has()")
	}
}

func TestParseEventsAndAbsorb(t *testing.T) {
	raw := "garbage\r\n" +
		`{"kind":"start","uptime":4.5}` + "\r\n" +
		`{"kind":"stage","name":"load","ms":2500}` + "\n" +
		`{"kind":"check","name":"load","ok":true,"ms":2500,"detail":"23 modules"}` + "\n" +
		"\x00\x00" + `{"kind":"check","name":"version","ms":3,"detail":"no param"}` + "\n" +
		`{"kind":"context","dmesg":["d1"],"log":["l1"]}` + "\n" +
		`{"kind":"done","ms":9000}` + "\n" + `{"kind":"check","name":"trunc`
	evs := parseEvents([]byte(raw))
	if len(evs) != 6 {
		t.Fatalf("events = %d: %+v", len(evs), evs)
	}
	r := &Report{KVer: "k", ConsoleLog: "/x/console.log"}
	r.absorb(&qemuResult{Events: evs, Boot: 3 * time.Second, Wall: 20 * time.Second})
	if f := r.Failed(); !slices.Equal(f, []string{"version"}) {
		t.Errorf("failed = %v", f)
	}
	if c := r.Check("load"); c == nil || !c.Passed || c.Duration != 2500*time.Millisecond {
		t.Errorf("load check = %+v", c)
	}
	var stages []string
	for _, s := range r.Stages {
		stages = append(stages, s.Name)
	}
	if !slices.Equal(stages, []string{"boot", "load", "vm"}) {
		t.Errorf("stages = %v", stages)
	}
	if !slices.Equal(r.DmesgTail, []string{"d1"}) || !slices.Equal(r.HelperLog, []string{"l1"}) {
		t.Errorf("context = %v %v", r.DmesgTail, r.HelperLog)
	}
	err := error(&FailedError{Checks: r.Failed(), Report: r})
	if !strings.Contains(err.Error(), "version") || !strings.Contains(err.Error(), "console.log") {
		t.Errorf("error = %v", err)
	}
	var fe *FailedError
	if !errors.As(err, &fe) {
		t.Error("errors.As")
	}

	// no "done": the vm check fails, the console tail stands in for dmesg
	r = &Report{}
	r.absorb(&qemuResult{Events: evs[:3], Exit: "killed", ConsoleTail: []string{"Kernel panic"}})
	if f := r.Failed(); !slices.Equal(f, []string{CheckVM}) || r.DmesgTail[0] != "Kernel panic" {
		t.Errorf("unfinished guest: failed %v, dmesg %v", f, r.DmesgTail)
	}
}

func TestBzPayload(t *testing.T) {
	bz := make([]byte, 5*512+100)
	copy(bz[0x202:], "HdrS")
	bz[0x1f1] = 4
	binary.LittleEndian.PutUint32(bz[0x248:], 10)
	binary.LittleEndian.PutUint32(bz[0x24c:], 6)
	copy(bz[5*512+10:], []byte{0xfd, '7', 'z', 'X', 'Z', 0})
	p, err := bzPayload(bz)
	if err != nil || !bytes.Equal(p, []byte{0xfd, '7', 'z', 'X', 'Z', 0}) {
		t.Errorf("payload = % x, %v", p, err)
	}
	binary.LittleEndian.PutUint32(bz[0x24c:], 1<<20)
	if _, err := bzPayload(bz); err == nil {
		t.Error("out of range payload accepted")
	}
	if _, err := bzPayload([]byte("MZ")); err == nil {
		t.Error("non-bzImage accepted")
	}
	if hasPVHNote([]byte("no elf")) {
		t.Error("PVH note in garbage")
	}
}

func TestQemuArgs(t *testing.T) {
	a := strings.Join(qemuArgs(qemuConfig{Kernel: "K", Initrd: "I", Append: "console=ttyS0", Memory: "512M",
		Accel: "tcg", ReportLog: "/r"}), " ")
	for _, want := range []string{"-accel tcg", "-nic none", "-no-reboot", "-m 512M", "-smp 1", "-serial file:/r", "-kernel K", "-initrd I"} {
		if !strings.Contains(a, want) {
			t.Errorf("qemu args lack %q: %s", want, a)
		}
	}
	if a := qemuArgs(qemuConfig{Accel: "kvm"}); a[1] != "kvm" {
		t.Errorf("kvm args = %v", a)
	}
	if got := detectAccel(AccelChoice("auto", "tcg")); got != "tcg" {
		t.Errorf("detectAccel with %s=tcg = %s", AccelEnv, got)
	}
	if got := detectAccel(AccelChoice("kvm", "tcg")); got != "kvm" {
		t.Errorf("explicit kvm = %s", got)
	}
}

func TestOptionsDefaults(t *testing.T) {
	o := Options{Top: "/top", KVer: "k", ExtraChecks: []ExtraCheck{{Name: "x", Argv: []string{"/bin/true"}, Phase: "sometime"}}}
	if err := o.defaults(); err == nil {
		t.Error("bad phase accepted")
	}
	o = Options{Top: "/top", KVer: "k", Scenarios: []string{}}
	if err := o.defaults(); err != nil {
		t.Fatal(err)
	}
	if o.FinishJSON != "/top/build/k/finish.json" || len(o.Scenarios) != 0 || o.Timeout == 0 {
		t.Errorf("defaults = %+v", o)
	}
	o = Options{Top: "/top"}
	o.defaults()
	if !slices.Equal(o.Scenarios, proto.AllScenarios) {
		t.Errorf("default scenarios = %v", o.Scenarios)
	}
	if c := (&Options{KernelArgs: []string{"module.sig_enforce=1"}}).kernelCmdline(); !strings.HasSuffix(c, " module.sig_enforce=1") || !strings.HasPrefix(c, "console=ttyS0") {
		t.Errorf("cmdline = %q", c)
	}
}

func TestNICArg(t *testing.T) {
	var none *Net
	if got := none.nicArg(); got != "none" {
		t.Errorf("no Net: %q", got)
	}
	n := &Net{Forwards: []Forward{{Host: 40001, Guest: 2049}, {Host: 40002, Guest: 7000}}}
	want := "user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:40001-:2049,hostfwd=tcp:127.0.0.1:40002-:7000"
	if got := n.nicArg(); got != want {
		t.Errorf("nicArg = %q, want %q", got, want)
	}
	args := strings.Join(qemuArgs(qemuConfig{NIC: want, Memory: "1G"}), " ")
	if !strings.Contains(args, "-nic "+want) || strings.Contains(args, "-nic none") {
		t.Errorf("qemu args: %s", args)
	}
	if args := strings.Join(qemuArgs(qemuConfig{Memory: "1G"}), " "); !strings.Contains(args, "-nic none") {
		t.Errorf("default qemu args must have no NIC: %s", args)
	}
}

func TestNetGuardSeesAConnection(t *testing.T) {
	g, err := newNetGuard()
	if err != nil {
		t.Fatal(err)
	}
	defer g.close()
	if c := g.check(); !c.Passed {
		t.Fatalf("nothing connected yet: %+v", c)
	}
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", g.port))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for g.check().Passed && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if c := g.check(); c.Passed || !strings.Contains(c.Detail, "not restricted") {
		t.Errorf("after a connection: %+v", c)
	}
}

func TestTailEventsDeliversAsWritten(t *testing.T) {
	p := filepath.Join(t.TempDir(), "report.jsonl")
	os.WriteFile(p, []byte(`{"kind":"start"}`+"\n"+`{"kind":"ready"}`+"\n"+`{"kind":"che`), 0o644)
	got := make(chan string, 10)
	stop := make(chan struct{})
	done := make(chan int)
	go func() { done <- tailEvents(p, func(ev proto.Event) { got <- ev.Kind }, stop) }()
	for _, want := range []string{"start", "ready"} {
		select {
		case k := <-got:
			if k != want {
				t.Errorf("event %q, want %q", k, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s event", want)
		}
	}
	close(stop)
	if n := <-done; n != 2 {
		t.Errorf("handed over %d events; the partial line must wait", n)
	}
}

// TestBuiltinModules: a kernel with a driver built in lists it in
// modules.builtin, and nothing is loaded for it; no list means none.
func TestBuiltinModules(t *testing.T) {
	dir := t.TempDir()
	if b, err := builtinModules(dir); err != nil || len(b) != 0 {
		t.Fatalf("no modules.builtin: %v %v", b, err)
	}
	list := "kernel/drivers/virtio/virtio_pci.ko\nkernel/drivers/virtio/virtio-pci-legacy.ko\n"
	if err := os.WriteFile(filepath.Join(dir, "modules.builtin"), []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := builtinModules(dir)
	if err != nil || !b["virtio_pci"] || !b["virtio_pci_legacy"] || b["virtio_net"] {
		t.Fatalf("builtin %v (%v)", b, err)
	}
}
