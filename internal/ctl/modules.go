// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/stack"
)

// LoadedModule is one line of /proc/modules.
type LoadedModule struct {
	Name     string   `json:"name"`
	Size     int64    `json:"size"`
	RefCount int      `json:"refcount"`
	UsedBy   []string `json:"used_by,omitempty"` // modules holding this one
	State    string   `json:"state"`             // Live, Loading, Unloading
}

// LoadedModules parses ProcRoot/modules. The kernel lists the newest module
// first; the result is in load order (oldest first).
func LoadedModules(r Root) ([]LoadedModule, error) {
	f, err := os.Open(r.Proc("modules"))
	if os.IsNotExist(err) {
		return nil, nil // kernel without module support: nothing loaded
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list loaded modules: %w", err)
	}
	defer f.Close()
	mods, err := ParseProcModules(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Proc("modules"), err)
	}
	return mods, nil
}

// ParseProcModules parses the /proc/modules format
// ("name size refcnt used,by, state addr [taints]") and returns the modules
// oldest first.
func ParseProcModules(rd interface{ Read([]byte) (int, error) }) ([]LoadedModule, error) {
	var mods []LoadedModule
	sc := bufio.NewScanner(rd)
	n := 0
	for sc.Scan() {
		n++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) < 5 {
			return nil, fmt.Errorf("line %d: want at least 5 fields, got %q", n, sc.Text())
		}
		m := LoadedModule{Name: f[0], State: f[4]}
		m.Size, _ = strconv.ParseInt(f[1], 10, 64)
		if rc, err := strconv.Atoi(f[2]); err == nil {
			m.RefCount = rc
		} else {
			m.RefCount = -1 // "-": module cannot be unloaded
		}
		if f[3] != "-" {
			for _, h := range strings.Split(f[3], ",") {
				if h != "" && h != "[permanent]" {
					m.UsedBy = append(m.UsedBy, h)
				}
			}
		}
		mods = append(mods, m)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for i, j := 0, len(mods)-1; i < j; i, j = i+1, j-1 {
		mods[i], mods[j] = mods[j], mods[i]
	}
	return mods, nil
}

// StackModules filters mods (load order) down to the NFS stack.
func StackModules(mods []LoadedModule) []LoadedModule {
	var out []LoadedModule
	for _, m := range mods {
		if stack.Contains(m.Name) {
			out = append(out, m)
		}
	}
	return out
}

func moduleNames(mods []LoadedModule) []string {
	out := make([]string, 0, len(mods))
	for _, m := range mods {
		out = append(out, m.Name)
	}
	return out
}

// UnloadOrder returns the modules to remove to take the NFS stack out:
// every loaded stack module plus every loaded module that (transitively)
// holds one, ordered so that a module comes after all its holders. mods is
// in load order (as LoadedModules returns it).
func UnloadOrder(mods []LoadedModule) ([]string, error) {
	byName := map[string]LoadedModule{}
	for _, m := range mods {
		byName[m.Name] = m
	}
	set := map[string]bool{}
	var add func(string)
	add = func(name string) {
		if set[name] {
			return
		}
		m, ok := byName[name]
		if !ok {
			return
		}
		set[name] = true
		for _, h := range m.UsedBy {
			add(h)
		}
	}
	for _, m := range mods {
		if stack.Contains(m.Name) {
			add(m.Name)
		}
	}
	var order []string
	removed := map[string]bool{}
	for len(removed) < len(set) {
		progress := false
		// newest first: holders are usually loaded after what they hold
		for i := len(mods) - 1; i >= 0; i-- {
			m := mods[i]
			if !set[m.Name] || removed[m.Name] {
				continue
			}
			ready := true
			for _, h := range m.UsedBy {
				if set[h] && !removed[h] {
					ready = false
					break
				}
			}
			if ready {
				removed[m.Name] = true
				order = append(order, m.Name)
				progress = true
			}
		}
		if !progress {
			var left []string
			for _, m := range mods {
				if set[m.Name] && !removed[m.Name] {
					left = append(left, m.Name)
				}
			}
			return order, fmt.Errorf("module dependency cycle among %s", strings.Join(left, " "))
		}
	}
	return order, nil
}
