// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package deb is the Debian packager (github.com/goreleaser/nfpm/v2/deb):
// it writes a pkg.Package as a .deb and owns the Debian side of binary
// module packages: the nfsbundle-modules-<kver> name, the dependency on the
// distribution's linux-image-<kver> (or linux-image-unsigned-<kver> on
// Ubuntu), nfsbundle-ctl under update-alternatives with lintian's -static
// name, debian/copyright and changelog.Debian.gz. The DKMS package (dkms/)
// is written with it too.
package deb

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"

	"github.com/nfsbundle/nfsbundle/pkg"
)

// Packager writes Debian packages.
type Packager struct{}

var _ pkg.Packager = Packager{}

func (Packager) Format() string { return "deb" }

// FileName is the Debian name_version-release_arch.deb.
func (Packager) FileName(p *pkg.Package) string {
	return fmt.Sprintf("%s_%s_%s.deb", p.Name, debVersion(p), Arch(p.Arch))
}

// archNames spells machine architectures (uname -m, Go or Debian names)
// the Debian way.
var archNames = map[string]string{
	"amd64": "amd64", "x86_64": "amd64",
	"arm64": "arm64", "aarch64": "arm64",
	"ppc64el": "ppc64el", "ppc64le": "ppc64el",
	"386": "i386", "i386": "i386", "i686": "i386",
}

// Arch is a machine architecture in Debian's spelling; empty means the
// build host's.
func Arch(a string) string { return pkg.SpellArch(a, archNames) }

func debVersion(p *pkg.Package) string {
	if p.Release == "" {
		return p.Version
	}
	return p.Version + "-" + p.Release
}

func relations(rs []pkg.Relation) []string {
	var out []string
	for _, r := range rs {
		op := r.Op
		switch op {
		case ">":
			op = ">>"
		case "<":
			op = "<<"
		}
		if op == "" {
			out = append(out, r.Name)
		} else {
			out = append(out, fmt.Sprintf("%s (%s %s)", r.Name, op, r.Version))
		}
	}
	return out
}

func (Packager) Write(p *pkg.Package, w io.Writer) error {
	// nfpm reads every file and script from disk: literal contents go
	// through a private scratch directory removed afterwards.
	tmp, err := os.MkdirTemp("", "nfsbundle-deb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	s := &scratch{dir: tmp}
	contents, err := s.contents(p)
	if err != nil {
		return err
	}
	scripts, err := s.scripts(p.Scripts)
	if err != nil {
		return err
	}
	info := &nfpm.Info{
		Name:          p.Name,
		Arch:          Arch(p.Arch),
		Platform:      "linux",
		Version:       p.Version,
		VersionSchema: "none",
		Release:       p.Release,
		Section:       p.Section,
		Priority:      "optional",
		Maintainer:    p.Maintainer,
		Description:   description(p),
		Vendor:        p.Vendor,
		Homepage:      p.URL,
		MTime:         p.MTime,
		Overridables: nfpm.Overridables{
			Depends:   relations(p.Requires),
			Provides:  relations(p.Provides),
			Conflicts: relations(p.Conflicts),
			Contents:  contents,
			Umask:     0o022,
			Scripts:   scripts,
			Deb:       nfpm.Deb{Compression: "xz"},
		},
	}
	return deb.Default.Package(info, w)
}

// scratch writes literal contents into files for nfpm.
type scratch struct {
	dir string
	n   int
}

func (s *scratch) write(body []byte, mode os.FileMode) (string, error) {
	s.n++
	name := filepath.Join(s.dir, fmt.Sprintf("f%04d", s.n))
	return name, os.WriteFile(name, body, mode)
}

// contents lists the owned directories and the files, root-owned.
func (s *scratch) contents(p *pkg.Package) (files.Contents, error) {
	var contents files.Contents
	for _, d := range p.OwnedDirs() {
		contents = append(contents, &files.Content{
			Destination: d, Type: files.TypeDir,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: 0o755 | os.ModeDir, MTime: p.MTime},
		})
	}
	for _, f := range p.SortedFiles() {
		src := f.Src
		if f.Body != nil {
			var err error
			if src, err = s.write(f.Body, 0o644); err != nil {
				return nil, err
			}
		}
		typ := files.TypeFile
		if f.Config {
			typ = files.TypeConfig
		}
		contents = append(contents, &files.Content{
			Source: src, Destination: f.Dest, Type: typ,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: f.Mode.Perm(), MTime: p.MTime},
		})
	}
	return contents, nil
}

// scripts writes the maintainer scripts there are.
func (s *scratch) scripts(in pkg.Scripts) (nfpm.Scripts, error) {
	var out nfpm.Scripts
	for _, sc := range []struct {
		body string
		dst  *string
	}{
		{in.PostInstall, &out.PostInstall},
		{in.PreRemove, &out.PreRemove},
		{in.PostRemove, &out.PostRemove},
	} {
		if sc.body == "" {
			continue
		}
		var err error
		if *sc.dst, err = s.write([]byte(sc.body), 0o755); err != nil {
			return out, err
		}
	}
	return out, nil
}

// description is the synopsis line followed by the long description.
func description(p *pkg.Package) string {
	long := strings.TrimSpace(p.Description)
	if long == "" {
		return p.Summary
	}
	return p.Summary + "\n" + long
}
