// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package dkms builds the DKMS source package: the imported and patched
// tree under /usr/src/nfsbundle-<ver>/ with a generated dkms.conf, and the
// static build driver. On the target, DKMS's MAKE runs that driver
// (dkms-build, BuildOnTarget): it probes the kernel being built for (the
// compat stage), writes the tree's autoconf.h from the results, and runs
// kbuild with that kernel's CONFIG_ values. So one package serves every
// kernel of the tree's range, with no Go and no network on the target.
// DKMS then signs (with its own MOK key) and installs the modules. The
// package is a Debian package, written by pkg/deb.
package dkms

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/importer"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/internal/stack"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/deb"
	"github.com/nfsbundle/nfsbundle/tree"
)

// PackageName is the DKMS module (and Debian package stem) name.
const PackageName = "nfsbundle"

// Where the package installs its programs. The driver carries lintian's
// "-static" suffix, as nfsbundle-ctl does: both are static on purpose.
const (
	libDir     = "/usr/lib/" + PackageName + "/dkms"
	DriverPath = libDir + "/nfsbundle-build-static"
	ctlPath    = libDir + "/" + deb.CtlFileName
)

// ManifestName is the file in the packaged tree that tells the build on
// the target what the package was made for.
const ManifestName = "nfsbundle-dkms.json"

// Manifest is what the build on the target reads of the package: the
// tree's kernel range (checked again there: dkms before 3.0.11 ignores
// BUILD_EXCLUSIVE_KERNEL_MIN/MAX) and the choices made at package time.
type Manifest struct {
	Tree        string `json:"tree"`
	Kernels     string `json:"kernels"` // the tree's range, as tree.json writes it
	WithoutRDMA bool   `json:"without_rdma"`
	// Legacy: the tree is the kernel's own code, so the target's build
	// compiles nothing out (compat/features).
	Legacy bool `json:"legacy,omitempty"`
}

// Module is one module the tree builds.
type Module struct {
	Name    string // sunrpc
	RelPath string // net/sunrpc/sunrpc.ko, relative to the tree's top
}

// ModulesOf lists the modules of a staged build, as the tree builds them.
func ModulesOf(m *finish.Manifest) []Module {
	var mods []Module
	for _, sm := range m.Modules {
		// DKMS builds the .ko and compresses it as the kernel's own
		// configuration says: the staged file's .xz or .zst is not the
		// name of what make leaves behind.
		rel := sm.RelPath
		if i := strings.LastIndex(rel, ".ko."); i >= 0 {
			rel = rel[:i+len(".ko")]
		}
		mods = append(mods, Module{Name: sm.Name, RelPath: rel})
	}
	return mods
}

// Input is what Build needs.
type Input struct {
	Top     string // repository root
	Dist    string // output directory (default <Top>/dist)
	Version string // product version (VERSION)
	Arch    string // target architecture (uname -m or Debian spelling)
	// Tree is the imported, patched source tree with its top-level Kbuild
	// (build/<kver>/src).
	Tree    string
	Modules []Module
	// TreeName and Range are the source tree's name and kernel range
	// (kernel-src/<name>/tree.json): the package serves that range.
	TreeName string
	Range    tree.Range
	// Driver is the static nfsbundle build driver (bin/nfsbundle-build)
	// the package ships to run the build on the target.
	Driver string
	// Legacy marks a package built from the legacy tree.
	Legacy bool
	// SourceDateEpoch sets every timestamp: the caller's SOURCE_DATE_EPOCH
	// (see pkg.DefaultSourceDateEpoch).
	SourceDateEpoch int64
	CtlBinary       string // optional nfsbundle-ctl binary
}

var (
	nameRe    = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	relRe     = regexp.MustCompile(`^[A-Za-z0-9_./-]+\.ko$`)
	versionRe = regexp.MustCompile(`^[A-Za-z0-9.+~]+$`)
	seriesRe  = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)
)

// Bounds are BUILD_EXCLUSIVE_KERNEL_MIN and _MAX ("" leaves one out).
type Bounds struct{ Min, Max string }

// buildDir is the directory DKMS builds in, as dkms.conf spells it.
const buildDir = "${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build"

// Conf renders dkms.conf. Values are validated so that sourcing the file in
// bash (what dkms does) cannot run anything but the intended commands.
func Conf(version string, mods []Module, b Bounds) ([]byte, error) {
	if !versionRe.MatchString(version) {
		return nil, fmt.Errorf("dkms: version %q has characters DKMS cannot take", version)
	}
	for _, v := range []string{b.Min, b.Max} {
		if v != "" && !seriesRe.MatchString(v) {
			return nil, fmt.Errorf("dkms: kernel bound %q is not a series X.Y", v)
		}
	}
	if len(mods) == 0 {
		return nil, fmt.Errorf("dkms: no modules to list in dkms.conf")
	}
	mods = append([]Module(nil), mods...)
	sort.Slice(mods, func(i, j int) bool { return mods[i].RelPath < mods[j].RelPath })
	var w bytes.Buffer
	fmt.Fprintf(&w, "# dkms.conf generated by nfsbundle.\n")
	fmt.Fprintf(&w, "PACKAGE_NAME=%q\nPACKAGE_VERSION=%q\n", PackageName, version)
	w.WriteString("# The build probes the kernel it is for (the compat stage), writes the tree's\n" +
		"# autoconf.h from the results, then runs make with that kernel's CONFIG_ values.\n")
	fmt.Fprintf(&w, "MAKE[0]=\"%s dkms-build --kdir ${kernel_source_dir} --kver ${kernelver} --src %s\"\n", DriverPath, buildDir)
	fmt.Fprintf(&w, "CLEAN=\"make -C ${kernel_source_dir} M=%s clean\"\n", buildDir)
	// Inclusive MIN, and a MAX that keeps out X.Y-rc1 and later: the
	// tree's ">= MIN, < MAX" (dkms 3.0.11 and later; the build checks the
	// range itself for older ones).
	if b.Min != "" {
		fmt.Fprintf(&w, "BUILD_EXCLUSIVE_KERNEL_MIN=%q\n", b.Min)
	}
	if b.Max != "" {
		fmt.Fprintf(&w, "BUILD_EXCLUSIVE_KERNEL_MAX=%q\n", b.Max)
	}
	fmt.Fprintf(&w, "AUTOINSTALL=\"yes\"\n")
	for i, m := range mods {
		if !nameRe.MatchString(m.Name) || !relRe.MatchString(m.RelPath) || strings.Contains(m.RelPath, "..") {
			return nil, fmt.Errorf("dkms: module %q at %q: bad name or path", m.Name, m.RelPath)
		}
		dir := path.Dir(m.RelPath)
		if dir == "." {
			dir = ""
		}
		if base := strings.TrimSuffix(path.Base(m.RelPath), ".ko"); base != m.Name {
			return nil, fmt.Errorf("dkms: module %s is built as %s: names must match", m.Name, m.RelPath)
		}
		// Debian's and Ubuntu's dkms install into /updates/dkms whatever this
		// says; RHEL's uses /extra. /updates/dkms is the portable choice.
		fmt.Fprintf(&w, "BUILT_MODULE_NAME[%d]=%q\nBUILT_MODULE_LOCATION[%d]=%q\nDEST_MODULE_LOCATION[%d]=\"/updates/dkms\"\n",
			i, m.Name, i, dir, i)
	}
	return w.Bytes(), nil
}

// withoutRDMA says whether the modules leave out the RDMA ones, as a build
// with --without-rpcrdma does: the build on the target does the same.
func withoutRDMA(mods []Module) bool {
	for _, sm := range stack.Modules {
		for _, m := range mods {
			if sm.RDMA && m.Name == sm.Name {
				return false
			}
		}
	}
	return true
}

// elfMachines are the architectures the driver can be shipped for, in
// Debian's spelling.
var elfMachines = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64, "ppc64el": elf.EM_PPC64, "i386": elf.EM_386}

// checkDriver makes sure the driver runs on any target of arch: an ELF
// executable for that machine without a dynamic loader (CGO_ENABLED=0, as
// build.sh builds it).
func checkDriver(bin, arch string) error {
	if bin == "" {
		return fmt.Errorf("dkms: no build driver to ship: the DKMS build runs it on the target (build.sh builds bin/nfsbundle-build)")
	}
	f, err := elf.Open(bin)
	if err != nil {
		return fmt.Errorf("dkms: build driver %s: %w", bin, err)
	}
	defer f.Close()
	if want, ok := elfMachines[arch]; ok && f.Machine != want {
		return fmt.Errorf("dkms: build driver %s is for %s, the package for %s: build the driver for %s (GOARCH) or package for its architecture", bin, f.Machine, arch, arch)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("dkms: build driver %s is dynamically linked: build it with CGO_ENABLED=0 (build.sh does) so it runs on every target", bin)
		}
	}
	return nil
}

// skipInTree reports build products that must not go into the package.
func skipInTree(rel string, d fs.DirEntry) bool {
	base := d.Name()
	if d.IsDir() {
		return base == ".git" || base == ".tmp_versions"
	}
	for _, suf := range []string{".o", ".ko", ".mod", ".mod.c", ".mod.o", ".cmd", ".a", ".dwo", ".order", ".symvers", ".orig", ".rej", "~"} {
		if strings.HasSuffix(base, suf) {
			return true
		}
	}
	// The build host's probe results: the target writes its own.
	return base == "dkms.conf" || base == ManifestName || filepath.ToSlash(rel) == importer.CompatHeaderPath ||
		strings.HasPrefix(base, ".") && strings.HasSuffix(base, ".d")
}

// Build writes dist/nfsbundle-dkms_<ver>_<arch>.deb. The Debian file name
// carries no release.
func Build(ctx context.Context, in Input) (*pkg.Result, error) {
	version := strings.TrimSpace(in.Version)
	if in.Legacy {
		version += "+legacy"
	}
	if in.Tree == "" {
		return nil, fmt.Errorf("dkms: no source tree given")
	}
	if _, err := os.Stat(filepath.Join(in.Tree, "Kbuild")); err != nil {
		return nil, fmt.Errorf("dkms: %s has no top-level Kbuild (%v): it is not an imported nfsbundle tree; run ./build.sh bin first", in.Tree, err)
	}
	min, max, err := in.Range.Bounds()
	if err != nil {
		return nil, fmt.Errorf("dkms: tree %s: %w", in.TreeName, err)
	}
	conf, err := Conf(version, in.Modules, Bounds{Min: min, Max: max})
	if err != nil {
		return nil, err
	}
	if err := checkDriver(in.Driver, deb.Arch(in.Arch)); err != nil {
		return nil, err
	}
	driver, cleanDriver, err := pkg.StrippedBinary(ctx, "build driver", in.Driver)
	if err != nil {
		return nil, err
	}
	defer cleanDriver()
	manifest, err := fileutil.MarshalJSON(Manifest{Tree: in.TreeName, Kernels: in.Range.Text, WithoutRDMA: withoutRDMA(in.Modules), Legacy: in.Legacy})
	if err != nil {
		return nil, err
	}
	srcDir := "/usr/src/" + PackageName + "-" + version
	p := describe(in, version, srcDir)
	files, err := collect(ctx, in.Tree, srcDir)
	if err != nil {
		return nil, err
	}
	p.Files = append(files,
		pkg.File{Dest: srcDir + "/dkms.conf", Body: conf, Mode: 0o644},
		pkg.File{Dest: srcDir + "/" + ManifestName, Body: manifest, Mode: 0o644},
		pkg.File{Dest: DriverPath, Src: driver, Mode: 0o755})

	ctlBin, cleanup, err := pkg.StrippedCtl(ctx, in.CtlBinary)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	ctl := ""
	if ctlBin != "" {
		ctl = ctlPath
		p.Files = append(p.Files, pkg.File{Dest: ctl, Src: ctlBin, Mode: 0o755})
	}
	doc := "/usr/share/doc/" + p.Name
	p.Files = append(p.Files,
		pkg.File{Dest: doc + "/copyright", Body: deb.Copyright(true), Mode: 0o644},
		// A native version (no Debian revision) names it changelog.gz.
		pkg.File{Dest: doc + "/changelog.gz", Body: deb.Changelog(p.Name, version, "DKMS", p.MTime), Mode: 0o644},
	)
	p.Scripts = scripts(version, ctl)

	dist := in.Dist
	if dist == "" {
		dist = paths.DistDir(in.Top)
	}
	return pkg.WritePackage(ctx, deb.Packager{}, p, dist)
}

// describe is the package's control data; Build adds the files. The
// package ships the Go build driver (Apache-2.0) beside the GPL tree.
func describe(in Input, version, srcDir string) *pkg.Package {
	p := &pkg.Package{
		Name:       PackageName + "-dkms",
		Version:    version,
		Arch:       in.Arch,
		Summary:    "nfsbundle NFS stack kernel modules in DKMS source form",
		License:    "GPL-2.0-only AND Apache-2.0",
		Vendor:     pkg.Vendor,
		URL:        pkg.Homepage,
		Maintainer: pkg.Maintainer,
		Section:    "kernel",
		MTime:      time.Unix(in.SourceDateEpoch, 0).UTC(),
		Dirs:       []string{srcDir},
		Requires:   []pkg.Relation{{Name: "dkms"}, {Name: "make"}, {Name: "nfs-common"}},
		Provides:   []pkg.Relation{{Name: PackageName + "-modules"}, {Name: PackageName + "-kmod", Op: "=", Version: version}},
	}
	legacy := ""
	if in.Legacy {
		legacy = " Built from the legacy source tree (5.10 LTS based) that serves older kernels."
		p.Summary += " (legacy tree)"
	}
	p.Description = fmt.Sprintf("The nfsbundle NFS client, server and SUNRPC modules as sources that DKMS\nbuilds for every installed kernel in the range %s of tree %s: the\nbuild probes each kernel's API first (kernel headers, gcc and make\nneeded, nothing else).%s", in.Range.Text, in.TreeName, legacy)
	return p
}

// collect lists the tree's source files (no build products) as package
// files below dest, sorted by path.
func collect(ctx context.Context, tree, dest string) ([]pkg.File, error) {
	var files []pkg.File
	err := filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(tree, p)
		if rel == "." {
			return nil
		}
		if skipInTree(rel, d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file (symlinks are not packaged)", p)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if info.Mode()&0o111 != 0 {
			mode = 0o755
		}
		files = append(files, pkg.File{Dest: dest + "/" + filepath.ToSlash(rel), Src: p, Mode: mode})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dkms: collecting %s: %w", tree, err)
	}
	return files, nil
}

func scripts(version, ctl string) pkg.Scripts {
	post := "#!/bin/sh\nset -e\n"
	post += "NAME=" + PackageName + "\nVERSION=" + pkg.ShellQuote(version) + "\n"
	post += `case "$1" in
configure)
	# Debian's helper: dkms add, then build and install for the running
	# kernel (or the newest one with headers).
	/usr/lib/dkms/common.postinst "$NAME" "$VERSION" "" "" "$2"
`
	if ctl != "" {
		post += "\tupdate-alternatives --install " + pkg.ShellQuote(pkg.CtlPath) + " nfsbundle-ctl " + pkg.ShellQuote(ctl) + " 40\n"
	}
	post += `	echo "nfsbundle: DKMS modules built and installed. Rebuild the initramfs (update-initramfs -u) and reboot to load them."
	;;
esac
exit 0
`
	pre := "#!/bin/sh\nset -e\nNAME=" + PackageName + "\nVERSION=" + pkg.ShellQuote(version) + "\n" + `case "$1" in
remove|upgrade|deconfigure)
	if [ "$(dkms status -m "$NAME" -v "$VERSION")" ]; then
		dkms remove -m "$NAME" -v "$VERSION" --all
	fi
`
	if ctl != "" {
		pre += "\tif [ \"$1\" != upgrade ]; then update-alternatives --remove nfsbundle-ctl " + pkg.ShellQuote(ctl) + "; fi\n"
	}
	pre += `	;;
esac
exit 0
`
	// dkms remove runs depmod, which leaves index files in
	// /lib/modules/<kver> even when only headers are installed there.
	postrm := "#!/bin/sh\nset -e\n" + `case "$1" in
remove|purge)
	for mods in /lib/modules/*; do
		[ -d "$mods" ] && [ ! -d "$mods/kernel" ] || continue
		[ -z "$(find "$mods" -name '*.ko*' -print -quit 2>/dev/null)" ] || continue
		` + pkg.DepmodIndexCleanup + `
	done
	;;
esac
exit 0
`
	return pkg.Scripts{PostInstall: post, PreRemove: pre, PostRemove: postrm}
}
