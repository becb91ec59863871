// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package hosttools is the preflight of `build.sh bin`: which host programs
// the chosen way through the build runs (Plan.Tools), which of them are
// missing, and installing those with apt-get where that is allowed (Ensure).
// It runs before the first compile so that a fresh machine fails, or is
// fixed, in seconds instead of after the build.
//
// Only programs the stages really exec are listed: the RPM, deb and DKMS
// packages are written in Go (nfpm) and modinfo is read in Go
// (internal/modinfo), so neither rpmbuild, dpkg-deb nor modinfo is needed
// for them. Shared libraries count as tools too where headers fetched
// without their packages' dependencies need them (HeaderLibraries).
package hosttools

import (
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strings"
)

// Tool is one program a step runs on the host.
type Tool struct {
	Name string // as executed, looked up on PATH: "depmod", "gcc-12"
	For  string // the step that runs it, for the error message
}

// debianPackages is the one table from a program to the Debian (and
// Ubuntu) package that ships it. Versioned compilers are mapped by
// gccVersioned instead.
var debianPackages = map[string]string{
	"apt-get":     "apt",
	"debootstrap": "debootstrap",
	"depmod":      "kmod",
	"dpkg-deb":    "dpkg",
	"gcc":         "gcc",
	"gzip":        "gzip",
	"make":        "make",
	"patch":       "patch",
	"strip":       "binutils",
	"tar":         "tar",
	"unshare":     "util-linux",
	"xz":          "xz-utils",
	"zstd":        "zstd",
}

// gccVersioned is Debian's name for a compiler of one major version: the
// program gcc-12 is in the package gcc-12.
var gccVersioned = regexp.MustCompile(`^gcc-[0-9]{1,3}$`)

// DebianPackage is the package that ships tool, or "" when none is known
// (a CC= of the user's choice, say).
func DebianPackage(tool string) string {
	if gccVersioned.MatchString(tool) {
		return tool
	}
	if isLibrary(tool) {
		return debianLibraries[tool]
	}
	return debianPackages[tool]
}

// Plan is the way `bin` goes through the build; it decides the tools.
type Plan struct {
	// HostBuild: compat and kbuild run on the host, not in a build root,
	// so the host needs make and the compiler.
	HostBuild bool
	// Compiler is the compiler kbuild runs on the host: $CC, else the one
	// the headers name (gcc-12 for Debian's 6.1), else gcc; "" before the
	// target is known (not checked then).
	Compiler string
	// NewRoot: a build root will be created (debootstrap, in a private
	// mount namespace made with unshare).
	NewRoot bool
	// Compress is the target's module compression: xz, zstd, gzip or "".
	Compress string
	// FetchDebian: headers or the kernel source may be fetched from the
	// Debian archive (apt-get download, dpkg-deb -x).
	FetchDebian bool
	// Staging: the tree is imported (tar, patch) and the modules staged
	// (strip, depmod).
	Staging bool
	// Libraries are the shared libraries the target's headers' programs
	// load when kbuild runs them on the host (HeaderLibraries).
	Libraries []string
}

// Tools lists what the plan runs on the host, in the order of the stages.
func (p Plan) Tools() []Tool {
	var out []Tool
	add := func(step string, names ...string) {
		for _, n := range names {
			out = append(out, Tool{Name: n, For: step})
		}
	}
	if p.NewRoot {
		add("the build root", "debootstrap", "unshare")
	}
	if p.FetchDebian {
		add("fetching from the Debian archive", "apt-get", "dpkg-deb")
	}
	if p.HostBuild {
		add("compat and kbuild", "make")
		if p.Compiler != "" {
			add("compat and kbuild", p.Compiler)
		}
		add("the kernel headers' programs (modpost, objtool, sign-file)", p.Libraries...)
	}
	if p.Staging {
		// The kernel source comes as .tar.xz (Debian's linux-source,
		// kernel.org): tar runs xz to unpack it.
		add("import", "tar", "xz", "patch")
		add("finish", "strip", "depmod")
		if p.Compress != "" {
			add("finish (module compression)", p.Compress)
		}
	}
	return out
}

// Look finds a tool as the stages will: a program on PATH (exec.LookPath),
// a shared library in the loader's directories.
func Look(name string) (string, error) {
	if isLibrary(name) {
		if LibraryPresent("/", name) {
			return name, nil
		}
		return "", fmt.Errorf("%s: no such library", name)
	}
	return exec.LookPath(name)
}

// Missing returns the tools look cannot find; look is Look, which is how
// the stages find them too.
func Missing(tools []Tool, look func(string) (string, error)) []Tool {
	var out []Tool
	seen := map[string]bool{}
	for _, t := range tools {
		if seen[t.Name] {
			continue
		}
		seen[t.Name] = true
		if _, err := look(t.Name); err != nil {
			out = append(out, t)
		}
	}
	return out
}

// Packages are the Debian packages that ship tools, sorted and unique,
// and the tools no package is known for.
func Packages(tools []Tool) (pkgs, unknown []string) {
	seen := map[string]bool{}
	for _, t := range tools {
		p := DebianPackage(t.Name)
		switch {
		case p == "":
			unknown = append(unknown, t.Name)
		case !seen[p]:
			seen[p] = true
			pkgs = append(pkgs, p)
		}
	}
	sort.Strings(pkgs)
	return pkgs, unknown
}

// MissingError is the preflight's failure: what is missing, for which
// step, and the command that installs it. The tool names come from Plan
// (fixed names, or a validated compiler name), never from free text.
type MissingError struct {
	Tools    []Tool
	Packages []string // Debian packages that ship them
	Unknown  []string // tools no package is known for
	Why      string   // why nothing was installed: "--no-install", "not root", ...
}

func (e *MissingError) Error() string {
	var names []string
	for _, t := range e.Tools {
		names = append(names, t.Name+" (for "+t.For+")")
	}
	msg := "host tools missing: " + strings.Join(names, ", ")
	if e.Why != "" {
		msg += "; not installed: " + e.Why
	}
	switch {
	case len(e.Packages) > 0 && len(e.Unknown) > 0:
		msg += fmt.Sprintf("\ninstall them with: apt-get install %s (and provide %s)", strings.Join(e.Packages, " "), strings.Join(e.Unknown, ", "))
	case len(e.Packages) > 0:
		msg += "\ninstall them with: apt-get install " + strings.Join(e.Packages, " ")
	default:
		msg += "\ninstall " + strings.Join(e.Unknown, ", ") + " or put it on PATH"
	}
	return msg
}
