// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
)

// newc cpio ("070701") writer for the initramfs: entries sorted, fixed
// mtime and owner, so the same inputs give the same bytes.

const (
	cpioDir  = 0o040000
	cpioReg  = 0o100000
	cpioLink = 0o120000
	cpioChr  = 0o020000
)

type cpioEntry struct {
	Name         string // without leading slash
	Mode         uint32 // type | permissions
	Data         []byte // file content or link target
	Src          string // file content from this host file (when Data is nil)
	Major, Minor uint32 // device numbers (char devices)
}

// cpioTree is an in-memory initramfs image description.
type cpioTree struct {
	entries map[string]*cpioEntry
}

func newCpioTree() *cpioTree { return &cpioTree{entries: map[string]*cpioEntry{}} }

func (t *cpioTree) mkdirAll(p string) {
	p = strings.Trim(path.Clean("/"+p), "/")
	for p != "" && p != "." {
		if _, ok := t.entries[p]; !ok {
			t.entries[p] = &cpioEntry{Name: p, Mode: cpioDir | 0o755}
		}
		p = path.Dir(p)
		if p == "." {
			break
		}
	}
}

func (t *cpioTree) add(e *cpioEntry) {
	e.Name = strings.Trim(path.Clean("/"+e.Name), "/")
	t.mkdirAll(path.Dir(e.Name))
	t.entries[e.Name] = e
}

func (t *cpioTree) file(name string, data []byte, perm uint32) {
	t.add(&cpioEntry{Name: name, Mode: cpioReg | perm, Data: data})
}

func (t *cpioTree) hostFile(name, src string, perm uint32) {
	t.add(&cpioEntry{Name: name, Mode: cpioReg | perm, Src: src})
}

func (t *cpioTree) symlink(name, target string) {
	t.add(&cpioEntry{Name: name, Mode: cpioLink | 0o777, Data: []byte(target)})
}

func (t *cpioTree) has(name string) bool {
	_, ok := t.entries[strings.Trim(path.Clean("/"+name), "/")]
	return ok
}

// write emits the archive with a fixed mtime.
func (t *cpioTree) write(w io.Writer, mtime int64) error {
	names := make([]string, 0, len(t.entries))
	for n := range t.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	cw := &cpioWriter{w: w, mtime: mtime}
	for i, n := range names {
		e := t.entries[n]
		data := e.Data
		if data == nil && e.Src != "" {
			b, err := os.ReadFile(e.Src)
			if err != nil {
				return fmt.Errorf("initramfs %s: %w", n, err)
			}
			data = b
		}
		if err := cw.entry(uint32(i+1), e.Name, e.Mode, data, e.Major, e.Minor); err != nil {
			return err
		}
	}
	if err := cw.entry(0, "TRAILER!!!", 0, nil, 0, 0); err != nil {
		return err
	}
	return nil
}

type cpioWriter struct {
	w     io.Writer
	off   int64
	mtime int64
}

func (c *cpioWriter) put(b []byte) error {
	n, err := c.w.Write(b)
	c.off += int64(n)
	return err
}

func (c *cpioWriter) pad() error {
	if r := c.off % 4; r != 0 {
		return c.put(make([]byte, 4-r))
	}
	return nil
}

func (c *cpioWriter) entry(ino uint32, name string, mode uint32, data []byte, major, minor uint32) error {
	nlink := uint32(1)
	if mode&0o170000 == cpioDir {
		nlink = 2
	}
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		ino, mode, 0, 0, nlink, uint32(c.mtime), len(data), 0, 0, major, minor, len(name)+1, 0)
	if err := c.put([]byte(hdr)); err != nil {
		return err
	}
	if err := c.put(append([]byte(name), 0)); err != nil {
		return err
	}
	if err := c.pad(); err != nil {
		return err
	}
	if err := c.put(data); err != nil {
		return err
	}
	return c.pad()
}
