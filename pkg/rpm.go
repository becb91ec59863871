// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"bytes"
	"fmt"
	"io"

	"github.com/google/rpmpack"
)

// rpmPackager writes RPM packages with github.com/google/rpmpack.
type rpmPackager struct{}

func (rpmPackager) Format() string { return "rpm" }

// FileName is the usual N-V-R.A.rpm.
func (rpmPackager) FileName(p *Package) string {
	vr := p.Version
	if p.Release != "" {
		vr += "-" + p.Release
	}
	return fmt.Sprintf("%s-%s.%s.rpm", p.Name, vr, p.Arch)
}

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

func rpmRelations(rs []Relation) (rpmpack.Relations, error) {
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

func (rpmPackager) Write(p *Package, w io.Writer) error {
	req, err := rpmRelations(p.Requires)
	if err != nil {
		return err
	}
	req = append(req, rpmlibRequires...)
	prov, err := rpmRelations(p.Provides)
	if err != nil {
		return err
	}
	conf, err := rpmRelations(p.Conflicts)
	if err != nil {
		return err
	}
	r, err := rpmpack.NewRPM(rpmpack.RPMMetaData{
		Name:        p.Name,
		Summary:     p.Summary,
		Description: p.Description,
		Version:     p.Version,
		Release:     p.Release,
		Arch:        p.Arch,
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
	if err != nil {
		return err
	}
	mtime := uint32(p.MTime.Unix())
	for _, d := range p.ownedDirs() {
		r.AddFile(rpmpack.RPMFile{Name: d, Mode: 0o40755, Owner: "root", Group: "root", MTime: mtime})
	}
	for _, f := range p.sortedFiles() {
		body, err := f.content()
		if err != nil {
			return err
		}
		typ := rpmpack.GenericFile
		if f.Config {
			typ = rpmpack.ConfigFile | rpmpack.NoReplaceFile
		}
		r.AddFile(rpmpack.RPMFile{Name: f.Dest, Body: body, Mode: uint(f.Mode.Perm()) | 0o100000, Owner: "root", Group: "root", MTime: mtime, Type: typ})
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
	if len(p.Changelog) > 0 {
		var times []int32
		var names, texts []string
		for _, c := range p.Changelog {
			times = append(times, int32(c.Time.Unix()))
			names = append(names, c.Author)
			texts = append(texts, c.Text)
		}
		r.AddCustomTag(rpmTagChangelogTime, rpmpack.EntryInt32(times))
		r.AddCustomTag(rpmTagChangelogName, rpmpack.EntryStringSlice(names))
		r.AddCustomTag(rpmTagChangelogText, rpmpack.EntryStringSlice(texts))
	}
	var raw bytes.Buffer
	if err := r.Write(&raw); err != nil {
		return err
	}
	out, err := finishRPM(raw.Bytes(), p.Sign)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}
