// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package rpm is the RPM packager (github.com/google/rpmpack): it writes a
// pkg.Package as an .rpm and owns the RPM side of binary module packages:
// the kernel_<kver> release tag, the RHEL kmod layout (extra/), kmod() and
// kernel(<sym>) = <crc> relations from the kABI analysis, weak-modules and
// dracut in the scripts, the %changelog and the OpenPGP header signature.
package rpm

import (
	"bytes"
	"fmt"
	"io"

	"github.com/google/rpmpack"

	"github.com/nfsbundle/nfsbundle/pkg"
)

// Packager writes RPM packages.
type Packager struct{}

var _ pkg.Packager = Packager{}

func (Packager) Format() string { return "rpm" }

// FileName is the usual N-V-R.A.rpm.
func (Packager) FileName(p *pkg.Package) string {
	vr := p.Version
	if p.Release != "" {
		vr += "-" + p.Release
	}
	return fmt.Sprintf("%s-%s.%s.rpm", p.Name, vr, Arch(p.Arch))
}

// archNames spells machine architectures (uname -m, Go or Debian names)
// the RPM way.
var archNames = map[string]string{
	"amd64": "x86_64", "x86_64": "x86_64",
	"arm64": "aarch64", "aarch64": "aarch64",
	"ppc64el": "ppc64le", "ppc64le": "ppc64le",
	"386": "i686", "i386": "i686", "i686": "i686",
}

// Arch is a machine architecture in RPM's spelling; empty means the build
// host's.
func Arch(a string) string { return pkg.SpellArch(a, archNames) }

// Header tags rpmpack has no API for.
const (
	rpmTagChangelogTime = 1080
	rpmTagChangelogName = 1081
	rpmTagChangelogText = 1082
)

// rpmlib features every rpmbuild package declares for what we use:
// dirname/basename file lists, SHA-256 file digests, "./" payload prefixes.
var rpmlibRequires = []*rpmpack.Relation{
	{Name: "rpmlib(CompressedFileNames)", Version: "3.0.4-1", Sense: rpmpack.SenseRPMLIB | rpmpack.SenseLess | rpmpack.SenseEqual},
	{Name: "rpmlib(FileDigests)", Version: "4.6.0-1", Sense: rpmpack.SenseRPMLIB | rpmpack.SenseLess | rpmpack.SenseEqual},
	{Name: "rpmlib(PayloadFilesHavePrefix)", Version: "4.0-1", Sense: rpmpack.SenseRPMLIB | rpmpack.SenseLess | rpmpack.SenseEqual}, // see finishRPM
}

func relations(rs []pkg.Relation) (rpmpack.Relations, error) {
	var out rpmpack.Relations
	for _, r := range rs {
		rel := &rpmpack.Relation{Name: r.Name, Version: r.Version}
		switch r.Op {
		case "":
			rel.Sense = rpmpack.SenseAny
		case "=":
			rel.Sense = rpmpack.SenseEqual
		case ">=":
			rel.Sense = rpmpack.SenseGreater | rpmpack.SenseEqual
		case "<=":
			rel.Sense = rpmpack.SenseLess | rpmpack.SenseEqual
		case ">", ">>":
			rel.Sense = rpmpack.SenseGreater
		case "<", "<<":
			rel.Sense = rpmpack.SenseLess
		default:
			return nil, fmt.Errorf("relation %s: unknown operator %q", r.Name, r.Op)
		}
		out = append(out, rel)
	}
	return out, nil
}

func (Packager) Write(p *pkg.Package, w io.Writer) error {
	r, err := newRPM(p)
	if err != nil {
		return err
	}
	if err := addFiles(r, p); err != nil {
		return err
	}
	if p.Scripts.PostInstall != "" {
		r.AddPostin(p.Scripts.PostInstall)
	}
	if p.Scripts.PreRemove != "" {
		r.AddPreun(p.Scripts.PreRemove)
	}
	if p.Scripts.PostRemove != "" {
		r.AddPostun(p.Scripts.PostRemove)
	}
	addChangelog(r, p.RPM.Changelog)
	var raw bytes.Buffer
	if err := r.Write(&raw); err != nil {
		return err
	}
	out, err := finishRPM(raw.Bytes(), p.RPM.Sign)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// newRPM starts the package with p's header data and relations.
func newRPM(p *pkg.Package) (*rpmpack.RPM, error) {
	req, err := relations(p.Requires)
	if err != nil {
		return nil, err
	}
	req = append(req, rpmlibRequires...)
	prov, err := relations(p.Provides)
	if err != nil {
		return nil, err
	}
	conf, err := relations(p.Conflicts)
	if err != nil {
		return nil, err
	}
	return rpmpack.NewRPM(rpmpack.RPMMetaData{
		Name:        p.Name,
		Summary:     p.Summary,
		Description: p.Description,
		Version:     p.Version,
		Release:     p.Release,
		Arch:        Arch(p.Arch),
		OS:          "linux",
		Vendor:      p.Vendor,
		URL:         p.URL,
		Packager:    p.Maintainer,
		Group:       p.Section,
		Licence:     p.License,
		BuildHost:   "nfsbundle",
		Compressor:  "gzip:0", // stored: finishRPM recompresses the payload
		Epoch:       rpmpack.NoEpoch,
		BuildTime:   p.MTime,
		Requires:    req,
		Provides:    prov,
		Conflicts:   conf,
	})
}

// addFiles adds the owned directories, then the files, root-owned.
func addFiles(r *rpmpack.RPM, p *pkg.Package) error {
	mtime := uint32(p.MTime.Unix())
	for _, d := range p.OwnedDirs() {
		r.AddFile(rpmpack.RPMFile{Name: d, Mode: 0o40755, Owner: "root", Group: "root", MTime: mtime})
	}
	for _, f := range p.SortedFiles() {
		body, err := f.Content()
		if err != nil {
			return err
		}
		typ := rpmpack.GenericFile
		if f.Config {
			typ = rpmpack.ConfigFile | rpmpack.NoReplaceFile
		}
		r.AddFile(rpmpack.RPMFile{Name: f.Dest, Body: body, Mode: uint(f.Mode.Perm()) | 0o100000, Owner: "root", Group: "root", MTime: mtime, Type: typ})
	}
	return nil
}

// addChangelog writes the %changelog tags.
func addChangelog(r *rpmpack.RPM, entries []pkg.ChangelogEntry) {
	if len(entries) == 0 {
		return
	}
	var times []int32
	var names, texts []string
	for _, c := range entries {
		times = append(times, int32(c.Time.Unix()))
		names = append(names, c.Author)
		texts = append(texts, c.Text)
	}
	r.AddCustomTag(rpmTagChangelogTime, rpmpack.EntryInt32(times))
	r.AddCustomTag(rpmTagChangelogName, rpmpack.EntryStringSlice(names))
	r.AddCustomTag(rpmTagChangelogText, rpmpack.EntryStringSlice(texts))
}
