// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// Where extra checks with NeedsNfsd find kernel nfsd.
const (
	extraNfsdSrv   = "/srv/extra-nfsd"
	extraNfsdMount = "/mnt/vmtest-nfsd"
)

// netUp configures the user-mode NIC (eth0 at proto.GuestAddr, up) and
// proves the guest cannot reach the host: a connection to the host's probe
// port at the gateway address must fail (the host counts what arrives).
func (h *helper) netUp() (string, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat("/sys/class/net/eth0"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return "", errors.New("no eth0 after 10 s: is virtio_net loaded?")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, args := range [][]string{
		{"ip", "addr", "add", proto.GuestAddr, "dev", "eth0"},
		{"ip", "link", "set", "eth0", "up"},
		{"ip", "route", "add", "default", "via", proto.GatewayAddr},
	} {
		if out, err := command(args[0], args[1:]...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
	}
	if p := h.plan.NetProbePort; p > 0 {
		addr := net.JoinHostPort(proto.GatewayAddr, strconv.Itoa(p))
		if c, err := net.DialTimeout("tcp", addr, 3*time.Second); err == nil {
			c.Close()
			return "", fmt.Errorf("the guest reached the host at %s: the user-mode network is not restricted", addr)
		}
		return fmt.Sprintf("eth0 %s; %s unreachable", proto.GuestAddr, addr), nil
	}
	return "eth0 " + proto.GuestAddr, nil
}

// startNfsdV4Mount starts kernel nfsd on srv and mounts it over NFSv4.2 at mnt.
func startNfsdV4Mount(srv, mnt string) (stop func(), err error) {
	stopNfsd, err := startNfsdV4(srv)
	if err != nil {
		return nil, err
	}
	os.Chmod(srv, 0o777)
	if err := mountNFS("127.0.0.1:/", mnt, "vers=4.2,addr=127.0.0.1,clientaddr=127.0.0.1"); err != nil {
		stopNfsd()
		return nil, err
	}
	return func() { umount(mnt); stopNfsd() }, nil
}

// exitStatus is the exit code of a finished command (-1: it did not exit).
func exitStatus(cmd *exec.Cmd, err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Exited() {
		return ee.ExitCode()
	}
	return -1
}

// emitOutput sends an extra check's whole output and exit status.
func (h *helper) emitOutput(name, out string, code int) {
	if len(out) > proto.OutputCap {
		out = out[len(out)-proto.OutputCap:]
	}
	h.emit(proto.Event{Kind: proto.EvOutput, Name: name, Output: out, Exit: &code})
}

// scenarioServe: kernel nfsd exporting proto.ServeExport as a distribution
// would serve it (v3 and v4.x, insecure, to anyone on the guest's networks),
// the fio checks, then (Wait) serving host-side suites until told to stop.
func (h *helper) scenarioServe() {
	sv := h.plan.Serve
	if sv == nil {
		sv = &proto.Serve{}
	}
	lease := sv.LeaseTime
	if lease == 0 {
		lease = 10
	}
	exp := proto.ServeExport + " *(rw,no_root_squash,no_subtree_check,insecure,fsid=0)"
	if err := h.startDaemonNfsd(proto.ServeExport, exp, []string{"3", "4.0", "4.1", "4.2"}, lease); err != nil {
		h.check("serve", time.Second, func() (string, error) { return "", err })
		return
	}
	defer nfsdStop()
	defer unix.Unmount(proto.ServeExport, 0)
	os.Chmod(proto.ServeExport, 0o777)
	if sv.Fio {
		h.fioChecks()
	}
	if !sv.Wait {
		return
	}
	for _, d := range sv.Dirs {
		dir := filepath.Join(proto.ServeExport, filepath.Clean("/"+d))
		err := os.MkdirAll(dir, 0o777)
		if err == nil {
			err = os.Chmod(dir, 0o777) // past the umask
		}
		if err != nil {
			h.check("serve", time.Second, func() (string, error) { return "", err })
			return
		}
	}
	h.check("serve", 12*time.Hour, func() (string, error) { return h.serveUntilStop(sv.ControlPort) })
}

// serveUntilStop tells the host the server is ready and waits for a line
// "stop" on the control port (the host's run limit bounds the wait).
func (h *helper) serveUntilStop(port int) (string, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return "", fmt.Errorf("control port: %w", err)
	}
	defer ln.Close()
	t := time.Now()
	h.emit(proto.Event{Kind: proto.EvReady})
	h.logf("serving %s until the host says stop on port %d", proto.ServeExport, port)
	for {
		c, err := ln.Accept()
		if err != nil {
			return "", err
		}
		line, _ := bufio.NewReader(c).ReadString('\n')
		if strings.TrimSpace(line) == "stop" {
			fmt.Fprintln(c, "ok")
			c.Close()
			return fmt.Sprintf("served %s", time.Since(t).Round(time.Second)), nil
		}
		c.Close()
	}
}

// fioChecks run the host's fio job file on three of our client's mounts:
// NFSv3 to go-nfs, NFSv3 and NFSv4.2 to kernel nfsd. Each mount writes and
// verifies every job, is unmounted and mounted again, then verifies the
// written data once more (verify_only).
func (h *helper) fioChecks() {
	mounts := []struct{ check, src, opts, sub string }{
		{proto.CheckFioNfsdV3, "127.0.0.1:" + proto.ServeExport + "/fio-v3", "vers=3,proto=tcp,addr=127.0.0.1", "fio-v3"},
		{proto.CheckFioNfsdV42, "127.0.0.1:/fio-v42", "vers=4.2,addr=127.0.0.1,clientaddr=127.0.0.1", "fio-v42"},
	}
	for _, m := range mounts {
		os.MkdirAll(filepath.Join(proto.ServeExport, m.sub), 0o777)
		m := m
		h.check(m.check, 300*time.Second, func() (string, error) { return fioRoundTrip(m.src, "/mnt/"+m.sub, m.opts) })
	}
	h.check(proto.CheckFioControl, 120*time.Second, fioControl)
	stop, err := h.startGoNFS("/srv/fio-gonfs", 20049)
	if err != nil {
		h.check(proto.CheckFioGoNFS, time.Second, func() (string, error) { return "", err })
		return
	}
	defer stop()
	h.check(proto.CheckFioGoNFS, 300*time.Second, func() (string, error) {
		return fioRoundTrip("127.0.0.1:/", "/mnt/fio-gonfs", gonfsOptsPort(20049))
	})
}

// fioControl proves the fio checks can fail: it flips bytes in the middle
// of the server's copy of a file the v3 check wrote, and the re-verify
// over a fresh mount must report it.
func fioControl() (string, error) {
	const sub, off = "fio-v3", 1<<20 + 100
	f, err := os.OpenFile(filepath.Join(proto.ServeExport, sub, "seq-buffered.0.0"), os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("the server's copy of the v3 check's file: %w", err)
	}
	_, err = f.WriteAt([]byte("corrupted by the fio control check"), off)
	f.Close()
	if err != nil {
		return "", err
	}
	mnt := "/mnt/fio-control"
	if err := mountNFS("127.0.0.1:"+proto.ServeExport+"/"+sub, mnt, "vers=3,proto=tcp,addr=127.0.0.1"); err != nil {
		return "", err
	}
	defer umount(mnt)
	_, err = runFio(mnt, true)
	if err == nil {
		return "", fmt.Errorf("fio verified a file whose bytes at offset %d were overwritten on the server", off)
	}
	if !strings.Contains(err.Error(), "verify") {
		return "", fmt.Errorf("fio failed, but not with a verify error: %w", err)
	}
	return lastLine(err.Error()), nil
}

func fioRoundTrip(src, mnt, opts string) (string, error) {
	var took [2]time.Duration
	run := func(i int) func() error {
		return func() error {
			t := time.Now()
			_, err := runFio(mnt, i == 1)
			took[i] = time.Since(t)
			if err != nil && i == 1 {
				err = fmt.Errorf("after remount: %w", err)
			}
			return err
		}
	}
	if err := remountRoundTrip(src, mnt, opts, run(0), run(1)); err != nil {
		return "", err
	}
	return fmt.Sprintf("write+verify %s, re-verify after remount %s", took[0].Round(time.Millisecond), took[1].Round(time.Millisecond)), nil
}

// fioErrLine picks fio's lines that say what went wrong (verify failures
// name the job, file and offset).
var fioErrLine = regexp.MustCompile(`(?i)(verify|bad (magic|header)|offset|err=|error)`)

// runFio runs the job file in dir; the error quotes fio's failure lines.
func runFio(dir string, verifyOnly bool) (string, error) {
	vo := "0"
	if verifyOnly {
		vo = "1"
	}
	cmd := command("/usr/bin/fio", "--output-format=normal", proto.FioJobFile)
	cmd.Env = childEnv("FIO_DIR="+dir, "FIO_VERIFY_ONLY="+vo)
	out, err := cmd.CombinedOutput()
	if err == nil {
		return string(out), nil
	}
	var why []string
	for _, l := range strings.Split(string(out), "\n") {
		if fioErrLine.MatchString(l) && len(why) < 8 {
			why = append(why, strings.TrimSpace(l))
		}
	}
	if len(why) == 0 {
		why = append(why, lastLine(string(out)))
	}
	return string(out), fmt.Errorf("fio: %w: %s", err, strings.Join(why, " | "))
}
