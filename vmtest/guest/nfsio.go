// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

const chunk = 1 << 20

// Checksums are CRC32C: a detail that matters under TCG, where the guest
// hashes sha256 at ~10 MB/s and CRC32C at ~250 MB/s.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// pattern returns size bytes of seeded pseudo-random data chunk by chunk: one
// random 1 MiB block with the chunk index stamped in front, so misplaced
// chunks change the checksum.
func fillChunk(block, buf []byte, idx uint64) {
	copy(buf, block)
	binary.LittleEndian.PutUint64(buf, idx^binary.LittleEndian.Uint64(block))
}

func randomBlock(seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, chunk)
	for i := 0; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return b
}

// writeData writes size bytes to path, fsyncs, and returns the checksum.
func writeData(path string, size int64, seed uint64) (string, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return "", err
	}
	block := randomBlock(seed)
	buf := make([]byte, chunk)
	h := crc32.New(castagnoli)
	for off, idx := int64(0), uint64(0); off < size; idx++ {
		n := int64(chunk)
		if size-off < n {
			n = size - off
		}
		fillChunk(block, buf, idx)
		if _, err := f.Write(buf[:n]); err != nil {
			f.Close()
			return "", fmt.Errorf("write %s at %d: %w", path, off, err)
		}
		h.Write(buf[:n])
		off += n
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("fsync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("close %s: %w", path, err)
	}
	return fmt.Sprintf("%08x", h.Sum32()), nil
}

func sumFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	n, err := io.CopyBuffer(h, f, make([]byte, chunk))
	if err != nil {
		return "", n, fmt.Errorf("read %s: %w", path, err)
	}
	return fmt.Sprintf("%08x", h.Sum32()), n, nil
}

// ioSet writes one file per size under dir and remembers the checksums.
type ioSet struct {
	names []string
	sums  map[string]string
	sizes map[string]int64
	bytes int64
}

func writeSet(dir string, sizes []int64, seed uint64) (*ioSet, error) {
	s := &ioSet{sums: map[string]string{}, sizes: map[string]int64{}}
	for i, sz := range sizes {
		name := fmt.Sprintf("f%02d-%d", i, sz)
		sum, err := writeData(filepath.Join(dir, name), sz, seed+uint64(i))
		if err != nil {
			return nil, err
		}
		s.names = append(s.names, name)
		s.sums[name], s.sizes[name] = sum, sz
		s.bytes += sz
	}
	return s, nil
}

// verify reads every file of the set under dir and compares size and sum.
func (s *ioSet) verify(dir, where string) error {
	for _, name := range s.names {
		sum, n, err := sumFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if n != s.sizes[name] || sum != s.sums[name] {
			return fmt.Errorf("%s: %s: got %d bytes crc32c %s, wrote %d bytes crc32c %s",
				where, name, n, sum, s.sizes[name], s.sums[name])
		}
	}
	return nil
}

func mountNFS(src, dst, opts string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	if err := unix.Mount(src, dst, "nfs", 0, opts); err != nil {
		return fmt.Errorf("mount -t nfs -o %s %s %s: %w", opts, src, dst, err)
	}
	return nil
}

func umount(dst string) error {
	var err error
	for i := 0; i < 20; i++ {
		if err = unix.Unmount(dst, 0); err == nil || errors.Is(err, unix.EINVAL) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("umount %s: %w", dst, err)
}

// mountstatsBlock returns the /proc/self/mountstats lines of the mount on dir.
func mountstatsBlock(dir string) ([]string, error) {
	f, err := os.Open("/proc/self/mountstats")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseMountstats(f, dir)
}

func parseMountstats(r io.Reader, dir string) ([]string, error) {
	var out []string
	in := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "device ") {
			in = strings.Contains(l, " mounted on "+dir+" with fstype nfs")
		}
		if in {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no NFS mount on %s in /proc/self/mountstats", dir)
	}
	return out, sc.Err()
}

func countPrefix(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			n++
		}
	}
	return n
}

// lockCheck takes a POSIX write lock on client (a file on an NFS mount) and
// proves the server took it: /proc/locks shows a lock on server (the same
// file seen from the exported directory) while held, and none after unlock.
func lockCheck(client, server string) (string, error) {
	f, err := os.OpenFile(client, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.WriteString("lock me\n"); err != nil {
		return "", err
	}
	var st unix.Stat_t
	if err := unix.Stat(server, &st); err != nil {
		return "", fmt.Errorf("stat server file: %w", err)
	}
	key := fmt.Sprintf("%02x:%02x:%d", unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino)
	t := time.Now()
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLKW, &lk); err != nil {
		return "", fmt.Errorf("fcntl(F_SETLKW, F_WRLCK): %w", err)
	}
	took := time.Since(t)
	held := locksOn(key)
	lk.Type = unix.F_UNLCK
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		return "", fmt.Errorf("fcntl(F_SETLK, F_UNLCK): %w", err)
	}
	if held == 0 {
		return "", fmt.Errorf("lock granted to the client but the server holds no lock on %s (%s) in /proc/locks", server, key)
	}
	for i := 0; i < 50 && locksOn(key) > 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if n := locksOn(key); n > 0 {
		b, _ := os.ReadFile("/proc/locks")
		return "", fmt.Errorf("server still holds %d lock(s) on %s (%s) after unlock; /proc/locks: %s", n, server, key, strings.ReplaceAll(string(b), "\n", " | "))
	}
	return fmt.Sprintf("lock granted in %d ms, held by the server, released", took.Milliseconds()), nil
}

func locksOn(key string) int {
	b, _ := os.ReadFile("/proc/locks")
	return countLocks(string(b), key)
}

// countLocks counts granted POSIX locks on dev:ino key in /proc/locks text:
// "1: POSIX  ADVISORY  WRITE 123 00:1c:4567 0 EOF"; blocked waiters
// ("1: -> POSIX ...") and delegations ("1: DELEG ...") do not count.
func countLocks(procLocks, key string) int {
	n := 0
	for _, l := range strings.Split(procLocks, "\n") {
		fs := strings.Fields(l)
		if len(fs) > 5 && fs[1] == "POSIX" && fs[5] == key {
			n++
		}
	}
	return n
}

func waitTCP(port string, timeout time.Duration) error {
	// /proc/net/tcp: local address 0100007F:0801 state 0A (LISTEN)
	want := fmt.Sprintf(":%s", port)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile("/proc/net/tcp")
		for _, l := range strings.Split(string(b), "\n") {
			fs := strings.Fields(l)
			if len(fs) > 3 && strings.HasSuffix(fs[1], want) && fs[3] == "0A" {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on TCP port 0x%s after %s", port, timeout)
}
