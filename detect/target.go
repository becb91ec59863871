// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package detect learns everything about the build host and the target
// kernel that later stages need. Functions take a filesystem root so tests
// run over fixture trees; Detect with LiveRunner and exec.LookPath (Options)
// reads the live machine. Settings such as $CC and $ID_OVERRIDE arrive in
// Options: nothing here reads the process environment.
package detect

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// Target is the detect stage's result: what we build for.
type Target struct {
	Distro     Distro     `json:"distro"`
	Kernel     Kernel     `json:"kernel"`
	Config     Config     `json:"config"`
	Compiler   Compiler   `json:"compiler"`
	OFED       OFED       `json:"ofed"`
	SecureBoot SecureBoot `json:"secure_boot"`
	// MOK is the signer of our installed modules and whether shim trusts it.
	MOK  MOK    `json:"mok"`
	Arch string `json:"arch"`
}

// Distro is the host distribution from /etc/os-release.
type Distro struct {
	ID        string   `json:"id"`         // normalised: rhel, rocky, debian, ubuntu, sles, ...
	RawID     string   `json:"raw_id"`     // ID= as written (or ID_OVERRIDE)
	VersionID string   `json:"version_id"` // VERSION_ID=
	Codename  string   `json:"codename,omitempty"`
	Name      string   `json:"name"`
	Like      []string `json:"id_like,omitempty"`
	Family    string   `json:"family"` // "rpm" or "deb": decides the package format
}

// Kernel is the target kernel and where its headers are.
type Kernel struct {
	Release    string `json:"release"`     // uname -r style, e.g. 6.1.0-56-amd64
	Version    string `json:"version"`     // upstream x.y.z parsed from Release
	HeadersDir string `json:"headers_dir"` // the KDIR passed to make -C
	SourceDir  string `json:"source_dir"`  // the tree with the full Makefile (Debian's -common)
	Chosen     string `json:"chosen"`      // how it was chosen: running, --kernel, --kdir, newest-installed, fetched
	Note       string `json:"note,omitempty"`
}

// Config are the facts from the target's .config that change how we build.
type Config struct {
	Modversions    bool              `json:"modversions"`
	ModuleSig      bool              `json:"module_sig"`
	ModuleSigAll   bool              `json:"module_sig_all"`
	ModuleSigForce bool              `json:"module_sig_force"`
	SigHash        string            `json:"module_sig_hash,omitempty"`
	Compress       string            `json:"module_compress"` // "", "gzip", "xz", "zstd"
	Builtin        []string          `json:"builtin"`         // NFS/SUNRPC options =y: never rebuild
	Modular        []string          `json:"modular"`         // NFS/SUNRPC options =m
	Values         map[string]string `json:"-"`
}

// Compiler compares the compiler the headers were built with to the host's.
type Compiler struct {
	Expected      string `json:"expected"` // CONFIG_CC_VERSION_TEXT
	ExpectedMajor int    `json:"expected_major"`
	Found         string `json:"found"`
	FoundMajor    int    `json:"found_major"`
	Path          string `json:"path"`
	Mismatch      bool   `json:"mismatch"`
}

// OFED is a Mellanox OFED installation, if any.
type OFED struct {
	Installed bool   `json:"installed"`
	Version   string `json:"version,omitempty"`
	Dir       string `json:"dir,omitempty"` // ofa_kernel tree with Module.symvers
	DKMS      bool   `json:"dkms"`          // installed through DKMS
	ForKernel string `json:"for_kernel,omitempty"`
	Disabled  bool   `json:"disabled,omitempty"` // --no-ofed
}

// SecureBoot is the host's Secure Boot state.
type SecureBoot struct {
	State  string `json:"state"` // enabled, disabled, unknown
	Source string `json:"source,omitempty"`
}

// TargetPath is where a build records its target: build/<kver>/target.json.
func TargetPath(buildDir string) string { return filepath.Join(buildDir, "target.json") }

// Save records t as the target of buildDir.
func (t Target) Save(buildDir string) error {
	return fileutil.WriteJSON(TargetPath(buildDir), t)
}

// Load reads a target.json written by Save.
func Load(path string) (Target, error) {
	var t Target
	b, err := os.ReadFile(path)
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return t, fmt.Errorf("parsing %s: %w", path, err)
	}
	return t, nil
}

// Check stops on facts that make a build pointless, and warns about a
// compiler that may not match. In a build root the host compiler does not
// matter.
func (t Target) Check(inBuildRoot bool) error {
	c := t.Compiler
	switch {
	case inBuildRoot:
	case c.Path == "":
		return fmt.Errorf("no C compiler found; the headers expect %q: install it (apt-get install build-essential, or gcc-%d)", c.Expected, c.ExpectedMajor)
	case c.Mismatch:
		logrus.Warnf("compiler %s (gcc %d) differs from the one the kernel was built with (%q): modules may fail to build or load; install gcc-%d and set CC=gcc-%[4]d",
			c.Path, c.FoundMajor, c.Expected, c.ExpectedMajor, c.ExpectedMajor, c.ExpectedMajor)
	}
	if t.OFED.Mismatch(t.Kernel.Release) {
		return fmt.Errorf("Mellanox OFED at %s was built for kernel %s, not the target %s: reinstall MOFED for %s (mlnxofedinstall --add-kernel-support) or build with --no-ofed",
			t.OFED.Dir, t.OFED.ForKernel, t.Kernel.Release, t.Kernel.Release)
	}
	return nil
}

// Summary is the detect stage's log line; buildRoot names the build root
// whose compiler is used instead of the host's ("" for a host build).
func (t Target) Summary(buildRoot string) string {
	compiler := t.Compiler.Found
	if buildRoot != "" {
		compiler = "from build root " + buildRoot
	}
	return fmt.Sprintf("%s %s, kernel %s, compiler %s", t.Distro.ID, t.Distro.VersionID, t.Kernel.Release, compiler)
}
