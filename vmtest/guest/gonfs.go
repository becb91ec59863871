// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	nfs "github.com/willscott/go-nfs"
	nfshelper "github.com/willscott/go-nfs/helpers"
	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// serveNFS is the child process: go-nfs NFSv3 (+MOUNT on the same port)
// exporting dir.
func serveNFS(addr, dir string) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nfs-serve: listen:", err)
		os.Exit(1)
	}
	fmt.Println("nfs-serve: go-nfs NFSv3 on", l.Addr(), "exporting", dir)
	fs := changeFS{Filesystem: osfs.New(dir), root: dir}
	handler := nfshelper.NewCachingHandler(nfshelper.NewNullAuthHandler(fs), 1<<16)
	fmt.Fprintln(os.Stderr, "nfs-serve: exited:", nfs.Serve(l, handler))
	os.Exit(1)
}

// changeFS adds billy.Change (chmod/chown/chtimes) so go-nfs can serve
// CREATE and SETATTR.
type changeFS struct {
	billy.Filesystem
	root string
}

func (c changeFS) p(n string) string                      { return filepath.Join(c.root, filepath.Clean("/"+n)) }
func (c changeFS) Chmod(n string, m os.FileMode) error    { return os.Chmod(c.p(n), m) }
func (c changeFS) Lchown(n string, u, g int) error        { return os.Lchown(c.p(n), u, g) }
func (c changeFS) Chown(n string, u, g int) error         { return os.Chown(c.p(n), u, g) }
func (c changeFS) Chtimes(n string, a, m time.Time) error { return os.Chtimes(c.p(n), a, m) }

// gonfsOptsPort are the mount options for go-nfs on port (NFS and MOUNT
// share it; no rpcbind, no NLM, no NFSACL).
func gonfsOptsPort(port int) string {
	return fmt.Sprintf("vers=3,proto=tcp,port=%d,mountport=%d,mountproto=tcp,mountvers=3,nolock,noacl,addr=127.0.0.1,mountaddr=127.0.0.1", port, port)
}

var gonfsOpts = gonfsOptsPort(2049)

// startGoNFS mounts a tmpfs on export and serves it with go-nfs on
// 127.0.0.1:port; stop kills the server and unmounts the tmpfs.
func (h *helper) startGoNFS(export string, port int) (stop func(), err error) {
	os.MkdirAll(export, 0o755)
	if err := unix.Mount("gonfs", export, "tmpfs", 0, "size=200m"); err != nil {
		return nil, fmt.Errorf("tmpfs for the export: %w", err)
	}
	self, _ := os.Executable()
	srv := command(self, "nfs-serve", fmt.Sprintf("127.0.0.1:%d", port), export)
	srv.Stdout, srv.Stderr = h.log, h.log
	if err := srv.Start(); err != nil {
		unix.Unmount(export, 0)
		return nil, fmt.Errorf("starting the go-nfs server: %w", err)
	}
	stop = func() {
		srv.Process.Kill()
		srv.Wait()
		unix.Unmount(export, 0)
	}
	if err := waitTCP(fmt.Sprintf("%04X", port), 20*time.Second); err != nil {
		stop()
		return nil, fmt.Errorf("go-nfs server: %w", err)
	}
	return stop, nil
}

func (h *helper) scenarioGoNFS() {
	const export, mnt = "/srv/gonfs", "/mnt/gonfs"
	skip := func(err error) {
		for _, c := range []string{proto.CheckGoNFS, proto.CheckNconnect, proto.CheckMountstatID} {
			h.check(c, time.Second, func() (string, error) { return "", err })
		}
	}
	stop, err := h.startGoNFS(export, 2049)
	if err != nil {
		skip(err)
		return
	}
	defer stop()

	h.check(proto.CheckGoNFS, 150*time.Second, func() (string, error) {
		if err := mountNFS("127.0.0.1:/", mnt, gonfsOpts); err != nil {
			return "", err
		}
		t := time.Now()
		set, err := writeSet(mnt, h.plan.IOSizes, 1)
		if err != nil {
			umount(mnt)
			return "", err
		}
		wt := time.Since(t)
		if err := set.verify(export, "server-side copy"); err != nil {
			umount(mnt)
			return "", err
		}
		if err := umount(mnt); err != nil {
			return "", err
		}
		if err := mountNFS("127.0.0.1:/", mnt, gonfsOpts); err != nil {
			return "", fmt.Errorf("remount: %w", err)
		}
		t = time.Now()
		err = set.verify(mnt, "after remount")
		rt := time.Since(t)
		if uerr := umount(mnt); err == nil {
			err = uerr
		}
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d files, %d bytes: write %s, read %s", len(set.names), set.bytes,
			wt.Round(time.Millisecond), rt.Round(time.Millisecond)), nil
	})

	mounted := false
	h.check(proto.CheckNconnect, 60*time.Second, func() (string, error) {
		if err := mountNFS("127.0.0.1:/", mnt, gonfsOpts+",nconnect=4"); err != nil {
			return "", err
		}
		mounted = true
		set, err := writeSet(mnt, []int64{3 << 20}, 99)
		if err != nil {
			return "", err
		}
		if err := set.verify(mnt, "nconnect mount"); err != nil {
			return "", err
		}
		block, err := mountstatsBlock(mnt)
		if err != nil {
			return "", err
		}
		if n := countPrefix(block, "xprt:"); n != 4 {
			return "", fmt.Errorf("nconnect=4 mount has %d xprt lines in /proc/self/mountstats, want 4", n)
		}
		return "4 xprt lines", nil
	})

	h.check(proto.CheckMountstatID, 20*time.Second, func() (string, error) {
		const param = "/sys/module/sunrpc/parameters/expose_id_in_mountstats"
		if !mounted {
			if err := mountNFS("127.0.0.1:/", mnt, gonfsOpts); err != nil {
				return "", err
			}
			mounted = true
		}
		if _, err := os.Stat(param); err != nil {
			return "", fmt.Errorf("%s does not exist (not nfsbundle's sunrpc)", param)
		}
		block, err := mountstatsBlock(mnt)
		if err != nil {
			return "", err
		}
		if n := countPrefix(block, "sunrpc-id:"); n != 0 {
			return "", fmt.Errorf("sunrpc-id shown with expose_id_in_mountstats off (%d lines)", n)
		}
		if err := writeFile(param, "1"); err != nil {
			return "", fmt.Errorf("enabling %s: %w", param, err)
		}
		defer writeFile(param, "0")
		block, err = mountstatsBlock(mnt)
		if err != nil {
			return "", err
		}
		for _, l := range block {
			var id int
			if _, err := fmt.Sscanf(trimmed(l), "sunrpc-id: %d", &id); err == nil {
				return fmt.Sprintf("sunrpc-id %d", id), nil
			}
		}
		return "", errors.New("expose_id_in_mountstats=1 but no sunrpc-id line in /proc/self/mountstats")
	})
	if mounted {
		umount(mnt)
	}
}

func trimmed(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	return s
}
