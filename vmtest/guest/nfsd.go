// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

const nfsdFS = "/proc/fs/nfsd"

func mountNfsdFS() error {
	if _, err := os.Stat(nfsdFS + "/threads"); err == nil {
		return nil
	}
	if err := unix.Mount("nfsd", nfsdFS, "nfsd", 0, ""); err != nil {
		return fmt.Errorf("mount -t nfsd nfsd %s: %w", nfsdFS, err)
	}
	return nil
}

// nfsdVersions writes the first accepted spelling (6.1 knows v2, later
// kernels may not).
func nfsdVersions(choices ...string) error {
	var err error
	for _, c := range choices {
		if err = writeFile(nfsdFS+"/versions", c+"\n"); err == nil {
			return nil
		}
	}
	return fmt.Errorf("writing %s/versions: %w", nfsdFS, err)
}

// nfsdStart opens the port and starts the threads, then ends the v4 grace period.
func nfsdStart() error {
	if err := writeFile(nfsdFS+"/portlist", "tcp 2049\n"); err != nil && !errors.Is(err, unix.EADDRINUSE) {
		return fmt.Errorf("writing %s/portlist: %w", nfsdFS, err)
	}
	if err := writeFile(nfsdFS+"/threads", "4\n"); err != nil {
		return fmt.Errorf("writing %s/threads: %w", nfsdFS, err)
	}
	// Skip the NFSv4 grace period, else every OPEN/LOCK waits for it.
	writeFile(nfsdFS+"/v4_end_grace", "Y\n")
	return nil
}

func nfsdStop() {
	writeFile(nfsdFS+"/threads", "0\n")
	now := strconv.FormatInt(time.Now().Unix(), 10)
	for _, c := range []string{"auth.unix.ip", "nfsd.export", "nfsd.fh"} {
		writeFile("/proc/net/rpc/"+c+"/flush", now+"\n")
	}
}

// seedExportCaches does what rpc.mountd would: answer the kernel's export
// cache for one export, written straight into the cache channels.
func seedExportCaches(dir string) error {
	const exp = "2147483647"
	writes := [][2]string{
		// auth.unix.ip: class addr expiry domain
		{"/proc/net/rpc/auth.unix.ip/channel", "nfsd 127.0.0.1 " + exp + " vmtest\n"},
		// nfsd.export: domain path expiry flags anonuid anongid fsid; flags
		// 0x2402 = NFSEXP_FSID|NFSEXP_NOSUBTREECHECK|NFSEXP_INSECURE_PORT (rw, no_root_squash)
		{"/proc/net/rpc/nfsd.export/channel", "vmtest " + dir + " " + exp + " 9218 65534 65534 0\n"},
		// nfsd.fh: domain fsidtype fsid expiry path; type 1 = FSID_NUM, fsid 0 = the v4 root
		{"/proc/net/rpc/nfsd.fh/channel", "vmtest 1 \\x00000000 " + exp + " " + dir + "\n"},
	}
	for _, w := range writes {
		if err := writeFile(w[0], w[1]); err != nil {
			return fmt.Errorf("seeding %s: %w", w[0], err)
		}
	}
	return nil
}

// ioRoundTrip writes a file set through mnt, verifies the server-side copy
// under srv, remounts and verifies again.
func ioRoundTrip(src, mnt, opts, srv string, sizes []int64, seed uint64) (string, error) {
	var set *ioSet
	var wt time.Duration
	err := remountRoundTrip(src, mnt, opts, func() (err error) {
		t := time.Now()
		if set, err = writeSet(mnt, sizes, seed); err == nil {
			err = set.verify(srv, "server-side copy")
		}
		wt = time.Since(t)
		return err
	}, func() error { return set.verify(mnt, "after remount") })
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d files, %d bytes, write+verify %s", len(set.names), set.bytes, wt.Round(time.Millisecond)), nil
}

// remountRoundTrip mounts src at mnt, runs first, unmounts, mounts again
// and runs again (what the client wrote must survive losing its caches),
// then unmounts; the first error wins (again's errors say they came after
// the remount).
func remountRoundTrip(src, mnt, opts string, first, again func() error) error {
	for i, fn := range []func() error{first, again} {
		if err := mountNFS(src, mnt, opts); err != nil {
			if i > 0 {
				return fmt.Errorf("remount: %w", err)
			}
			return err
		}
		err := fn()
		if uerr := umount(mnt); err == nil {
			err = uerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// startNfsdV4 mounts a tmpfs on srv and serves it with kernel nfsd as the
// NFSv4.1/4.2 root to 127.0.0.1, with no userspace daemons; stop ends nfsd
// and unmounts the tmpfs.
func startNfsdV4(srv string) (stop func(), err error) {
	os.MkdirAll(srv, 0o755)
	if err := unix.Mount("srv-v4", srv, "tmpfs", 0, "size=100m"); err != nil {
		return nil, err
	}
	undo := func() { unix.Unmount(srv, 0) }
	err = mountNfsdFS()
	if err == nil {
		os.MkdirAll("/var/lib/nfs/v4recovery", 0o755)
		err = nfsdVersions("-2 -3 +4 +4.1 +4.2", "-3 +4 +4.1 +4.2")
	}
	if err == nil {
		writeFile(nfsdFS+"/nfsv4leasetime", "10\n")
		writeFile(nfsdFS+"/nfsv4gracetime", "10\n")
		err = seedExportCaches(srv)
	}
	if err == nil {
		err = nfsdStart()
	}
	if err != nil {
		undo()
		return nil, err
	}
	return func() { nfsdStop(); undo() }, nil
}

// scenarioNfsdV4: kernel nfsd serving NFSv4.1 and 4.2 only, no userspace
// daemons at all.
func (h *helper) scenarioNfsdV4() {
	const srv = "/srv/v4"
	fail := func(err error) {
		for _, c := range []string{proto.CheckNfsdV41, proto.CheckNfsdV42, proto.CheckNfsdV4Lock} {
			h.check(c, time.Second, func() (string, error) { return "", err })
		}
	}
	stop, err := startNfsdV4(srv)
	if err != nil {
		fail(err)
		return
	}
	defer stop()
	for _, v := range []struct{ name, vers string }{{proto.CheckNfsdV41, "4.1"}, {proto.CheckNfsdV42, "4.2"}} {
		sub := "v" + strings.ReplaceAll(v.vers, ".", "")
		os.MkdirAll(filepath.Join(srv, sub), 0o777)
		opts := "vers=" + v.vers + ",addr=127.0.0.1,clientaddr=127.0.0.1"
		h.check(v.name, 90*time.Second, func() (string, error) {
			return ioRoundTrip("127.0.0.1:/"+sub, "/mnt/"+sub, opts, filepath.Join(srv, sub), h.plan.NfsdIOSizes, 10)
		})
	}
	h.check(proto.CheckNfsdV4Lock, 60*time.Second, func() (string, error) {
		var out []string
		for _, vers := range []string{"4.1", "4.2"} {
			mnt := "/mnt/lock" + vers
			if err := mountNFS("127.0.0.1:/", mnt, "vers="+vers+",addr=127.0.0.1,clientaddr=127.0.0.1"); err != nil {
				return "", err
			}
			d, err := lockCheck(filepath.Join(mnt, "lockfile"), filepath.Join(srv, "lockfile"))
			umount(mnt)
			if err != nil {
				return "", fmt.Errorf("NFSv%s: %w", vers, err)
			}
			out = append(out, "v"+vers+": "+d)
		}
		return strings.Join(out, "; "), nil
	})
}

// scenarioNfsdV3: kernel nfsd serving NFSv3 with Debian's rpcbind,
// rpc.mountd (answering the export caches from /etc/exports) and rpc.statd
// (NSM for NLM locking).
func (h *helper) scenarioNfsdV3() {
	const srv = "/srv/v3"
	fail := func(err error) {
		for _, c := range []string{proto.CheckNfsdV3, proto.CheckNfsdV3Lock} {
			h.check(c, time.Second, func() (string, error) { return "", err })
		}
	}
	if err := h.startV3Server(srv); err != nil {
		fail(err)
		return
	}
	defer nfsdStop()
	defer unix.Unmount(srv, 0)
	opts := "vers=3,proto=tcp,addr=127.0.0.1"
	h.check(proto.CheckNfsdV3, 90*time.Second, func() (string, error) {
		return ioRoundTrip("127.0.0.1:"+srv, "/mnt/v3", opts, srv, h.plan.NfsdIOSizes, 20)
	})
	h.check(proto.CheckNfsdV3Lock, 60*time.Second, func() (string, error) {
		if err := mountNFS("127.0.0.1:"+srv, "/mnt/v3lock", opts); err != nil {
			return "", err
		}
		defer umount("/mnt/v3lock")
		return lockCheck("/mnt/v3lock/lockfile", filepath.Join(srv, "lockfile"))
	})
}

func (h *helper) startV3Server(srv string) error {
	return h.startDaemonNfsd(srv, srv+" 127.0.0.1(rw,no_root_squash,no_subtree_check,insecure,fsid=1)",
		[]string{"3", "4.1", "4.2"}, 0)
}

// startDaemonNfsd mounts a tmpfs on srv and starts kernel nfsd the way a
// distribution does: rpcbind, exportfs (exports is the one /etc/exports
// line), rpc.mountd answering the export caches, rpc.statd for NLM, and
// rpc.nfsd with the given versions; lease > 0 sets the v4 lease and grace
// seconds first.
func (h *helper) startDaemonNfsd(srv, exports string, versions []string, lease int) error {
	for _, p := range []string{"/usr/sbin/rpc.mountd", "/usr/sbin/exportfs"} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("Debian nfs userspace is not in the initramfs: %w", err)
		}
	}
	for _, d := range []string{srv, "/run/rpcbind", "/var/lib/nfs/sm", "/var/lib/nfs/sm.bak", "/var/lib/nfs/v4recovery", "/var/lib/nfs/rpc_pipefs"} {
		os.MkdirAll(d, 0o755)
	}
	if err := unix.Mount("srv-"+filepath.Base(srv), srv, "tmpfs", 0, "size=200m"); err != nil {
		return err
	}
	for _, f := range []string{"/var/lib/nfs/etab", "/var/lib/nfs/rmtab"} {
		writeFile(f, "")
	}
	if err := writeFile("/etc/exports", exports+"\n"); err != nil {
		return err
	}
	if err := mountNfsdFS(); err != nil {
		return err
	}
	writeFile(nfsdFS+"/threads", "0\n")
	if lease > 0 {
		writeFile(nfsdFS+"/nfsv4leasetime", strconv.Itoa(lease)+"\n")
		writeFile(nfsdFS+"/nfsv4gracetime", strconv.Itoa(lease)+"\n")
	}
	if err := h.spawn("rpcbind", "-f", "-w"); err != nil {
		return err
	}
	if err := waitTCP("006F", 10*time.Second); err != nil {
		return fmt.Errorf("rpcbind: %w", err)
	}
	if err := h.daemon("exportfs", "-ra"); err != nil {
		return err
	}
	if err := h.spawn("rpc.mountd", "-F", "-d", "all"); err != nil {
		return err
	}
	if err := h.spawn("rpc.statd", "-F", "-d"); err != nil {
		return err
	}
	// rpc.nfsd, not nfsdStart: it hands nfsd bound sockets (portlist
	// addfd), and only those are registered with rpcbind; a "tcp 2049"
	// portlist listener is anonymous.
	args := []string{}
	for _, v := range versions {
		args = append(args, "--nfs-version", v)
	}
	if err := h.daemon("rpc.nfsd", append(args, "4")...); err != nil {
		return err
	}
	writeFile(nfsdFS+"/v4_end_grace", "Y\n")
	// The kernel registers nfs and nlockmgr, mountd registers itself:
	// wait until rpcbind knows all three.
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, _ := command("rpcinfo", "-p", "127.0.0.1").CombinedOutput()
		s := string(out)
		if strings.Contains(s, "mountd") && strings.Contains(s, "nfs") && strings.Contains(s, "nlockmgr") && strings.Contains(s, "status") {
			h.logf("rpcbind registrations:\n%s", s)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("rpcbind lacks nfs/mountd/nlockmgr/status after 15 s: %s", s)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// spawn starts a daemon in the foreground as our child, logging to the
// helper log; it lives until poweroff.
func (h *helper) spawn(name string, args ...string) error {
	cmd := command(name, args...)
	cmd.Stdout, cmd.Stderr = h.log, h.log
	h.logf("  start %s %s", name, strings.Join(args, " "))
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	go cmd.Wait()
	return nil
}

// daemon runs a program that forks into the background (or finishes).
func (h *helper) daemon(name string, args ...string) error {
	cmd := command(name, args...)
	cmd.Stdout, cmd.Stderr = h.log, h.log
	h.logf("  run %s %s", name, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w (see the helper log)", name, strings.Join(args, " "), err)
	}
	return nil
}
