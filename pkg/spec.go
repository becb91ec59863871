// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package pkg is the package stage: it turns the staged kernel modules into
// an installable package. It holds the format-neutral part, in nfpm's shape:
// one description (Package), the Packager interface, Describe (what every
// format shares: the module files, the depmod.d override, the description),
// Build and BuildOnce with their stamps. Each format is a Packager in its
// own package, pkg/rpm and pkg/deb, which owns that format's quirks: names,
// relations, maintainer scripts, documentation files, arch spelling.
//
// pkg imports neither of them (they import pkg for Package and Packager),
// so it keeps no registry of formats: the caller picks the Packager and
// passes it in Input.Packager (cmd/build maps --format to one).
package pkg

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// File is one regular file in a package.
type File struct {
	Dest   string      // absolute path on the installed system
	Src    string      // file on disk to copy (read at write time), or
	Body   []byte      // literal content
	Mode   os.FileMode // permission bits
	Config bool        // configuration file (dpkg conffile / rpm %config(noreplace))
}

// Relation is a dependency-like relation to another package or capability.
type Relation struct {
	Name    string
	Op      string // "", "=", ">=", "<=", ">>", "<<", ">", "<"
	Version string
}

func (r Relation) String() string {
	if r.Op == "" {
		return r.Name
	}
	return r.Name + " " + r.Op + " " + r.Version
}

// Scripts are maintainer scripts, complete shell programs for the format at
// hand (deb: postinst/prerm/postrm arguments; rpm: $1 instance counts).
type Scripts struct {
	PostInstall string
	PreRemove   string
	PostRemove  string
}

// Package is the format-neutral description of one package.
type Package struct {
	Name    string
	Version string
	Release string
	// Arch is the machine architecture in any usual spelling (uname -m
	// x86_64, Go or Debian amd64; empty: the build host's): each packager
	// writes it in its format's own spelling.
	Arch        string
	Summary     string
	Description string
	License     string
	Vendor      string
	URL         string
	Maintainer  string
	Section     string // deb section / rpm group
	Files       []File
	Dirs        []string // directories the package owns (created empty when needed)
	Requires    []Relation
	Provides    []Relation
	Conflicts   []Relation
	Scripts     Scripts
	MTime       time.Time // every timestamp in the package (SOURCE_DATE_EPOCH)
	RPM         RPM       // what only RPM packages carry
}

// RPM is the RPM-only part of a Package.
type RPM struct {
	// Sign, when set, returns a detached binary OpenPGP signature of its
	// input; the RPM packager signs the header with it.
	Sign func([]byte) ([]byte, error)
	// Changelog entries, newest first (%changelog).
	Changelog []ChangelogEntry
}

// ChangelogEntry is one rpm %changelog entry.
type ChangelogEntry struct {
	Time   time.Time
	Author string
	Text   string
}

// Packager writes packages of one format. ModuleDir and Complete are its
// conventions for binary module packages (Describe calls them); FileName and
// Write serve any Package, such as the DKMS package.
type Packager interface {
	Format() string
	// ModuleDir is the directory, relative to /, that a binary package of
	// this format installs the modules for kernel kver into on target t.
	ModuleDir(t Target, kver string) string
	// Complete adds what the format decides to the neutral description of
	// a binary module package: name, release, summary, relations,
	// maintainer scripts, documentation files, signature.
	Complete(p *Package, m *Modules) error
	FileName(p *Package) string
	Write(p *Package, w io.Writer) error
}

// Companion is a file a packager writes beside its package in the dist
// directory, not into it: the RPM's rpmlintrc.
type Companion struct {
	Name string // file name in the dist directory
	Body []byte
}

// CompanionWriter is a Packager that writes companions beside the package.
// They describe that one package, so they are made from its description.
type CompanionWriter interface {
	Companions(p *Package) []Companion
}

// Validate checks the description for mistakes every format rejects.
func (p *Package) Validate() error {
	if p.Name == "" || p.Version == "" {
		return fmt.Errorf("package description incomplete: name %q, version %q", p.Name, p.Version)
	}
	seen := map[string]bool{}
	for _, f := range p.Files {
		if !path.IsAbs(f.Dest) || path.Clean(f.Dest) != f.Dest {
			return fmt.Errorf("package %s: file destination %q must be a clean absolute path", p.Name, f.Dest)
		}
		if seen[f.Dest] {
			return fmt.Errorf("package %s: %s is listed twice", p.Name, f.Dest)
		}
		seen[f.Dest] = true
		if f.Src == "" && f.Body == nil {
			return fmt.Errorf("package %s: %s has neither a source file nor content", p.Name, f.Dest)
		}
	}
	return nil
}

// SortedFiles returns the files ordered by destination.
func (p *Package) SortedFiles() []File {
	fs := append([]File(nil), p.Files...)
	sort.Slice(fs, func(i, j int) bool { return fs[i].Dest < fs[j].Dest })
	return fs
}

// Content returns a file's bytes.
func (f File) Content() ([]byte, error) {
	if f.Body != nil {
		return f.Body, nil
	}
	b, err := os.ReadFile(f.Src)
	if err != nil {
		return nil, fmt.Errorf("reading %s for %s: %w", f.Src, f.Dest, err)
	}
	return b, nil
}

// OwnedDirs returns the directories to list in the package: the explicit
// Dirs plus every parent of a file below one of them, sorted.
func (p *Package) OwnedDirs() []string {
	set := map[string]bool{}
	for _, d := range p.Dirs {
		set[d] = true
	}
	for _, f := range p.Files {
		for d := path.Dir(f.Dest); d != "/" && d != "."; d = path.Dir(d) {
			for _, root := range p.Dirs {
				if d == root || strings.HasPrefix(d, root+"/") {
					set[d] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// WritePackage validates p and writes it into dir under the format's file
// name, then the packager's companions beside it, each through a temporary
// file renamed into place.
func WritePackage(ctx context.Context, pk Packager, p *Package, dir string) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, pk.FileName(p))
	if err := fileutil.WriteAtomicFunc(out, 0o644, func(w io.Writer) error {
		return pk.Write(p, w)
	}); err != nil {
		return nil, fmt.Errorf("writing %s package %s: %w", pk.Format(), out, err)
	}
	r := &Result{Path: out, Files: len(p.Files)}
	cw, ok := pk.(CompanionWriter)
	if !ok {
		return r, nil
	}
	for _, c := range cw.Companions(p) {
		path := filepath.Join(dir, c.Name)
		if err := fileutil.WriteAtomic(path, c.Body, 0o644); err != nil {
			return nil, fmt.Errorf("writing %s beside the package: %w", path, err)
		}
		r.Companions = append(r.Companions, path)
	}
	return r, nil
}
