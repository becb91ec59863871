// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Input is what Build needs.
type Input struct {
	Top     string // repository root
	Dist    string // output directory (default <Top>/dist)
	Version string // product version (VERSION)
	Release string // package release (default "1")
	Format  string // "rpm" or "deb" (default: the target's family)
	Target  detect.Target
	Stage   finish.Manifest // the staged modules (build/<kver>/finish.json)
	// NoKABIRequires leaves the kernel(<sym>) = <crc> requirements out of
	// the RPM (custom kernels whose package does not provide them).
	NoKABIRequires bool
	// Legacy marks a package built from the legacy (5.10 LTS based) tree
	// (as does Stage.Legacy).
	Legacy bool
	// SourceDateEpoch sets every timestamp (0: $SOURCE_DATE_EPOCH, else 0).
	SourceDateEpoch int64
	// CtlBinary is the nfsbundle-ctl binary to ship, optional.
	CtlBinary string
	// KernelSymvers is the target kernel's Module.symvers (default
	// <Target.Kernel.HeadersDir>/Module.symvers; missing: no check).
	KernelSymvers string
	// RPMSignKey is an armored OpenPGP private key to sign the RPM header
	// with (default $NFSBUNDLE_RPM_SIGN_KEY; empty: unsigned).
	RPMSignKey string
}

// Build writes the binary module package of the requested format into the
// dist directory and returns the paths written.
func Build(ctx context.Context, in Input) ([]string, error) {
	ctl, cleanup, err := StrippedCtl(ctx, in.CtlBinary)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	in.CtlBinary = ctl
	p, pk, err := Describe(in)
	if err != nil {
		return nil, err
	}
	dist := in.Dist
	if dist == "" {
		dist = filepath.Join(in.Top, "dist")
	}
	start := time.Now()
	out, err := WritePackage(ctx, pk, p, dist)
	if err != nil {
		return nil, err
	}
	logrus.Infof("package: wrote %s (%d files) in %v", out, len(p.Files), time.Since(start).Round(time.Millisecond))
	return []string{out}, nil
}

// Describe builds the package description for in without writing anything.
func Describe(in Input) (*Package, Packager, error) {
	format := in.Format
	if format == "" {
		format = in.Target.Distro.Family
	}
	pk, ok := Packagers[format]
	if !ok {
		return nil, nil, fmt.Errorf("unknown package format %q: use --format rpm or --format deb", format)
	}
	st := in.Stage
	kver := st.KVer
	if kver == "" {
		kver = in.Target.Kernel.Release
	}
	if kver == "" {
		return nil, nil, fmt.Errorf("no kernel release in the staging manifest or the target")
	}
	if err := checkSafe("kernel release", kver); err != nil {
		return nil, nil, err
	}
	if len(st.Modules) == 0 {
		return nil, nil, fmt.Errorf("no staged modules for kernel %s: the finish stage produced nothing to package", kver)
	}
	version := in.Version
	if version == "" {
		version = st.Version
	}
	version = strings.TrimSpace(version)
	if version == "" {
		return nil, nil, fmt.Errorf("no product version given (VERSION file)")
	}
	in.Legacy = in.Legacy || st.Legacy
	if in.Legacy {
		version += "+legacy"
	}
	if strings.ContainsAny(version, "-_ ") {
		return nil, nil, fmt.Errorf("version %q must not contain '-', '_' or spaces (RPM and Debian both split on '-')", version)
	}
	rel := in.Release
	if rel == "" {
		rel = "1"
	}
	if err := checkSafe("release", rel); err != nil {
		return nil, nil, err
	}
	epoch := in.SourceDateEpoch
	if epoch == 0 {
		epoch = SourceDateEpoch()
	}

	modDir := ModuleDir(format, in.Target, kver)
	mods := append([]finish.Module(nil), st.Modules...)
	sort.Slice(mods, func(i, j int) bool { return mods[i].RelPath < mods[j].RelPath })
	p := &Package{
		Version:    version,
		License:    "GPL-2.0-only",
		Vendor:     Vendor,
		URL:        Homepage,
		Maintainer: Maintainer,
		MTime:      time.Unix(epoch, 0).UTC(),
		Dirs:       []string{"/" + modDir},
	}
	var relPaths, installed, srcFiles []string
	for _, m := range mods {
		rp := path.Clean(m.RelPath)
		if rp == "" || path.IsAbs(rp) || strings.HasPrefix(rp, "..") {
			return nil, nil, fmt.Errorf("module %s: bad relative path %q in the staging manifest", m.Name, m.RelPath)
		}
		if err := checkSafe("module path", rp); err != nil {
			return nil, nil, err
		}
		src := st.ModulePath(m)
		if _, err := os.Stat(src); err != nil {
			return nil, nil, fmt.Errorf("staged module %s is missing: %w (rerun ./build.sh bin)", m.Name, err)
		}
		dest := "/" + modDir + "/" + rp
		p.Files = append(p.Files, File{Dest: dest, Src: src, Mode: 0o644})
		relPaths = append(relPaths, rp)
		installed = append(installed, dest)
		srcFiles = append(srcFiles, src)
	}
	depmodFile := fmt.Sprintf("/lib/depmod.d/%s-%s.conf", ProjectName, kver)
	p.Files = append(p.Files, File{Dest: depmodFile, Body: depmodConf(kver, modDir, relPaths), Mode: 0o644})

	sp := scriptParams{KVer: kver, Modules: installed}
	legacyNote := ""
	if in.Legacy {
		legacyNote = " Built from the legacy source tree (5.10 LTS based) that serves older kernels."
	}
	names := make([]string, 0, len(mods))
	for _, m := range mods {
		names = append(names, m.Name)
	}
	p.Description = wrap(fmt.Sprintf("The nfsbundle NFS stack as out-of-tree modules for Linux %s. They replace the kernel's own NFS client, NFS server and SUNRPC modules: %s.%s",
		kver, strings.Join(names, ", "), legacyNote), 72)

	switch format {
	case "rpm":
		p.Name = ProjectName
		p.Release = "kernel_" + RPMKernelTag(kver)
		if rel != "1" {
			p.Release += "." + rel
		}
		p.Arch = RPMArch(in.Target.Arch)
		p.Summary = "NFS client and server kernel modules for kernel " + kver
		if in.Legacy {
			p.Summary += " (legacy tree)"
		}
		p.Section = "System Environment/Kernel"
		p.Provides = append(p.Provides, Relation{Name: ProjectName + "-kmod", Op: "=", Version: version})
		for _, m := range mods {
			p.Provides = append(p.Provides, Relation{Name: "kmod(" + moduleFileName(m) + ")"})
		}
		if in.CtlBinary != "" {
			p.Files = append(p.Files, File{Dest: CtlPath, Src: in.CtlBinary, Mode: 0o755})
			p.License = "GPL-2.0-only AND Apache-2.0"
		}
		if !in.NoKABIRequires {
			req, err := kabiRequires(in, kver, srcFiles)
			if err != nil {
				return nil, nil, err
			}
			p.Requires = append(p.Requires, req...)
		}
		sp.Initrd = "dracut -f --kver " + kver
		p.Scripts = rpmScripts(sp)
		p.Changelog = []ChangelogEntry{{Time: p.MTime, Author: Maintainer + " - " + version + "-" + p.Release, Text: "- Built by nfsbundle for Linux " + kver + "."}}
		key := in.RPMSignKey
		if key == "" {
			key = os.Getenv(RPMSignKeyEnv)
		}
		if key != "" {
			sign, err := OpenPGPSigner(key, p.MTime)
			if err != nil {
				return nil, nil, err
			}
			p.Sign = sign
		}
	case "deb":
		p.Name = DebPackageName(kver)
		p.Release = rel
		p.Arch = DebArch(in.Target.Arch)
		p.Summary = "nfsbundle NFS stack modules for Linux " + kver
		if in.Legacy {
			p.Summary += " (legacy tree)"
		}
		p.Section = "kernel"
		p.Requires = append(p.Requires, Relation{Name: "nfs-common"})
		if IsDistroDebKernel(in.Target, kver) {
			img := Relation{Name: "linux-image-" + kver}
			if in.Target.Distro.ID == "ubuntu" {
				img.Name += " | linux-image-unsigned-" + kver
			}
			p.Requires = append(p.Requires, img)
		}
		p.Provides = append(p.Provides, Relation{Name: ProjectName + "-modules"}, Relation{Name: ProjectName + "-kmod", Op: "=", Version: version})
		if in.CtlBinary != "" {
			// Packages for several kernels coexist: each ships its own copy and
			// update-alternatives owns /usr/sbin/nfsbundle-ctl.
			// "-static": lintian accepts a static binary (Go) under that name only.
			sp.Ctl = "/usr/lib/" + ProjectName + "/" + kver + "/nfsbundle-ctl-static"
			p.Files = append(p.Files, File{Dest: sp.Ctl, Src: in.CtlBinary, Mode: 0o755})
			p.License = "GPL-2.0-only AND Apache-2.0"
		}
		doc := "/usr/share/doc/" + p.Name
		p.Files = append(p.Files,
			File{Dest: doc + "/copyright", Body: DebCopyright(in.CtlBinary != ""), Mode: 0o644},
			File{Dest: doc + "/changelog.Debian.gz", Body: DebChangelog(p.Name, version+"-"+rel, kver, p.MTime), Mode: 0o644},
		)
		sp.Initrd = "update-initramfs -u -k " + kver
		p.Scripts = debScripts(sp)
	}
	return p, pk, nil
}

// moduleFileName is the module's installed file name without compression
// suffix: sunrpc.ko.
func moduleFileName(m finish.Module) string {
	base := lastElem(m.RelPath)
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// kabiRequires computes kernel(<sym>) = <crc> for the modules.
func kabiRequires(in Input, kver string, files []string) ([]Relation, error) {
	symversPath := in.KernelSymvers
	if symversPath == "" && in.Target.Kernel.HeadersDir != "" {
		symversPath = filepath.Join(in.Target.Kernel.HeadersDir, "Module.symvers")
	}
	var kernel map[string]modinfo.SymversEntry
	if symversPath != "" {
		var err error
		kernel, err = modinfo.ReadSymvers(symversPath)
		if err != nil {
			logrus.Warnf("package: cannot read the target kernel's Module.symvers (%v): kernel(...) requirements are not checked against it", err)
			kernel = nil
		}
	}
	k, err := AnalyzeKABI(files, kernel)
	if err != nil {
		return nil, err
	}
	if len(k.Mismatch) > 0 {
		logrus.Warnf("package: %d imported symbols have other CRCs than kernel %s's Module.symvers (first: %s): the modules were built against other headers and the RPM will not install on that kernel",
			len(k.Mismatch), kver, k.Mismatch[0])
	}
	if len(k.Foreign) > 0 {
		logrus.Debugf("package: %d imported symbols come from outside the kernel (e.g. an out-of-tree RDMA stack) and get no kernel() requirement", len(k.Foreign))
	}
	if len(k.Requires) == 0 {
		logrus.Warnf("package: the modules carry no modversions (CONFIG_MODVERSIONS off?): the RPM has no kernel(...) requirements")
	}
	out := make([]Relation, 0, len(k.Requires))
	for _, s := range k.Requires {
		out = append(out, Relation{Name: "kernel(" + s.Name + ")", Op: "=", Version: s.CRCString()})
	}
	return out, nil
}

// SourceDateEpoch returns $SOURCE_DATE_EPOCH, or 0 when unset or invalid.
func SourceDateEpoch() int64 { return ParseSourceDateEpoch(os.Getenv("SOURCE_DATE_EPOCH")) }

// DebCopyright is the machine-readable debian/copyright of our packages
// (binary and DKMS): the modules are GPL-2.0-only; withCtl adds the
// Apache-2.0 stanza for nfsbundle-ctl under usr/lib/nfsbundle.
func DebCopyright(withCtl bool) []byte {
	s := `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: nfsbundle
Source: ` + Homepage + `

Files: *
Copyright: 2026 The nfsbundle Authors, and the authors of the Linux kernel NFS and SUNRPC code
License: GPL-2.0-only
 This program is free software; you can redistribute it and/or modify it
 under the terms of the GNU General Public License version 2 as published
 by the Free Software Foundation.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in /usr/share/common-licenses/GPL-2.
`
	if withCtl {
		s += `
Files: usr/lib/nfsbundle/*
Copyright: 2026 The nfsbundle Authors
License: Apache-2.0
 On Debian systems, the complete text of the Apache License version 2.0
 can be found in /usr/share/common-licenses/Apache-2.0.
`
	}
	return []byte(s)
}

// DebChangelog is a one-entry Debian changelog, gzip'ed reproducibly.
func DebChangelog(name, version, kver string, t time.Time) []byte {
	text := fmt.Sprintf("%s (%s) unstable; urgency=medium\n\n  * Built by nfsbundle for Linux %s.\n\n -- %s  %s\n",
		name, version, kver, Maintainer, t.Format(time.RFC1123Z))
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write([]byte(text))
	zw.Close()
	return buf.Bytes()
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

// StrippedCtl returns a copy of the nfsbundle-ctl binary without symbol
// tables and debug information (what dh_strip would do; lintian rejects
// unstripped binaries), and a cleanup function. A binary that is already
// stripped, or that the host's strip cannot handle (another architecture),
// is used as it is.
func StrippedCtl(ctx context.Context, bin string) (string, func(), error) {
	none := func() {}
	if bin == "" {
		return "", none, nil
	}
	f, err := elf.Open(bin)
	if err != nil {
		return "", none, fmt.Errorf("nfsbundle-ctl binary %s: %w", bin, err)
	}
	unstripped := f.Section(".symtab") != nil || f.Section(".debug_info") != nil || f.Section(".zdebug_info") != nil
	f.Close()
	if !unstripped {
		return bin, none, nil
	}
	tmp, err := os.MkdirTemp("", "nfsbundle-ctl-")
	if err != nil {
		return "", none, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	out := filepath.Join(tmp, "nfsbundle-ctl")
	if _, err := run.Output(ctx, "strip", "--strip-all", "-o", out, bin); err != nil {
		logrus.Warnf("package: cannot strip %s (%v): shipping it unstripped; build it with -ldflags='-s -w'", bin, err)
		cleanup()
		return bin, none, nil
	}
	return out, cleanup, nil
}
