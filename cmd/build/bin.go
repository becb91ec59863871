// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/compat"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/importer"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/internal/run"
	"github.com/nfsbundle/nfsbundle/kbuild"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/sign"
	"github.com/nfsbundle/nfsbundle/tree"
)

// binFlags are the options of `build.sh bin`.
type binFlags struct {
	target      targetFlags
	source      string
	tree        string
	withoutRDMA bool
	jobs        int
	signKey     string
	signCert    string
	buildroot   string
	pkg         packageFlags
}

func init() {
	var f binFlags
	cmd := &cobra.Command{
		Use:   "bin",
		Short: "Build the NFS stack for the target kernel and package it into dist/",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := runBin(cmd.Context(), f)
			return err
		},
	}
	fl := cmd.Flags()
	f.target.register(fl)
	fl.StringVar(&f.source, "source", "", "kernel source tarball to import the upstream NFS code from (default: /usr/src/linux-source-<series>.tar.xz, else apt-get download)")
	fl.StringVar(&f.tree, "tree", "", "force a source tree (main|legacy) instead of choosing by kernel version")
	fl.BoolVar(&f.withoutRDMA, "without-rpcrdma", false, "do not build RDMA support (rpcrdma)")
	fl.StringVar(&f.signKey, "sign-key", "", "private key to sign modules with (default $MODULE_SIGN_PRIV_KEY; encrypted keys read $KBUILD_SIGN_PIN)")
	fl.StringVar(&f.signCert, "sign-cert", "", "certificate of the signing key (default $MODULE_SIGN_PUB_KEY)")
	f.pkg.register(fl)
	fl.StringVar(&f.buildroot, "buildroot", "auto", "where kbuild runs: auto (a chroot of the target's Debian release when the host cannot build it), host, or a suite name")
	fl.IntVarP(&f.jobs, "jobs", "j", numCPU(), "parallel make jobs")
	rootCmd.AddCommand(cmd)
}

// stage logs one line per pipeline stage with its duration.
func stage(name string, fn func() (string, error)) error {
	start := time.Now()
	msg, err := fn()
	if err != nil {
		return err
	}
	logrus.Infof("%-8s %s (%.1fs)", name+":", msg, time.Since(start).Seconds())
	return nil
}

// runBin is the pipeline: detect -> select -> compat -> import -> kbuild ->
// finish -> package.
func runBin(ctx context.Context, f binFlags) (*finish.Result, error) {
	top, err := paths.Top()
	if err != nil {
		return nil, err
	}
	version, err := readVersion(top)
	if err != nil {
		return nil, err
	}
	env, err := prepareBuildRoot(ctx, f.buildroot, requestedKernel(f.target), top)
	if err != nil {
		return nil, err
	}
	if env != nil {
		f.target.kdir = env.HostKDir()
	}
	var t detect.Target
	if err := stage("detect", func() (string, error) {
		t, err = detectTarget(ctx, f.target)
		compiler := t.Compiler.Found
		if env != nil {
			compiler = "from build root " + env.Suite
		}
		return fmt.Sprintf("%s %s, kernel %s, compiler %s", t.Distro.ID, t.Distro.VersionID, t.Kernel.Release, compiler), err
	}); err != nil {
		return nil, err
	}
	if err := checkTarget(t, env != nil); err != nil {
		return nil, err
	}
	// A key that cannot be used stops the build before anything is built:
	// never unsigned modules when signed ones were asked for.
	signer, err := sign.Resolve(f.signKey, f.signCert)
	if err != nil {
		return nil, err
	}
	if signer == nil && t.SecureBoot.State == "enabled" {
		logrus.Warn("Secure Boot is enabled and no signing key was given (MODULE_SIGN_PRIV_KEY/MODULE_SIGN_PUB_KEY or --sign-key/--sign-cert): the modules will not load on this machine")
	}
	buildDir := paths.BuildDir(top, t.Kernel.Release)
	if err := writeJSON(filepath.Join(buildDir, "target.json"), t); err != nil {
		return nil, err
	}

	var sel tree.Selection
	if err := stage("select", func() (string, error) {
		trees, err := tree.Load(filepath.Join(top, "kernel-src"))
		if err != nil {
			return "", err
		}
		sel, err = tree.Select(trees, t.Kernel.Version, f.tree)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("tree %s: %s", sel.Tree.Name, sel.Reason), nil
	}); err != nil {
		return nil, err
	}
	bundleVersion := version
	if sel.Tree.Legacy {
		bundleVersion += "-legacy"
	}

	// The compat header only depends on the target headers; it is laid into
	// the imported tree by import, so an unchanged result rebuilds nothing.
	var compatHeader []byte
	if err := stage("compat", func() (string, error) {
		o := compat.Options{KDir: t.Kernel.HeadersDir, KVer: t.Kernel.Release, OutDir: filepath.Join(buildDir, "compat"),
			Jobs: f.jobs, NoCache: rootFlags.noCache}
		if env != nil {
			o.KDir, o.Exec = env.KDir, env.Runner
		}
		r, err := compat.Run(ctx, o)
		if err != nil {
			return "", err
		}
		if compatHeader, err = os.ReadFile(r.Header); err != nil {
			return "", err
		}
		defined := 0
		for _, p := range r.Probes {
			if p.Value {
				defined++
			}
		}
		return fmt.Sprintf("%d probes, %d defined (%s)", len(r.Probes), defined, r.Mode), nil
	}); err != nil {
		return nil, err
	}

	src := filepath.Join(buildDir, "src")
	if err := stage("import", func() (string, error) {
		return importTree(ctx, top, f.source, sel.Tree, bundleVersion, src, buildDir, compatHeader)
	}); err != nil {
		return nil, err
	}

	params := kbuild.Params{KDir: t.Kernel.HeadersDir, Src: src, Jobs: f.jobs, Config: t.Config,
		WithoutRDMA: f.withoutRDMA, CC: os.Getenv("CC")}
	if env != nil {
		params.KDir, params.Command = env.KDir, env.RootCommand
	}
	vars, err := kbuild.ConfigAssignments(t.Config, f.withoutRDMA)
	if err != nil {
		return nil, err
	}
	var kb *kbuild.Result
	if err := stage("kbuild", func() (string, error) {
		kb, err = kbuild.Run(ctx, params, filepath.Join(buildDir, "build.log"))
		if err != nil {
			return "", err
		}
		if err := checkModules(kb, f.withoutRDMA); err != nil {
			return "", err
		}
		return fmt.Sprintf("%d modules, log %s", len(kb.Modules), kb.Log), nil
	}); err != nil {
		return nil, err
	}

	var res *finish.Result
	if err := stage("finish", func() (string, error) {
		res, err = finish.Run(ctx, kb, finish.Options{KVer: t.Kernel.Release, Version: bundleVersion,
			Tree: sel.Tree.Name, Legacy: sel.Tree.Legacy, BuildDir: buildDir, Compress: t.Config.Compress,
			SigHash: t.Config.SigHash, MakeVars: vars, Signer: finishSigner(signer)})
		if err != nil {
			return "", err
		}
		signed := "unsigned"
		if signer != nil {
			signed = fmt.Sprintf("%d signed by %s", signer.Signed(), signer.Describe())
		}
		return fmt.Sprintf("%d modules staged in %s (%s, compression: %s)", len(res.Modules),
			filepath.Join(res.StageRoot, res.ModDir), signed, orNone(res.Compress)), nil
	}); err != nil {
		return nil, err
	}

	if err := stage("package", func() (string, error) {
		st, err := pkg.LoadStaged(finish.ManifestPath(buildDir))
		if err != nil {
			return "", err
		}
		out, err := writePackages(ctx, top, version, f.pkg, st, t)
		if err != nil {
			return "", err
		}
		return strings.Join(out, ", "), nil
	}); err != nil {
		return nil, err
	}
	return res, nil
}

// finishSigner keeps a nil *sign.Signer from becoming a non-nil interface.
func finishSigner(s *sign.Signer) finish.Signer {
	if s == nil {
		return nil
	}
	return s
}

// checkTarget stops on facts that make a build pointless. In a build root
// the host compiler does not matter.
func checkTarget(t detect.Target, inBuildRoot bool) error {
	c := t.Compiler
	switch {
	case inBuildRoot:
	case c.Path == "":
		return fmt.Errorf("no C compiler found; the headers expect %q: install it (apt-get install build-essential, or gcc-%d)", c.Expected, c.ExpectedMajor)
	case c.Mismatch:
		logrus.Warnf("compiler %s (gcc %d) differs from the one the kernel was built with (%q): modules may fail to build or load; install gcc-%d and set CC=gcc-%[4]d",
			c.Path, c.FoundMajor, c.Expected, c.ExpectedMajor, c.ExpectedMajor, c.ExpectedMajor)
	}
	if t.OFED.Mismatch(t.Kernel.Release) {
		return fmt.Errorf("Mellanox OFED at %s was built for kernel %s, not the target %s: reinstall MOFED for %s (mlnxofedinstall --add-kernel-support) or build with --no-ofed",
			t.OFED.Dir, t.OFED.ForKernel, t.Kernel.Release, t.Kernel.Release)
	}
	return nil
}

func importTree(ctx context.Context, top, source string, tr *tree.Tree, bundleVersion, src, buildDir string, compatHeader []byte) (string, error) {
	tarball, err := importer.FindTarball(ctx, source, tr.UpstreamSeries, paths.Cache(), sourceDownloader(tr.UpstreamSeries))
	if err != nil {
		return "", err
	}
	plist, err := importer.ReadPaths(tr.PathsFile())
	if err != nil {
		return "", err
	}
	up, err := importer.Extract(ctx, tarball, plist, paths.Cache())
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(up.UpstreamVersion, tr.UpstreamSeries+".") {
		return "", fmt.Errorf("source tarball %s is Linux %s, but tree %s needs the %s series", tarball, up.UpstreamVersion, tr.Name, tr.UpstreamSeries)
	}
	layer := importer.Layer{PatchesDir: tr.PatchesDir(), FilesDirs: tr.FilesDirs(), Kbuild: tr.KbuildFile(),
		Generated: map[string]string{
			"include/linux/nfs_bundle_version.h":  importer.VersionHeader(bundleVersion, gitDescribe(ctx, top)),
			"compat/include/nfsbundle/autoconf.h": string(compatHeader),
		}}
	if err := importer.Prepare(ctx, up.Dir, layer, src); err != nil {
		return "", err
	}
	if err := writeJSON(filepath.Join(buildDir, "import.json"), up); err != nil {
		return "", err
	}
	cached := ""
	if up.CacheHit {
		cached = ", cached"
	}
	return fmt.Sprintf("Linux %s from %s (sha256 %s%s)", up.UpstreamVersion, tarball, up.SHA256[:16], cached), nil
}

// checkModules makes sure every module we promise was built.
func checkModules(kb *kbuild.Result, withoutRDMA bool) error {
	have := map[string]bool{}
	for _, m := range kb.Modules {
		have[m.Name] = true
	}
	var missing []string
	for _, m := range kbuild.ExpectedModules(withoutRDMA) {
		if !have[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the build produced no %s (log %s)", strings.Join(missing, ", "), kb.Log)
	}
	return nil
}

// requestedKernel is the kernel the user named (--kernel or KVER=), or "".
func requestedKernel(f targetFlags) string {
	if f.kernel != "" {
		return f.kernel
	}
	if f.kdir != "" {
		return ""
	}
	return os.Getenv("KVER")
}

func readVersion(top string) (string, error) {
	data, err := os.ReadFile(filepath.Join(top, "VERSION"))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(data)), nil
}

// gitDescribe names the commit this tree was built from, or "unknown"
// (source releases have no .git).
func gitDescribe(ctx context.Context, top string) string {
	out, err := run.Output(ctx, "git", "-C", top, "describe", "--always", "--dirty", "--tags")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return fileutil.WriteAtomic(path, append(data, '\n'), 0o644)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func numCPU() int { return runtime.NumCPU() }
