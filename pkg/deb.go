// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"
)

// debPackager writes Debian packages with github.com/goreleaser/nfpm/v2/deb.
type debPackager struct{}

func (debPackager) Format() string { return "deb" }

// FileName is the Debian name_version-release_arch.deb.
func (debPackager) FileName(p *Package) string {
	return fmt.Sprintf("%s_%s_%s.deb", p.Name, debVersion(p), p.Arch)
}

func debVersion(p *Package) string {
	if p.Release == "" {
		return p.Version
	}
	return p.Version + "-" + p.Release
}

func debRelations(rs []Relation) []string {
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

func (debPackager) Write(p *Package, w io.Writer) error {
	// nfpm reads every file and script from disk: literal contents go
	// through a private scratch directory removed afterwards.
	tmp, err := os.MkdirTemp("", "nfsbundle-deb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	n := 0
	scratch := func(body []byte, mode os.FileMode) (string, error) {
		n++
		name := filepath.Join(tmp, fmt.Sprintf("f%04d", n))
		return name, os.WriteFile(name, body, mode)
	}

	var contents files.Contents
	for _, d := range p.ownedDirs() {
		contents = append(contents, &files.Content{
			Destination: d, Type: files.TypeDir,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: 0o755 | os.ModeDir, MTime: p.MTime},
		})
	}
	for _, f := range p.sortedFiles() {
		src := f.Src
		if f.Body != nil {
			if src, err = scratch(f.Body, 0o644); err != nil {
				return err
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

	var scripts nfpm.Scripts
	for _, s := range []struct {
		body string
		dst  *string
	}{
		{p.Scripts.PostInstall, &scripts.PostInstall},
		{p.Scripts.PreRemove, &scripts.PreRemove},
		{p.Scripts.PostRemove, &scripts.PostRemove},
	} {
		if s.body == "" {
			continue
		}
		if *s.dst, err = scratch([]byte(s.body), 0o755); err != nil {
			return err
		}
	}

	info := &nfpm.Info{
		Name:          p.Name,
		Arch:          p.Arch,
		Platform:      "linux",
		Version:       p.Version,
		VersionSchema: "none",
		Release:       p.Release,
		Section:       p.Section,
		Priority:      "optional",
		Maintainer:    p.Maintainer,
		Description:   debDescription(p),
		Vendor:        p.Vendor,
		Homepage:      p.URL,
		MTime:         p.MTime,
		Overridables: nfpm.Overridables{
			Depends:   debRelations(p.Requires),
			Provides:  debRelations(p.Provides),
			Conflicts: debRelations(p.Conflicts),
			Contents:  contents,
			Umask:     0o022,
			Scripts:   scripts,
			Deb:       nfpm.Deb{Compression: "xz"},
		},
	}
	return deb.Default.Package(info, w)
}

// debDescription is the synopsis line followed by the long description.
func debDescription(p *Package) string {
	long := strings.TrimSpace(p.Description)
	if long == "" {
		return p.Summary
	}
	return p.Summary + "\n" + long
}
