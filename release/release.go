// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package release writes the source release (the src command): the
// repository, the upstream kernel subsets the trees import and prebuilt
// static build drivers in one reproducible nfsbundle-<ver>.tar.xz that
// builds offline with kernel headers, gcc and make.
package release

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ulikunitz/xz"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Upstream is an extracted upstream subset to ship in a source release.
type Upstream struct {
	Series string // "6.1": shipped as upstream/linux-source-6.1.tar
	Dir    string // the extracted subset (its Makefile, fs/, net/, include/)
}

// Input is what Write needs.
type Input struct {
	Top     string
	Dist    string // default <Top>/dist
	Version string
	// SourceDateEpoch sets every timestamp: the caller's SOURCE_DATE_EPOCH,
	// else the last commit's time (pkg.DefaultSourceDateEpoch).
	SourceDateEpoch int64
	Upstream        []Upstream
	// GoArches are the GOARCHes to prebuild static drivers for (default
	// amd64 and arm64); empty slice with NoBinaries skips them.
	GoArches   []string
	NoBinaries bool
}

// Binaries maps a GOARCH to the `uname -m` suffix build.sh looks for
// (bin/nfsbundle-build-$(uname -m)).
var Binaries = map[string]string{"amd64": "x86_64", "arm64": "aarch64"}

// srcEntry is one file of the release tarball.
type srcEntry struct {
	name string // below the top directory
	mode int64
	src  string // file on disk, or
	body []byte
}

// Result is what Write wrote.
type Result struct {
	Path  string
	Files int // files in the tarball
}

// Summary is the src command's log line.
func (r *Result) Summary() string { return fmt.Sprintf("%s (%d files)", r.Path, r.Files) }

// Write writes dist/nfsbundle-<ver>.tar.xz: the repository's files, the
// upstream kernel subsets the trees import (so no kernel source package is
// needed), and static build drivers for linux/amd64 and linux/arm64 (so no
// Go toolchain is needed). It builds offline with headers, gcc and make.
func Write(ctx context.Context, in Input) (*Result, error) {
	version := strings.TrimSpace(in.Version)
	if version == "" {
		return nil, fmt.Errorf("source release: no version (VERSION file)")
	}
	mtime := time.Unix(in.SourceDateEpoch, 0).UTC()
	entries, cleanup, err := collect(ctx, in, mtime)
	defer cleanup()
	if err != nil {
		return nil, err
	}
	dist := in.Dist
	if dist == "" {
		dist = paths.DistDir(in.Top)
	}
	top := "nfsbundle-" + version
	out := filepath.Join(dist, top+".tar.xz")
	err = fileutil.WriteAtomicFunc(out, 0o644, func(w io.Writer) error {
		xw, err := xz.WriterConfig{DictCap: 8 << 20, CheckSum: xz.CRC64}.NewWriter(w)
		if err != nil {
			return err
		}
		if err := writeTar(xw, top, entries, mtime); err != nil {
			return err
		}
		return xw.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("writing the source release %s: %w", out, err)
	}
	return &Result{Path: out, Files: len(entries)}, nil
}

// collect lists the tarball's entries, sorted: the repository, the
// upstream subsets, the drivers (built into a directory cleanup removes).
func collect(ctx context.Context, in Input, mtime time.Time) ([]srcEntry, func(), error) {
	cleanup := func() {}
	files, err := repoFiles(ctx, in.Top)
	if err != nil {
		return nil, cleanup, err
	}
	var entries []srcEntry
	for _, rel := range files {
		st, err := os.Lstat(filepath.Join(in.Top, rel))
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted but still indexed, or a symlink
		}
		mode := int64(0o644)
		if st.Mode()&0o111 != 0 {
			mode = 0o755
		}
		entries = append(entries, srcEntry{name: filepath.ToSlash(rel), mode: mode, src: filepath.Join(in.Top, rel)})
	}
	for _, up := range in.Upstream {
		body, err := upstreamTar(up, mtime)
		if err != nil {
			return nil, cleanup, err
		}
		entries = append(entries, srcEntry{name: "upstream/linux-source-" + up.Series + ".tar", mode: 0o644, body: body})
	}
	if !in.NoBinaries {
		arches := in.GoArches
		if arches == nil {
			arches = []string{"amd64", "arm64"}
		}
		var bins []srcEntry
		bins, cleanup, err = buildDrivers(ctx, in.Top, arches)
		if err != nil {
			return nil, cleanup, err
		}
		entries = append(entries, bins...)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	return entries, cleanup, nil
}

// repoFiles lists the repository's files: tracked plus untracked-but-not-
// ignored when it is a git checkout, else every file; never build/, dist/,
// bin/ or .git/.
func repoFiles(ctx context.Context, top string) ([]string, error) {
	skip := func(rel string) bool {
		first := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
		return first == "build" || first == "dist" || first == "bin" || first == ".git"
	}
	var out []string
	if _, err := os.Stat(filepath.Join(top, ".git")); err == nil {
		b, err := run.Output(ctx, "git", "-C", top, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
		if err != nil {
			return nil, fmt.Errorf("listing the repository's files: %w", err)
		}
		seen := map[string]bool{}
		for _, f := range strings.Split(string(b), "\x00") {
			if f != "" && !skip(f) && !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
		return out, nil
	}
	err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(top, p)
		if rel == "." {
			return nil
		}
		if skip(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			out = append(out, rel)
		}
		return nil
	})
	return out, err
}

// upstreamTar packs an extracted subset as linux-source-<series>/... the
// way the kernel source packages lay it out, so the importer reads it like
// /usr/src/linux-source-<series>.tar.xz.
func upstreamTar(up Upstream, mtime time.Time) ([]byte, error) {
	var entries []srcEntry
	err := filepath.WalkDir(up.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(up.Dir, p)
		entries = append(entries, srcEntry{name: filepath.ToSlash(rel), mode: 0o644, src: p})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("packing upstream %s from %s: %w", up.Series, up.Dir, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("upstream %s: %s is empty", up.Series, up.Dir)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	var buf bytes.Buffer
	if err := writeTar(&buf, "linux-source-"+up.Series, entries, mtime); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeTar writes entries (sorted) below top with fixed owners and times,
// adding each directory once before its first file.
func writeTar(w io.Writer, top string, entries []srcEntry, mtime time.Time) error {
	tw := tar.NewWriter(w)
	dirs := map[string]bool{}
	var addDir func(d string) error
	addDir = func(d string) error {
		if d == "." || dirs[d] {
			return nil
		}
		if err := addDir(path.Dir(d)); err != nil {
			return err
		}
		dirs[d] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: top + "/" + d + "/", Mode: 0o755, ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatPAX})
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: top + "/", Mode: 0o755, ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatPAX}); err != nil {
		return err
	}
	for _, e := range entries {
		if err := addDir(path.Dir(e.name)); err != nil {
			return err
		}
		body := e.body
		if body == nil {
			b, err := os.ReadFile(e.src)
			if err != nil {
				return err
			}
			body = b
		}
		h := &tar.Header{Typeflag: tar.TypeReg, Name: top + "/" + e.name, Mode: e.mode, Size: int64(len(body)), ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(body); err != nil {
			return err
		}
	}
	return tw.Close()
}

// goTool finds the go command.
func goTool() (string, error) {
	if p, ok := run.LookPath("go", run.GoFallbacks()...); ok {
		return p, nil
	}
	return "", fmt.Errorf("the source release carries prebuilt drivers, which needs Go: install Go or pass --no-binaries")
}

// buildDrivers cross-builds static, reproducible build drivers (and
// nfsbundle-ctl when present) for each GOARCH.
func buildDrivers(ctx context.Context, top string, arches []string) ([]srcEntry, func(), error) {
	tmp, err := os.MkdirTemp("", "nfsbundle-src-")
	if err != nil {
		return nil, func() {}, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	goCmd, err := goTool()
	if err != nil {
		return nil, cleanup, err
	}
	cmds := map[string]string{"nfsbundle-build": "./cmd/build"}
	if _, err := os.Stat(filepath.Join(top, "cmd/nfsbundle-ctl")); err == nil {
		cmds["nfsbundle-ctl"] = "./cmd/nfsbundle-ctl"
	}
	var out []srcEntry
	for _, arch := range arches {
		suffix, ok := Binaries[arch]
		if !ok {
			return nil, cleanup, fmt.Errorf("no release name for GOARCH %s", arch)
		}
		for name, pkgPath := range cmds {
			dst := filepath.Join(tmp, name+"-"+suffix)
			env := append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOFLAGS=-buildvcs=false")
			if _, err := run.OutputIn(ctx, top, env, goCmd, "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", dst, pkgPath); err != nil {
				return nil, cleanup, fmt.Errorf("building %s for linux/%s: %w", name, arch, err)
			}
			out = append(out, srcEntry{name: "bin/" + name + "-" + suffix, mode: 0o755, src: dst})
		}
	}
	return out, cleanup, nil
}
