// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const mountstats = `device proc mounted on /proc with fstype proc
device 127.0.0.1:/ mounted on /mnt/gonfs with fstype nfs statvers=1.1
	opts:	rw,vers=3,rsize=1048576
	sunrpc-id:	4
	xprt:	tcp 0 0 1 0 0 10 10 0 10 0 2 0 0
	xprt:	tcp 0 0 1 0 0 10 10 0 10 0 2 0 0
device 127.0.0.1:/v41 mounted on /mnt/v41 with fstype nfs4 statvers=1.1
	xprt:	tcp 0 0 1 0 0 10 10 0 10 0 2 0 0
`

func TestParseMountstats(t *testing.T) {
	b, err := parseMountstats(strings.NewReader(mountstats), "/mnt/gonfs")
	if err != nil {
		t.Fatal(err)
	}
	if n := countPrefix(b, "xprt:"); n != 2 {
		t.Errorf("xprt lines = %d, want 2", n)
	}
	if n := countPrefix(b, "sunrpc-id:"); n != 1 {
		t.Errorf("sunrpc-id lines = %d, want 1", n)
	}
	b, err = parseMountstats(strings.NewReader(mountstats), "/mnt/v41")
	if err != nil || countPrefix(b, "xprt:") != 1 {
		t.Errorf("nfs4 block: %v %v", b, err)
	}
	if _, err := parseMountstats(strings.NewReader(mountstats), "/mnt/none"); err == nil {
		t.Error("missing mount: no error")
	}
}

func TestCountLocks(t *testing.T) {
	locks := "1: POSIX  ADVISORY  WRITE 98 00:18:12 0 EOF\n" +
		"1: -> POSIX  ADVISORY  WRITE 99 00:18:12 0 EOF\n" +
		"2: DELEG  ACTIVE    READ 98 00:18:12 0 EOF\n" +
		"3: POSIX  ADVISORY  READ 77 00:19:12 0 EOF\n"
	if n := countLocks(locks, "00:18:12"); n != 1 {
		t.Errorf("countLocks = %d, want 1", n)
	}
	if n := countLocks("", "00:18:12"); n != 0 {
		t.Errorf("empty: %d", n)
	}
}

func TestNoteDesc(t *testing.T) {
	// namesz 4 ("GNU\0"), descsz 4, type 3, desc de ad be ef
	b := []byte{4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0, 0xde, 0xad, 0xbe, 0xef}
	if got := noteDesc(b); got != "deadbeef" {
		t.Errorf("noteDesc = %q", got)
	}
	if got := noteDesc(b[:10]); got != "" {
		t.Errorf("short note = %q", got)
	}
}

func TestWriteSetVerify(t *testing.T) {
	dir := t.TempDir()
	set, err := writeSet(dir, []int64{0, 1, chunk - 1, chunk + 7, 3 * chunk}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := set.verify(dir, "same dir"); err != nil {
		t.Fatal(err)
	}
	// chunks differ (index stamped), so a swapped chunk changes the sum
	p := filepath.Join(dir, set.names[4])
	b, _ := os.ReadFile(p)
	swapped := append(append(append([]byte{}, b[chunk:2*chunk]...), b[:chunk]...), b[2*chunk:]...)
	os.WriteFile(p, swapped, 0o644)
	if err := set.verify(dir, "swapped"); err == nil {
		t.Error("swapped chunks not detected")
	}
}
