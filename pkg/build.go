// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/paths"
)

// Target is what packaging reads about the target system (cmd/build copies
// it from detect.Target).
type Target struct {
	DistroID      string   // os-release ID: debian, ubuntu, rocky
	DistroFamily  string   // "rpm" or "deb"
	DistroLike    []string // os-release ID_LIKE
	Arch          string   // machine architecture (uname -m or Debian spelling; empty: the build host's)
	KernelRelease string   // the target's kernel (the staging manifest's, when it names one, wins)
	HeadersDir    string   // the kernel's headers: rpm checks the kABI against its Module.symvers
}

// Input is what Build needs.
type Input struct {
	Top     string // repository root
	Dist    string // output directory (default <Top>/dist)
	Version string // product version (VERSION)
	Release string // package release (default "1")
	// Packager writes the format: rpm.Packager or deb.Packager.
	Packager Packager `json:"-"`
	Target   Target
	Stage    finish.Manifest // the staged modules (build/<kver>/finish.json)
	// Legacy marks a package built from the legacy (5.10 LTS based) tree
	// (as does Stage.Legacy).
	Legacy bool
	// SourceDateEpoch sets every timestamp: the caller's SOURCE_DATE_EPOCH
	// (see DefaultSourceDateEpoch).
	SourceDateEpoch int64
	// CtlBinary is the nfsbundle-ctl binary to ship, optional.
	CtlBinary string
	RPM       RPMOptions // read by the RPM packager only
}

// RPMOptions are the inputs only the RPM packager reads.
type RPMOptions struct {
	// NoKABIRequires leaves the kernel(<sym>) = <crc> requirements out of
	// the RPM (custom kernels whose package does not provide them).
	NoKABIRequires bool
	// KernelSymvers is the target kernel's Module.symvers (default
	// <Target.HeadersDir>/Module.symvers; missing: no check).
	KernelSymvers string
	// SignKey is an armored OpenPGP private key to sign the RPM header
	// with (empty: unsigned).
	SignKey string
}

// Modules is the format-neutral description of a binary module package:
// what Describe derived from the Input, handed to Packager.Complete.
type Modules struct {
	KVer      string
	Version   string // the package version: "+legacy" marks the legacy tree
	Release   string // the Input's release, "1" unless given
	Legacy    bool
	Target    Target
	Installed []string // the modules' absolute installed paths, sorted
	Staged    []string // the staged module files, in the same order
	CtlBinary string   // the (stripped) nfsbundle-ctl to ship, or ""
	RPM       RPMOptions
}

// Result is what Build wrote.
type Result struct {
	Path       string
	Files      int      // files in the package
	Companions []string // files written beside it (the RPM's rpmlintrc)
	UpToDate   bool     // BuildOnce kept the package an earlier run wrote
}

// Summary is the package stage's log line.
func (r *Result) Summary() string {
	if r.UpToDate {
		return r.Path + " (up to date)"
	}
	s := fmt.Sprintf("%s (%d files)", r.Path, r.Files)
	for _, c := range r.Companions {
		s += ", beside it " + filepath.Base(c)
	}
	return s
}

// Build writes the binary module package into the dist directory.
func Build(ctx context.Context, in Input) (*Result, error) {
	ctl, cleanup, err := StrippedCtl(ctx, in.CtlBinary)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	in.CtlBinary = ctl
	p, err := Describe(in)
	if err != nil {
		return nil, err
	}
	dist := in.Dist
	if dist == "" {
		dist = paths.DistDir(in.Top)
	}
	return WritePackage(ctx, in.Packager, p, dist)
}

// Describe builds the package description for in without writing anything:
// the part every format shares here, then the packager's own.
func Describe(in Input) (*Package, error) {
	if in.Packager == nil {
		return nil, fmt.Errorf("no package format given: use --format rpm or --format deb")
	}
	m, err := modules(in)
	if err != nil {
		return nil, err
	}
	modDir := in.Packager.ModuleDir(in.Target, m.KVer)
	p := &Package{
		Version:    m.Version,
		Arch:       in.Target.Arch,
		License:    "GPL-2.0-only",
		Vendor:     Vendor,
		URL:        Homepage,
		Maintainer: Maintainer,
		MTime:      time.Unix(in.SourceDateEpoch, 0).UTC(),
		Dirs:       []string{"/" + modDir},
	}
	mods := append([]finish.Module(nil), in.Stage.Modules...)
	sort.Slice(mods, func(i, j int) bool { return mods[i].RelPath < mods[j].RelPath })
	var relPaths, names []string
	for _, mod := range mods {
		rp := path.Clean(mod.RelPath)
		if rp == "" || path.IsAbs(rp) || strings.HasPrefix(rp, "..") {
			return nil, fmt.Errorf("module %s: bad relative path %q in the staging manifest", mod.Name, mod.RelPath)
		}
		if err := checkSafe("module path", rp); err != nil {
			return nil, err
		}
		src := in.Stage.ModulePath(mod)
		if _, err := os.Stat(src); err != nil {
			return nil, fmt.Errorf("staged module %s is missing: %w (rerun ./build.sh bin)", mod.Name, err)
		}
		dest := "/" + modDir + "/" + rp
		p.Files = append(p.Files, File{Dest: dest, Src: src, Mode: 0o644})
		relPaths, names = append(relPaths, rp), append(names, mod.Name)
		m.Installed, m.Staged = append(m.Installed, dest), append(m.Staged, src)
	}
	// Beside the modules: below /usr too when the packager puts them there.
	usr := ""
	if strings.HasPrefix(modDir, "usr/") {
		usr = "/usr"
	}
	depmodFile := fmt.Sprintf("%s/lib/depmod.d/%s-%s.conf", usr, ProjectName, m.KVer)
	p.Files = append(p.Files, File{Dest: depmodFile, Body: depmodConf(m.KVer, modDir, relPaths), Mode: 0o644})
	p.Description = description(m, names)
	if m.CtlBinary != "" {
		p.License = "GPL-2.0-only AND Apache-2.0"
	}
	if err := in.Packager.Complete(p, m); err != nil {
		return nil, err
	}
	return p, nil
}

// modules checks the Input's kernel, version and release and returns the
// description's frame; Describe adds the module files.
func modules(in Input) (*Modules, error) {
	st := in.Stage
	kver := st.KVer
	if kver == "" {
		kver = in.Target.KernelRelease
	}
	if kver == "" {
		return nil, fmt.Errorf("no kernel release in the staging manifest or the target")
	}
	if err := checkSafe("kernel release", kver); err != nil {
		return nil, err
	}
	if len(st.Modules) == 0 {
		return nil, fmt.Errorf("no staged modules for kernel %s: the finish stage produced nothing to package", kver)
	}
	version := in.Version
	if version == "" {
		version = st.Version
	}
	version = strings.TrimSpace(version)
	if version == "" {
		return nil, fmt.Errorf("no product version given (VERSION file)")
	}
	legacy := in.Legacy || st.Legacy
	if legacy {
		version += "+legacy"
	}
	if strings.ContainsAny(version, "-_ ") {
		return nil, fmt.Errorf("version %q must not contain '-', '_' or spaces (RPM and Debian both split on '-')", version)
	}
	rel := in.Release
	if rel == "" {
		rel = "1"
	}
	if err := checkSafe("release", rel); err != nil {
		return nil, err
	}
	return &Modules{KVer: kver, Version: version, Release: rel, Legacy: legacy, Target: in.Target,
		CtlBinary: in.CtlBinary, RPM: in.RPM}, nil
}

// description is the long description of a binary module package.
func description(m *Modules, names []string) string {
	legacyNote := ""
	if m.Legacy {
		legacyNote = " Built from the legacy source tree (5.10 LTS based) that serves older kernels."
	}
	return wrap(fmt.Sprintf("The nfsbundle NFS stack as out-of-tree modules for Linux %s. They replace the kernel's own NFS client, NFS server and SUNRPC modules: %s.%s",
		m.KVer, strings.Join(names, ", "), legacyNote), 72)
}

// wrap folds text into lines of at most width characters.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(text) {
		if n > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
