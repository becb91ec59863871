// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"fmt"
	"io"
	"os"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/stack"
)

// VerifyState is the outcome for one module.
type VerifyState string

const (
	VerifyOK           VerifyState = "ok"            // loaded srcversion == installed
	VerifyMismatch     VerifyState = "MISMATCH"      // loaded differs from installed
	VerifyNotLoaded    VerifyState = "not-loaded"    // installed, not loaded (fine)
	VerifyNotInstalled VerifyState = "not-installed" // no file for this module
	VerifyError        VerifyState = "error"         // installed file unreadable
)

// ModuleCheck is one line of `nfsbundle-ctl verify`.
type ModuleCheck struct {
	Module    string      `json:"module"`
	State     VerifyState `json:"state"`
	Loaded    string      `json:"loaded_srcversion,omitempty"`
	Installed string      `json:"installed_srcversion,omitempty"`
	Path      string      `json:"path,omitempty"`
	Detail    string      `json:"detail,omitempty"`
}

// Verify compares, for every bundle module, /sys/module/X/srcversion with
// the srcversion in the .modinfo of the file modprobe would load.
func Verify(r Root) ([]ModuleCheck, error) {
	inst, err := InstalledModules(r)
	if err != nil {
		return nil, err
	}
	var out []ModuleCheck
	for _, name := range stack.Names(false) {
		c := ModuleCheck{Module: name, Path: inst[name]}
		loadedDir := r.Sys("module", name)
		_, statErr := os.Stat(loadedDir)
		isLoaded := statErr == nil && exists(r.Sys("module", name, "initstate"))
		if isLoaded {
			c.Loaded, _ = readTrim(r.Sys("module", name, "srcversion"))
		}
		if c.Path == "" {
			if isLoaded {
				c.State, c.Detail = VerifyMismatch, "loaded but no installed file"
			} else {
				c.State = VerifyNotInstalled
			}
			out = append(out, c)
			continue
		}
		mi, err := modinfo.ReadFile(c.Path)
		if err != nil {
			c.State, c.Detail = VerifyError, err.Error()
			out = append(out, c)
			continue
		}
		c.Installed = mi.First("srcversion")
		switch {
		case !isLoaded:
			c.State = VerifyNotLoaded
		case c.Installed == "":
			c.State, c.Detail = VerifyMismatch, "installed file has no srcversion: not an nfsbundle module"
		case c.Loaded == "":
			c.State, c.Detail = VerifyMismatch, "loaded module has no srcversion: the inbox module is loaded"
		case c.Loaded != c.Installed:
			c.State = VerifyMismatch
		default:
			c.State = VerifyOK
		}
		out = append(out, c)
	}
	return out, nil
}

// VerifyFailed reports whether any check is a mismatch or an error.
func VerifyFailed(cs []ModuleCheck) bool {
	for _, c := range cs {
		if c.State == VerifyMismatch || c.State == VerifyError {
			return true
		}
	}
	return false
}

// PrintVerify writes one line per module.
func PrintVerify(w io.Writer, cs []ModuleCheck) {
	for _, c := range cs {
		line := fmt.Sprintf("%-24s %-13s loaded=%s installed=%s", c.Module, c.State, dash(c.Loaded), dash(c.Installed))
		if c.Detail != "" {
			line += " (" + c.Detail + ")"
		}
		fmt.Fprintln(w, line)
	}
}

// VerifyHint is printed after a failed verification.
const VerifyHint = "the loaded NFS stack is not the installed one: reboot, or run `nfsbundle-ctl reload` to swap it now"
