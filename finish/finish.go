// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package finish is the finish stage: strip -> sign -> compress each built
// module into a tree laid out as it installs, keep unstripped copies for a
// debug package, run depmod over the staged tree and record a manifest.
package finish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/run"
	"github.com/nfsbundle/nfsbundle/kbuild"
)

// Signer signs a stripped module in place with the given hash algorithm.
type Signer interface {
	SignFile(path, hash string) error
}

// Options steer the stage.
type Options struct {
	KVer     string
	Version  string // the product version (VERSION)
	Tree     string
	Series   string // the tree's upstream series
	Legacy   bool
	BuildDir string // build/<kver>
	Compress string // "", gzip, xz, zstd (the target's CONFIG_MODULE_COMPRESS_*)
	SigHash  string // CONFIG_MODULE_SIG_HASH
	Signer   Signer // nil: unsigned
	MakeVars []string
	// CompiledOut names the features the compat stage compiled out.
	CompiledOut []string
}

// Result is what Run staged: the manifest it wrote, and who signed.
type Result struct {
	Manifest
	// SignedBy describes the signing key (when the Signer says), "" if unsigned.
	SignedBy string
}

// Summary is the stage's log line.
func (r *Result) Summary() string {
	signed := "unsigned"
	if r.SignedBy != "" {
		n := 0
		for _, m := range r.Modules {
			if m.Signed {
				n++
			}
		}
		signed = fmt.Sprintf("%d signed by %s", n, r.SignedBy)
	}
	compress := r.Compress
	if compress == "" {
		compress = "none"
	}
	return fmt.Sprintf("%d modules staged in %s (%s, compression: %s)", len(r.Modules),
		filepath.Join(r.StageRoot, r.ModDir), signed, compress)
}

// Run stages every module of kb.
func Run(ctx context.Context, kb *kbuild.Result, o Options) (*Result, error) {
	res := &Result{Manifest: Manifest{KVer: o.KVer, Version: o.Version, Tree: o.Tree, Series: o.Series, Legacy: o.Legacy,
		StageRoot: filepath.Join(o.BuildDir, "stage"), DebugRoot: filepath.Join(o.BuildDir, "debug"),
		ModDir: filepath.Join("lib/modules", o.KVer, "updates/nfsbundle"), Compress: o.Compress,
		MakeVars: o.MakeVars, Src: kb.Src, CompiledOut: o.CompiledOut}}
	if d, ok := o.Signer.(interface{ Describe() string }); ok {
		res.SignedBy = d.Describe()
	}
	// A fresh stage each time: what is staged is exactly this build.
	for _, d := range []string{res.StageRoot, res.DebugRoot} {
		if err := os.RemoveAll(d); err != nil {
			return nil, err
		}
	}
	for _, m := range kb.Modules {
		sm, err := stageOne(ctx, m, &res.Manifest, o)
		if err != nil {
			return nil, fmt.Errorf("staging %s: %w", m.Name, err)
		}
		res.Modules = append(res.Modules, sm)
	}
	if err := depmod(ctx, res.StageRoot, o.KVer); err != nil {
		return nil, err
	}
	return res, res.Manifest.Write(o.BuildDir)
}

func stageOne(ctx context.Context, m kbuild.Module, res *Manifest, o Options) (Module, error) {
	sm := Module{Name: m.Name, RelPath: m.RelPath,
		DebugPath: filepath.Join(res.DebugRoot, res.ModDir, m.RelPath),
		Path:      filepath.Join(res.StageRoot, res.ModDir, m.RelPath)}
	if err := fileutil.CopyFile(m.Path, sm.DebugPath, 0o644); err != nil {
		return sm, err
	}
	if err := os.MkdirAll(filepath.Dir(sm.Path), 0o755); err != nil {
		return sm, err
	}
	// Strip before signing: stripping would remove the signature. Strip to
	// a temporary name so a reader never sees a half-written module.
	tmp := sm.Path + ".tmp"
	if _, err := run.Output(ctx, "strip", "--strip-debug", "-o", tmp, m.Path); err != nil {
		os.Remove(tmp)
		return sm, err
	}
	if err := os.Rename(tmp, sm.Path); err != nil {
		return sm, err
	}
	info, err := readInfo(sm.Path)
	if err != nil {
		return sm, err
	}
	sm.SrcVersion = info.First("srcversion")
	if o.Signer != nil {
		if err := o.Signer.SignFile(sm.Path, o.SigHash); err != nil {
			return sm, err
		}
		sm.Signed = true
	}
	if o.Compress != "" {
		p, err := Compress(ctx, sm.Path, o.Compress)
		if err != nil {
			return sm, err
		}
		sm.Path, sm.RelPath = p, m.RelPath+filepath.Ext(p)
	}
	return sm, nil
}

func readInfo(path string) (modinfo.Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return modinfo.Read(f)
}

// Compress replaces path with path.<ext> compressed the way the kernel's
// own modules_install does, and returns the new path.
func Compress(ctx context.Context, path, kind string) (string, error) {
	var args []string
	var ext string
	switch kind {
	case "xz":
		// The kernel's in-kernel xz decompressor needs the crc32 check.
		args, ext = []string{"xz", "--check=crc32", "--lzma2=dict=1MiB", "-f", "-q", path}, ".xz"
	case "zstd":
		args, ext = []string{"zstd", "-q", "-f", "--rm", "-T1", path}, ".zst"
	case "gzip":
		args, ext = []string{"gzip", "-n", "-f", "-9", path}, ".gz"
	default:
		return "", fmt.Errorf("unknown module compression %q", kind)
	}
	if _, err := run.Output(ctx, args[0], args[1:]...); err != nil {
		return "", err
	}
	return path + ext, nil
}

// depmod writes modules.dep and friends for the staged tree so tools that
// read it (modprobe -d, the VM test) resolve our modules.
func depmod(ctx context.Context, root, kver string) error {
	if _, err := run.Output(ctx, "depmod", "-b", root, kver); err != nil {
		return fmt.Errorf("depmod over the staged modules failed: %w", err)
	}
	return nil
}
