// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/buildroot"
	"github.com/nfsbundle/nfsbundle/compat"
	"github.com/nfsbundle/nfsbundle/compat/features"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/importer"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/kbuild"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/sign"
	"github.com/nfsbundle/nfsbundle/tree"
)

// stage is one step of `build.sh bin`. run returns the stage's summary,
// logged as one line with the stage's name and duration; a step without a
// name is part of the pipeline but no stage of its own, and logs nothing.
// A failure exits with code (cli.ExitCodes) unless the error carries a
// more precise one.
type stage struct {
	name string
	run  func(b *build, ctx context.Context) (string, error)
	code int
}

// binPipeline is `build.sh bin` in order. compat runs before import
// because import lays compat's header into the imported tree: an
// unchanged probe result then leaves the tree, and so the build, as it was.
// Inputs are validated before anything uses them, and the host tools are
// checked (preflightHost, then with the target's compiler preflight)
// before anything long runs.
var binPipeline = []stage{
	{"", (*build).validate, cli.ExitUsage},
	{"", (*build).preflightHost, cli.ExitHostTools},
	{"", (*build).prepareRoot, cli.ExitFailure},
	{"detect", (*build).detect, cli.ExitFailure},
	{"", (*build).preflight, cli.ExitHostTools},
	{"", (*build).checkTarget, cli.ExitFailure},
	{"select", (*build).selectTree, cli.ExitNoTree},
	{"compat", (*build).compat, cli.ExitFailure},
	{"import", (*build).importTree, cli.ExitFailure},
	{"kbuild", (*build).kbuild, cli.ExitCompile},
	{"finish", (*build).finish, cli.ExitFailure},
	{"package", (*build).pkg, cli.ExitPackage},
}

// build is one run of the pipeline: the inputs, then each stage's result,
// set by that stage and read by the later ones.
type build struct {
	f        binFlags
	top      string
	version  string // the VERSION file
	buildDir string // build/<kver>, known after detect

	env      *buildroot.Env // nil: kbuild runs on the host
	target   detect.Target
	signer   *sign.Signer // nil: unsigned
	sel      tree.Selection
	compatR  *compat.Result
	imported *importer.Result
	kb       *kbuild.Result
	staged   *finish.Result
	packaged *pkg.Result

	installed []string      // packages the preflight installed
	timings   []stageTiming // how long each logged stage took, in order
}

// stageTiming is one stage's duration, for bin --json.
type stageTiming struct {
	Stage   string  `json:"stage"`
	Seconds float64 `json:"seconds"`
}

// do runs the stage, logs its summary and records its duration. A
// failure carries the stage's exit status, or ExitInterrupted when the
// context was cancelled (SIGINT, SIGTERM) whatever the stage made of it.
func (s stage) do(ctx context.Context, b *build) error {
	start := time.Now()
	msg, err := s.run(b, ctx)
	if err != nil {
		if ctx.Err() != nil {
			return &cli.ExitError{Code: cli.ExitInterrupted, Err: fmt.Errorf("interrupted during %s: %w", s.label(), err)}
		}
		return cli.WithCode(s.code, err)
	}
	if s.name != "" {
		logStage(s.name, msg, start)
		if b != nil {
			b.timings = append(b.timings, stageTiming{s.name, time.Since(start).Seconds()})
		}
	}
	return nil
}

// label names the stage in messages; unnamed steps are "preparation".
func (s stage) label() string {
	if s.name == "" {
		return "preparation"
	}
	return s.name
}

// logStage logs a stage's one Info line: its name, its summary and how
// long it took since start.
func logStage(name, summary string, start time.Time) {
	logrus.Infof("%-8s %s (%s)", name+":", summary, cli.Seconds(time.Since(start)))
}

// prepareRoot creates the build root the target needs, if any, and then
// logs its line ("buildroot:"); on the host it logs nothing.
func (b *build) prepareRoot(ctx context.Context) (string, error) {
	start := time.Now()
	env, err := prepareBuildRoot(ctx, b.f.buildroot, requestedKernel(b.f.target), b.top)
	if err != nil {
		return "", err
	}
	if env != nil {
		logStage("buildroot", env.Summary(), start)
		b.timings = append(b.timings, stageTiming{"buildroot", time.Since(start).Seconds()})
		b.f.target.kdir = env.HostKDir()
	}
	b.env = env
	return "", nil
}

func (b *build) detect(ctx context.Context) (string, error) {
	t, err := detectTarget(ctx, b.f.target)
	b.target = t
	if err != nil {
		return "", headersExit(err)
	}
	b.buildDir = paths.BuildDir(b.top, t.Kernel.Release)
	suite := ""
	if b.env != nil {
		suite = b.env.Suite
	}
	return t.Summary(suite), nil
}

// headersExit gives detect's "no headers" errors their exit status.
func headersExit(err error) error {
	if errors.Is(err, detect.ErrNoHeadersAtAll) || errors.As(err, new(*detect.NoHeadersError)) {
		return cli.WithCode(cli.ExitHeadersMissing, err)
	}
	return err
}

// checkTarget stops before anything is built on a target that cannot be
// built, or a key that cannot be used: never unsigned modules when signed
// ones were asked for. It records the target in target.json.
func (b *build) checkTarget(ctx context.Context) (string, error) {
	t := b.target
	if err := t.Check(b.env != nil); err != nil {
		return "", err
	}
	signer, err := sign.Resolve(b.f.signKey, b.f.signCert, environ.sign)
	if err != nil {
		return "", cli.WithCode(cli.ExitSigningKey, err)
	}
	if signer == nil && t.SecureBoot.State == "enabled" {
		logrus.Warn("Secure Boot is enabled and no signing key was given (MODULE_SIGN_PRIV_KEY/MODULE_SIGN_PUB_KEY or --sign-key/--sign-cert): the modules will not load on this machine")
	}
	b.signer = signer
	return "", t.Save(b.buildDir)
}

func (b *build) selectTree(ctx context.Context) (string, error) {
	trees, err := tree.Load(filepath.Join(b.top, "kernel-src"))
	if err != nil {
		return "", err
	}
	if b.sel, err = tree.Select(trees, b.target.Kernel.Version, b.f.tree); err != nil {
		return "", err
	}
	return fmt.Sprintf("tree %s: %s", b.sel.Tree.Name, b.sel.Reason), nil
}

func (b *build) compat(ctx context.Context) (string, error) {
	o := compat.Options{KDir: b.target.Kernel.HeadersDir, KVer: b.target.Kernel.Release, OutDir: filepath.Join(b.buildDir, "compat"),
		Jobs: b.f.jobs, NoCache: rootFlags.noCache, CacheDir: rootFlags.cacheDir, CompileOut: !b.sel.Tree.Legacy}
	if b.env != nil {
		o.KDir, o.Exec = b.env.KDir, b.env.Runner
	}
	r, err := compat.Run(ctx, o)
	if err != nil {
		return "", err
	}
	b.compatR = r
	for _, f := range r.CompiledOut() {
		logrus.Warnf("compat: %s compiled out on %s: %s", f.Name, b.target.Kernel.Release, f.Lost)
	}
	return r.Summary(), nil
}

func (b *build) importTree(ctx context.Context) (string, error) {
	header, err := os.ReadFile(b.compatR.Header)
	if err != nil {
		return "", err
	}
	tr := b.sel.Tree
	r, err := importer.Run(ctx, importer.Options{Tree: tr, Source: b.f.source,
		ModuleVersion: finish.ModuleVersion(b.version, tr.Legacy), GitVersion: gitDescribe(ctx, b.top),
		CompatHeader: header, Dest: filepath.Join(b.buildDir, "src"), BuildDir: b.buildDir,
		CacheDir: rootFlags.cacheDir, Apt: sourceApt(tr.UpstreamSeries), StrictUpstream: b.f.strictUpstream})
	if err != nil {
		return "", err
	}
	b.imported = r
	return r.Summary(), nil
}

func (b *build) kbuild(ctx context.Context) (string, error) {
	t := b.target
	p := kbuild.Params{KDir: t.Kernel.HeadersDir, Src: filepath.Join(b.buildDir, "src"), Jobs: b.f.jobs, Config: t.Config,
		WithoutRDMA: b.f.withoutRDMA, ConfigOff: b.compatR.ConfigOff(), CC: environ.cc}
	if b.env != nil {
		p.KDir, p.Command = b.env.KDir, b.env.RootCommand
	}
	r, err := kbuild.Run(ctx, p, filepath.Join(b.buildDir, "build.log"))
	if err != nil {
		return "", err
	}
	b.kb = r
	return r.Summary(), nil
}

func (b *build) finish(ctx context.Context) (string, error) {
	t, tr := b.target, b.sel.Tree
	r, err := finish.Run(ctx, b.kb, finish.Options{KVer: t.Kernel.Release, Version: b.version, Tree: tr.Name,
		Series: tr.UpstreamSeries, Legacy: tr.Legacy, BuildDir: b.buildDir, Compress: t.Config.Compress,
		SigHash: t.Config.SigHash, MakeVars: b.kb.MakeVars, Signer: finishSigner(b.signer),
		CompiledOut: features.Names(b.compatR.CompiledOut())})
	if err != nil {
		return "", err
	}
	b.staged = r
	return r.Summary(), nil
}

// pkg packages what finish staged, read back from its manifest as the
// package command does.
func (b *build) pkg(ctx context.Context) (string, error) {
	m, err := finish.Load(finish.ManifestPath(b.buildDir))
	if err != nil {
		return "", err
	}
	if b.packaged, err = writePackages(ctx, b.top, b.version, b.f.pkg, m, b.target); err != nil {
		return "", err
	}
	return b.packaged.Summary(), nil
}

// finishSigner keeps a nil *sign.Signer from becoming a non-nil interface.
func finishSigner(s *sign.Signer) finish.Signer {
	if s == nil {
		return nil
	}
	return s
}
