// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package compat

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/compat/features"
)

// notReadYet are probes whose results no C file reads yet: the 6.12 and
// 5.10 ports (issues H and I) are converting the tree directory by
// directory, and each conversion moves its probes out of this list. The
// test fails both ways, so the list cannot go stale: a probe here that
// gains a reader must leave it.
var notReadYet = map[string]bool{
	"HAVE_AOPS_DIRTY_FOLIO": true, "HAVE_AOPS_INVALIDATE_FOLIO": true, "HAVE_AOPS_LAUNDER_FOLIO": true,
	"HAVE_AOPS_MIGRATE_FOLIO": true, "HAVE_AOPS_READ_FOLIO": true, "HAVE_AOPS_SWAP_RW": true,
	"HAVE_BVEC_SET_PAGE": true, "HAVE_FILEMAP_INVALIDATE_LOCK": true, "HAVE_FILEMAP_SPLICE_READ": true, "HAVE_FILLDIR_BOOL": true,
	"HAVE_FOLIO": true, "HAVE_FOPS_ITERATE": true,
	"HAVE_FSCACHE_VOLUME":       true,
	"HAVE_GET_RANDOM_U32_BELOW": true, "HAVE_INODE_I_MTIME": true,
	"HAVE_INODE_PERMISSION_USERNS": true, "HAVE_IOPS_FILEATTR_GET": true, "HAVE_IOPS_GET_ACL_RCU": true,
	"HAVE_IOPS_SETATTR_USERNS": true,
	"HAVE_IOV_ITER_GET_PAGES2": true, "HAVE_ITER_SOURCE": true, "HAVE_KMAP_LOCAL_FOLIO": true,
	"HAVE_KMAP_LOCAL_PAGE": true, "HAVE_LINUX_MATH_H": true, "HAVE_LINUX_MNT_IDMAPPING_H": true,
	"HAVE_LINUX_UNALIGNED_H": true, "HAVE_MSG_SPLICE_PAGES": true, "HAVE_NETFS_INODE": true, "HAVE_NETNS_TRACKER": true,
	"HAVE_PDE_DATA": true, "HAVE_PDE_DATA_UPPER": true, "HAVE_PROTO_OPS_SENDPAGE": true,
	"HAVE_REGISTER_SYSCTL_TABLE": true, "HAVE_TASK_FREEZABLE": true, "HAVE_TIMER_SHUTDOWN_SYNC": true,
	"HAVE_TRACE_SOCKADDR": true, "HAVE_TRACE_STRING_LEN": true,
}

var reHave = regexp.MustCompile(`\bHAVE_[A-Z0-9_]+\b`)

// readers collects the HAVE_* macros the C side reads: the wrappers in
// compat/include, our C files and the trees' patches (added lines only).
func readers(t *testing.T) map[string][]string {
	t.Helper()
	read := map[string][]string{}
	add := func(path, text string) {
		for _, m := range reHave.FindAllString(text, -1) {
			read[m] = append(read[m], path)
		}
	}
	for _, root := range []string{"include", "../kernel-src"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			ext := filepath.Ext(p)
			if ext != ".h" && ext != ".c" && ext != ".patch" {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			text := string(b)
			if ext == ".patch" {
				var added []string
				for _, l := range strings.Split(text, "\n") {
					if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") {
						added = append(added, l)
					}
				}
				text = strings.Join(added, "\n")
			}
			add(p, text)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A feature compiled out without its probe reads it too: the compat
	// stage renders the #undef from it.
	for _, f := range features.All {
		add("compat/features ("+f.Name+")", f.Probe)
	}
	return read
}

// TestEveryProbeHasAReader: a probe nothing reads costs a compile per
// target for nothing, and a macro no probe defines is always undefined,
// silently taking the wrong branch.
func TestEveryProbeHasAReader(t *testing.T) {
	probes, err := LoadProbes("probes")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	for _, p := range probes {
		defined[p.Define] = true
	}
	read := readers(t)
	var unread, undefined, stale []string
	for d := range defined {
		switch {
		case len(read[d]) == 0 && !notReadYet[d]:
			unread = append(unread, d)
		case len(read[d]) > 0 && notReadYet[d]:
			stale = append(stale, d+" (read in "+read[d][0]+")")
		}
	}
	for m, where := range read {
		if !defined[m] {
			undefined = append(undefined, m+" (in "+where[0]+")")
		}
	}
	for m := range notReadYet {
		if !defined[m] {
			undefined = append(undefined, m+" (in notReadYet)")
		}
	}
	sort.Strings(unread)
	sort.Strings(undefined)
	sort.Strings(stale)
	if len(unread) > 0 {
		t.Errorf("probes no C file reads: %s", strings.Join(unread, ", "))
	}
	if len(undefined) > 0 {
		t.Errorf("HAVE_* read but defined by no probe: %s", strings.Join(undefined, ", "))
	}
	if len(stale) > 0 {
		t.Errorf("in notReadYet but read: remove them from the list: %s", strings.Join(stale, ", "))
	}
}
