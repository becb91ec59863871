// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// loadModules loads every planned module in order with finit_module(2).
// It goes on after a failure so the later checks still see what loaded.
func (h *helper) loadModules() (string, error) {
	var bad []string
	for _, m := range h.plan.Modules {
		t := time.Now()
		err := finitModule(m.File, m.Params)
		if errors.Is(err, unix.EEXIST) {
			h.logf("  insmod %s: already loaded", m.Name)
			continue
		}
		if err != nil {
			last := dmesgTail(1)
			h.logf("  insmod %s: %v; dmesg: %s", m.Name, err, strings.Join(last, ""))
			bad = append(bad, fmt.Sprintf("%s: %v", m.Name, err))
			continue
		}
		h.logf("  insmod %s (%d ms)", m.Name, time.Since(t).Milliseconds())
	}
	if len(bad) > 0 {
		return "", fmt.Errorf("%d of %d modules failed to load: %s", len(bad), len(h.plan.Modules), strings.Join(bad, "; "))
	}
	return fmt.Sprintf("%d modules", len(h.plan.Modules)), nil
}

func finitModule(path, params string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.FinitModule(int(f.Fd()), params, 0)
}

// tuneLockd shortens the NLM grace period before lockd starts (it blocks
// NLM and NFSv4 locks for 5*nlm_timeout = 50 s by default).
func tuneLockd() {
	writeFile("/proc/sys/fs/nfs/nlm_timeout", "3")
	writeFile("/proc/sys/fs/nfs/nlm_grace_period", "1")
}

const versionParam = "/sys/module/sunrpc/parameters/nfs_bundle_version"

func (h *helper) checkVersion() (string, error) {
	got, err := readTrim(versionParam)
	if errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat("/sys/module/sunrpc"); err != nil {
			return "", errors.New("sunrpc is not loaded")
		}
		return "", fmt.Errorf("%s does not exist: the loaded sunrpc is not nfsbundle's (the kernel's own NFS stack is loaded)", versionParam)
	}
	if err != nil {
		return "", err
	}
	if got != h.plan.Version {
		return "", fmt.Errorf("nfs_bundle_version is %q, want %q", got, h.plan.Version)
	}
	return got, nil
}

func (h *helper) checkSrcversion() (string, error) {
	var bad []string
	n, absent := 0, 0
	for _, m := range h.plan.Modules {
		if !m.Ours {
			continue
		}
		n++
		dir := filepath.Join("/sys/module", m.Name)
		if _, err := os.Stat(dir); err != nil {
			bad = append(bad, m.Name+": not loaded")
			continue
		}
		got, _ := readTrim(filepath.Join(dir, "srcversion"))
		switch {
		case got != m.SrcVersion && m.SrcVersion == "":
			bad = append(bad, fmt.Sprintf("%s: loaded srcversion %s, the built file has none", m.Name, got))
		case got != m.SrcVersion:
			if got == "" {
				got = "(none)"
			}
			bad = append(bad, fmt.Sprintf("%s: loaded %s, built %s", m.Name, got, m.SrcVersion))
		case got == "":
			absent++
		}
	}
	if len(bad) > 0 {
		return "", errors.New(strings.Join(bad, "; "))
	}
	if absent > 0 {
		return fmt.Sprintf("%d modules match; %d have no srcversion (built without MODULE_VERSION)", n-absent, absent), nil
	}
	return fmt.Sprintf("%d modules match", n), nil
}

// checkOurs proves each of our modules in the kernel is the packed file:
// the GNU build-id the kernel exports in /sys/module/X/notes equals the
// file's.
func (h *helper) checkOurs() (string, error) {
	var bad []string
	n := 0
	for _, m := range h.plan.Modules {
		if !m.Ours {
			continue
		}
		n++
		b, err := os.ReadFile(filepath.Join("/sys/module", m.Name, "notes", ".note.gnu.build-id"))
		if err != nil {
			if _, serr := os.Stat(filepath.Join("/sys/module", m.Name)); serr != nil {
				bad = append(bad, m.Name+": not loaded")
			} else {
				bad = append(bad, m.Name+": no build-id note in sysfs")
			}
			continue
		}
		got := noteDesc(b)
		if m.BuildID == "" || got != m.BuildID {
			bad = append(bad, fmt.Sprintf("%s: kernel has build-id %s, our file %s", m.Name, got, m.BuildID))
		}
	}
	if len(bad) > 0 {
		return "", fmt.Errorf("not our modules: %s", strings.Join(bad, "; "))
	}
	if n == 0 {
		return "", errors.New("no module of ours in the plan")
	}
	return fmt.Sprintf("%d modules are ours (build-id)", n), nil
}

// noteDesc returns the hex descriptor of the first ELF note in b, as the
// kernel shows it in sysfs (little-endian on the guest's x86_64).
func noteDesc(b []byte) string { return modinfo.NoteDesc(b, binary.LittleEndian) }

// insmodExpectReject loads a module that must be refused, e.g. under
// module.sig_enforce=1: "unsigned" ("Loading of unsigned module is
// rejected") or "unavailable key" ("Loading of module with unavailable key
// is rejected"). It exits 0 only when finit_module fails and the kernel log
// line since the attempt contains the expected text.
func insmodExpectReject(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: insmod-expect-reject FILE TEXT")
		return 2
	}
	before := len(dmesgTail(100000))
	err := finitModule(args[0], "")
	after := dmesgTail(100000)
	var fresh []string
	if len(after) > before {
		fresh = after[before:]
	} else if len(after) > 0 {
		fresh = after[len(after)-1:]
	}
	log := strings.Join(fresh, " | ")
	if err == nil {
		fmt.Printf("%s loaded, but it must be refused (%s)\n", args[0], args[1])
		return 1
	}
	if !strings.Contains(log, args[1]) {
		fmt.Printf("%s refused (%v) but the kernel log does not say %q: %s\n", args[0], err, args[1], log)
		return 1
	}
	fmt.Printf("%s refused as expected (%v): %s\n", filepath.Base(args[0]), err, log)
	return 0
}
