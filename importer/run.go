// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/tree"
)

// Generated files the trees' C code and Kbuild include: the paths are a
// contract with kernel-src/ (the patches include the version header,
// kernel-src/*/Kbuild puts the compat directory on the include path).
const (
	VersionHeaderPath = "include/linux/nfs_bundle_version.h"
	CompatHeaderPath  = "compat/include/nfsbundle/autoconf.h"
	// CompatIncludeDir is where the compat wrappers go in the tree:
	// kernel-src/*/Kbuild puts it first on the include path.
	CompatIncludeDir = "compat/include"
)

// Options are the import stage's inputs.
type Options struct {
	Tree          *tree.Tree  // the selected source tree
	Source        string      // an explicit kernel source tarball ("": find or download one)
	ModuleVersion string      // NFS_BUNDLE_VERSION (finish.ModuleVersion)
	GitVersion    string      // NFS_BUNDLE_GIT_VERSION: the commit built from
	CompatHeader  []byte      // the compat stage's autoconf.h
	Dest          string      // the per-target source dir, build/<kver>/src
	BuildDir      string      // build/<kver>: import.json is recorded there
	CacheDir      string      // the cache root (extracted upstream subsets, tarballs)
	Apt           *debian.Apt // fetches linux-source-<series> when no tarball is found (nil: never)
	// StrictUpstream makes a subset other than the tree's pin (or a tree
	// without one) an error rather than a warning.
	StrictUpstream bool
}

// Result is what Run imported.
type Result struct {
	Upstream *Upstream // the upstream subset, recorded in import.json
	Tarball  string    // the tarball it came from
	Pin      PinCheck  // how the subset compares with the tree's pin
}

// Record is import.json: the upstream imported, the tree's pin and the
// warning when they differ.
type Record struct {
	*Upstream
	Pin        *tree.Pin `json:"pin"` // null: the tree has none
	PinWarning string    `json:"pin_warning,omitempty"`
}

// Summary is the stage's log line.
func (r *Result) Summary() string {
	cached := ""
	if r.Upstream.CacheHit {
		cached = ", cached"
	}
	pin := ""
	if r.Pin.Note != "" {
		pin = ", " + r.Pin.Note
	}
	return fmt.Sprintf("Linux %s from %s (sha256 %s%s%s)", r.Upstream.UpstreamVersion, r.Tarball, r.Upstream.SHA256[:16], cached, pin)
}

// RecordPath is where Run records the upstream it imported.
func RecordPath(buildDir string) string { return filepath.Join(buildDir, "import.json") }

// Run is the import stage: find the tree's upstream tarball, extract its
// subset (cached), check it is the tree's series and its pin, lay the
// tree's patches, files and generated headers over it into Dest and record
// import.json.
func Run(ctx context.Context, o Options) (*Result, error) {
	tr := o.Tree
	tarball, err := FindTarball(ctx, o.Source, tr.UpstreamSeries, tr.PinVersion(), o.CacheDir, o.Apt)
	if err != nil {
		return nil, err
	}
	plist, err := ReadPaths(tr.PathsFile())
	if err != nil {
		return nil, err
	}
	up, err := Extract(ctx, tarball, plist, o.CacheDir)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(up.UpstreamVersion, tr.UpstreamSeries+".") {
		return nil, fmt.Errorf("source tarball %s is Linux %s, but tree %s needs the %s series", tarball, up.UpstreamVersion, tr.Name, tr.UpstreamSeries)
	}
	pin := CheckPin(tr, up)
	if pin.Warning != "" {
		if o.StrictUpstream {
			return nil, pin.StrictError()
		}
		logrus.Warnf("import: %s (--strict-upstream makes this an error)", pin.Warning)
	}
	layer := Layer{PatchesDir: tr.PatchesDir(), FilesDirs: tr.FilesDirs(), Kbuild: tr.KbuildFile(), CompatInclude: tr.CompatIncludeDir(),
		Generated: map[string]string{
			VersionHeaderPath: VersionHeader(o.ModuleVersion, o.GitVersion),
			CompatHeaderPath:  string(o.CompatHeader),
		}}
	if err := Prepare(ctx, up.Dir, layer, o.Dest); err != nil {
		return nil, err
	}
	if err := fileutil.WriteJSON(RecordPath(o.BuildDir), Record{Upstream: up, Pin: tr.Upstream, PinWarning: pin.Warning}); err != nil {
		return nil, err
	}
	return &Result{Upstream: up, Tarball: tarball, Pin: pin}, nil
}
