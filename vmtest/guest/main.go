// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

// Command guest is the vmtest helper that runs as /init inside the test VM:
// it mounts the pseudo filesystems, loads the planned modules with
// finit_module(2), runs the named checks and NFS scenarios, writes one JSON
// event per line to the report serial port and powers the VM off.
//
// It also has sub-commands the helper itself starts as child processes:
//
//	/init nfs-serve ADDR DIR   userspace NFSv3 server (go-nfs) exporting DIR
//	/init insmod-expect-reject FILE TEXT
//	                           load FILE; exit 0 only if the kernel refuses it and
//	                           logs TEXT (for module.sig_enforce=1 extra checks)
//	/init bench                guest hashing speed
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "bench":
			bench()
			return
		case "insmod-expect-reject":
			os.Exit(insmodExpectReject(os.Args[2:]))
		case "nfs-serve":
			if len(os.Args) != 4 {
				fmt.Fprintln(os.Stderr, "usage: nfs-serve ADDR DIR")
				os.Exit(2)
			}
			serveNFS(os.Args[2], os.Args[3])
			return
		}
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "vmtest guest helper: this program runs as /init inside the vmtest VM (./build.sh vmtest)")
		os.Exit(2)
	}
	h := &helper{start: time.Now()}
	defer func() {
		if r := recover(); r != nil {
			h.logf("PANIC: %v", r)
			h.failed = true
			h.emit(proto.Event{Kind: proto.EvCheck, Name: "helper", Detail: fmt.Sprintf("helper panicked: %v", r)})
			h.finish()
		}
	}()
	h.run()
	h.finish()
}

type helper struct {
	start  time.Time
	plan   proto.Plan
	mu     sync.Mutex
	report io.Writer
	log    *os.File
	failed bool
}

// logf writes one line to the console and the helper log.
func (h *helper) logf(format string, args ...any) {
	line := fmt.Sprintf("[%7.3f] %s\n", time.Since(h.start).Seconds(), fmt.Sprintf(format, args...))
	h.mu.Lock()
	defer h.mu.Unlock()
	os.Stdout.WriteString(line)
	if h.log != nil {
		h.log.WriteString(line)
	}
}

func (h *helper) emit(ev proto.Event) {
	b, _ := json.Marshal(ev)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.report != nil {
		h.report.Write(append(b, '\n'))
		return
	}
	fmt.Fprintf(os.Stdout, "VMTEST-EV %s\n", b)
}

func (h *helper) run() {
	setupMounts()
	if f, err := os.OpenFile(proto.HelperLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
		h.log = f
	}
	h.report = openReport()
	up := uptime()
	fmt.Printf("\n%s uptime=%.3f\n", proto.ConsoleMarker, up)
	h.emit(proto.Event{Kind: proto.EvStart, Uptime: up})

	if _, err := os.Stat("/bin/busybox"); err == nil {
		if out, err := command("/bin/busybox", "--install", "-s").CombinedOutput(); err != nil {
			h.logf("busybox --install: %v %s", err, out)
		}
	}
	b, err := os.ReadFile(proto.PlanPath)
	if err == nil {
		err = json.Unmarshal(b, &h.plan)
	}
	if err != nil {
		h.check("plan", time.Second, func() (string, error) { return "", fmt.Errorf("reading %s: %w", proto.PlanPath, err) })
		return
	}
	h.logf("kernel %s, helper plan: %d modules, scenarios %v", kernelRelease(), len(h.plan.Modules), h.plan.Scenarios)
	if err := loopbackUp(); err != nil {
		h.check("loopback", time.Second, func() (string, error) { return "", err })
		return
	}
	h.runExtra(proto.PhaseBeforeLoad)
	if !h.plan.SkipLoad {
		t := time.Now()
		h.check(proto.CheckLoad, 120*time.Second, h.loadModules)
		h.stage("load", t)
		tuneLockd()
		if !h.plan.NoVerify {
			h.check(proto.CheckVersion, 5*time.Second, h.checkVersion)
			h.check(proto.CheckSrcversion, 5*time.Second, h.checkSrcversion)
			h.check(proto.CheckOurs, 5*time.Second, h.checkOurs)
		}
	}
	if h.plan.Net && !h.check(proto.CheckNet, 20*time.Second, h.netUp) {
		return
	}
	h.runExtra(proto.PhaseAfterLoad)
	for _, s := range h.plan.Scenarios {
		t := time.Now()
		switch s {
		case proto.ScenarioGoNFS:
			h.scenarioGoNFS()
		case proto.ScenarioNfsdV4:
			h.scenarioNfsdV4()
		case proto.ScenarioNfsdV3:
			h.scenarioNfsdV3()
		case proto.ScenarioServe:
			h.scenarioServe()
		default:
			h.check("scenario-"+s, time.Second, func() (string, error) { return "", fmt.Errorf("unknown scenario %q", s) })
		}
		h.stage(s, t)
	}
	h.runExtra(proto.PhaseEnd)
}

func (h *helper) finish() {
	if h.failed {
		h.emit(proto.Event{Kind: proto.EvContext, Dmesg: dmesgTail(30), Log: fileTail(proto.HelperLog, 30)})
	}
	h.emit(proto.Event{Kind: proto.EvDone, OK: !h.failed, MS: time.Since(h.start).Milliseconds()})
	if f, ok := h.report.(*os.File); ok {
		f.Sync()
	}
	fmt.Printf("VMTEST-DONE ok=%v\n", !h.failed)
	unix.Sync()
	unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	select {}
}

func (h *helper) stage(name string, t time.Time) {
	ms := time.Since(t).Milliseconds()
	h.logf("stage %s: %d ms", name, ms)
	h.emit(proto.Event{Kind: proto.EvStage, Name: name, MS: ms})
}

// check runs fn as the named check, bounded by timeout, and reports it.
func (h *helper) check(name string, timeout time.Duration, fn func() (string, error)) bool {
	h.logf("check %s: start", name)
	t := time.Now()
	type result struct {
		detail string
		err    error
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				ch <- result{err: fmt.Errorf("panic: %v", r)}
			}
		}()
		d, err := fn()
		ch <- result{d, err}
	}()
	var r result
	select {
	case r = <-ch:
	case <-time.After(timeout):
		r.err = fmt.Errorf("timed out after %s", timeout)
	}
	ms := time.Since(t).Milliseconds()
	ev := proto.Event{Kind: proto.EvCheck, Name: name, OK: r.err == nil, MS: ms, Detail: r.detail}
	if r.err != nil {
		h.failed = true
		ev.Detail = r.err.Error()
		if r.detail != "" {
			ev.Detail += " (" + r.detail + ")"
		}
		h.logf("FAIL %s (%d ms): %s", name, ms, ev.Detail)
	} else {
		h.logf("PASS %s (%d ms) %s", name, ms, r.detail)
	}
	h.emit(ev)
	return r.err == nil
}

// extraMount is the NFS mount extra checks with NeedsMount see
// (VMTEST_NFS_MOUNT): go-nfs on port 20049, NFSv3, nconnect=2.
const extraMount = "/mnt/vmtest-nfs"

func (h *helper) runExtra(phase string) {
	for _, x := range h.plan.Extra {
		if x.Phase == phase {
			h.runExtraWithMounts(x)
		}
	}
}

// runExtraWithMounts brings up the mounts the check asks for, runs it and
// takes them down again.
func (h *helper) runExtraWithMounts(x proto.Extra) {
	fail := func(what string, err error) {
		h.check(x.Name, time.Second, func() (string, error) { return "", fmt.Errorf("%s for the check: %w", what, err) })
	}
	if x.NeedsNfsd {
		stop, err := startNfsdV4Mount(extraNfsdSrv, extraNfsdMount)
		if err != nil {
			fail("kernel nfsd mount", err)
			return
		}
		defer stop()
		x.Env = append(x.Env, "VMTEST_NFSD_MOUNT="+extraNfsdMount, "VMTEST_NFSD_EXPORT="+extraNfsdSrv)
	}
	if x.NeedsMount {
		stop, err := h.startGoNFS("/srv/extra", 20049)
		if err == nil {
			opts := x.MountOptions
			if opts == "" {
				opts = "nconnect=2"
			}
			if err = mountNFS("127.0.0.1:/", extraMount, gonfsOptsPort(20049)+","+opts); err != nil {
				stop()
			}
		}
		if err != nil {
			fail("NFS mount", err)
			return
		}
		defer stop()
		defer umount(extraMount)
		writeFile(extraMount+"/hello", "hello from vmtest\n")
		x.Env = append(x.Env, "VMTEST_NFS_MOUNT="+extraMount)
	}
	h.runOneExtra(x)
}

func (h *helper) runOneExtra(x proto.Extra) {
	timeout := time.Duration(x.TimeoutSec) * time.Second
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	t := time.Now()
	h.check(x.Name, timeout+time.Second, func() (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if len(x.Argv) == 0 {
			return "", errors.New("extra check has no argv")
		}
		cmd := commandContext(ctx, x.Argv[0], x.Argv[1:]...)
		cmd.Env = childEnv("VMTEST_KVER="+h.plan.KVer, "VMTEST_MODDIR="+proto.ModDir,
			"VMTEST_VERSION="+h.plan.Version)
		cmd.Env = append(cmd.Env, x.Env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
			if l != "" {
				h.logf("  %s| %s", x.Name, l)
			}
		}
		if x.FullOutput {
			h.emitOutput(x.Name, out.String(), exitStatus(cmd, err))
		}
		if err != nil {
			return lastLine(out.String()), fmt.Errorf("%s: %w", strings.Join(x.Argv, " "), err)
		}
		return lastLine(out.String()), nil
	})
	h.stage(x.Name, t)
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func setupMounts() {
	for _, d := range []string{"/proc", "/sys", "/dev", "/tmp", "/run", "/mnt", "/var/lib/nfs"} {
		os.MkdirAll(d, 0o755)
	}
	unix.Mount("proc", "/proc", "proc", 0, "")
	unix.Mount("sysfs", "/sys", "sysfs", 0, "")
	unix.Mount("devtmpfs", "/dev", "devtmpfs", 0, "")
	unix.Mount("tmpfs", "/tmp", "tmpfs", 0, "")
	unix.Mount("tmpfs", "/run", "tmpfs", 0, "")
	os.MkdirAll("/sys/kernel/debug", 0o755)
	unix.Mount("debugfs", "/sys/kernel/debug", "debugfs", 0, "")
}

// openReport opens the second serial port raw (no \n -> \r\n mapping).
func openReport() io.Writer {
	f, err := os.OpenFile(proto.ReportTTY, os.O_WRONLY|unix.O_NOCTTY, 0)
	if err != nil {
		fmt.Printf("vmtest: no report port %s (%v): events go to the console\n", proto.ReportTTY, err)
		return nil
	}
	if t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
		t.Oflag &^= unix.OPOST
		unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, t)
	}
	return f
}

func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCGIFFLAGS lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCSIFFLAGS lo up: %w", err)
	}
	return nil
}

func uptime() float64 {
	var f float64
	if b, err := os.ReadFile("/proc/uptime"); err == nil {
		fmt.Sscanf(string(b), "%f", &f)
	}
	return f
}

func kernelRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "?"
	}
	return unix.ByteSliceToString(u.Release[:])
}

// dmesgTail returns the last n lines of the kernel log.
func dmesgTail(n int) []string {
	buf := make([]byte, 1<<20)
	k, err := unix.Klogctl(unix.SYSLOG_ACTION_READ_ALL, buf)
	if err != nil {
		return []string{"dmesg: " + err.Error()}
	}
	return tailLines(string(buf[:k]), n)
}

func fileTail(path string, n int) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}
	}
	return tailLines(string(b), n)
}

func tailLines(s string, n int) []string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

func writeFile(path, s string) error {
	return os.WriteFile(path, []byte(s), 0o644)
}

func readTrim(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimSpace(string(b)), err
}

// bench prints the guest's hashing and data generation speed (used by
// bench/vm.sh through an extra check).
func bench() {
	buf := randomBlock(1)
	for _, c := range []struct {
		name string
		h    func() hash.Hash
	}{{"sha256", sha256.New}, {"crc64", func() hash.Hash { return crc64.New(crc64.MakeTable(crc64.ECMA)) }},
		{"crc32c", func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }}} {
		h := c.h()
		t := time.Now()
		n := 0
		for time.Since(t) < time.Second {
			h.Write(buf)
			n += len(buf)
		}
		fmt.Printf("%s: %.0f MB/s\n", c.name, float64(n)/time.Since(t).Seconds()/1e6)
	}
	t := time.Now()
	for i := 0; i < 16; i++ {
		randomBlock(uint64(i))
	}
	fmt.Printf("randomBlock: %.0f MB/s\n", 16/time.Since(t).Seconds())
}
