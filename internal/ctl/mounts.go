// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Mount is one entry of /proc/self/mountinfo.
type Mount struct {
	Source  string `json:"source"`
	Point   string `json:"mount_point"`
	FSType  string `json:"fstype"`
	Options string `json:"options"`
}

// IsNFS reports whether m is an NFS client mount.
func (m Mount) IsNFS() bool { return m.FSType == "nfs" || m.FSType == "nfs4" }

// Mounts parses ProcRoot/self/mountinfo, in mount order.
func Mounts(r Root) ([]Mount, error) {
	f, err := os.Open(r.Proc("self", "mountinfo"))
	if err != nil {
		return nil, fmt.Errorf("cannot list mounts: %w", err)
	}
	defer f.Close()
	var out []Mount
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		// id parent maj:min root point opts [optional...] - fstype source superopts
		f := strings.Fields(sc.Text())
		sep := -1
		for i, s := range f {
			if s == "-" && i >= 6 {
				sep = i
				break
			}
		}
		if sep < 0 || len(f) < sep+3 {
			continue
		}
		out = append(out, Mount{
			Point:   unescapeMount(f[4]),
			Options: f[5] + "," + f[sep+3],
			FSType:  f[sep+1],
			Source:  unescapeMount(f[sep+2]),
		})
	}
	return out, sc.Err()
}

// unescapeMount undoes the kernel's octal escaping (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func filterMounts(ms []Mount, keep func(Mount) bool) []Mount {
	var out []Mount
	for _, m := range ms {
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

// BusyUser is a process using a file under a mount point.
type BusyUser struct {
	PID   int    `json:"pid"`
	Comm  string `json:"comm"`
	Path  string `json:"path"`
	Mount string `json:"mount_point"`
}

// BusyMounts lists the processes whose cwd, root, executable, open files or
// mapped files are under one of points. It reads link targets only, so it
// never touches the NFS server (a hung server cannot hang the check).
func BusyMounts(r Root, points []string) ([]BusyUser, error) {
	if len(points) == 0 {
		return nil, nil
	}
	ents, err := os.ReadDir(r.ProcRoot)
	if err != nil {
		return nil, fmt.Errorf("cannot scan processes: %w", err)
	}
	under := func(p string) string {
		p = strings.TrimSuffix(p, " (deleted)")
		for _, m := range points {
			if m == "/" {
				continue
			}
			if p == m || strings.HasPrefix(p, m+"/") {
				return m
			}
		}
		return ""
	}
	var out []BusyUser
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		dir := filepath.Join(r.ProcRoot, e.Name())
		comm, _ := readTrim(filepath.Join(dir, "comm"))
		seen := map[string]bool{}
		note := func(p string) {
			if m := under(p); m != "" && !seen[p] {
				seen[p] = true
				out = append(out, BusyUser{PID: pid, Comm: comm, Path: p, Mount: m})
			}
		}
		for _, l := range []string{"cwd", "root", "exe"} {
			if t, err := os.Readlink(filepath.Join(dir, l)); err == nil {
				note(t)
			}
		}
		if fds, err := os.ReadDir(filepath.Join(dir, "fd")); err == nil {
			for _, fd := range fds {
				if t, err := os.Readlink(filepath.Join(dir, "fd", fd.Name())); err == nil {
					note(t)
				}
			}
		}
		if b, err := os.ReadFile(filepath.Join(dir, "maps")); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if i := strings.Index(line, " /"); i >= 0 {
					note(strings.TrimSpace(line[i:]))
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out, nil
}
