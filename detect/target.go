// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package detect learns everything about the build host and the target
// kernel that later stages need. Functions take a filesystem root so tests
// run over fixture trees; Detect with RunCmd: LiveRunner reads the live host.
package detect

// Target is the detect stage's result: what we build for.
type Target struct {
	Distro     Distro     `json:"distro"`
	Kernel     Kernel     `json:"kernel"`
	Config     Config     `json:"config"`
	Compiler   Compiler   `json:"compiler"`
	OFED       OFED       `json:"ofed"`
	SecureBoot SecureBoot `json:"secure_boot"`
	Arch       string     `json:"arch"`
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
