// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package dkms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	version "github.com/hashicorp/go-version"
	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/compat"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/importer"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/kbuild"
	"github.com/nfsbundle/nfsbundle/tree"
)

// TargetOptions are what DKMS's MAKE line passes to the build on the
// target (nfsbundle-build dkms-build).
type TargetOptions struct {
	KDir string // ${kernel_source_dir}
	KVer string // ${kernelver}
	Src  string // the DKMS build directory: a copy of the packaged tree
	Jobs int    // parallel compiles (default: number of CPUs, as dkms uses)
	// Log receives the kbuild log once make has run, so dkms's make.log
	// holds the compiler's output (nil: discarded).
	Log io.Writer
}

// workDir is where the build on the target keeps its probe work and the
// kbuild log, inside the DKMS build directory (removed with it).
const workDir = ".nfsbundle"

// TargetResult is what the build on the target did.
type TargetResult struct {
	Compat *compat.Result
	Kbuild *kbuild.Result
}

// BuildOnTarget is the DKMS build for one kernel: check the kernel is in
// the packaged tree's range, probe its API (the compat stage, uncached:
// the results are this kernel's alone), lay the probe header into the
// tree, then build every module with this kernel's CONFIG_ values.
func BuildOnTarget(ctx context.Context, o TargetOptions) (*TargetResult, error) {
	m, err := readManifest(o.Src)
	if err != nil {
		return nil, err
	}
	if o.KVer == "" {
		if o.KVer, err = detect.HeadersRelease(o.KDir); err != nil {
			return nil, err
		}
	}
	if err := checkRange(m, o.KDir, o.KVer); err != nil {
		return nil, err
	}
	cfg, err := detect.ReadConfig(o.KDir)
	if err != nil {
		return nil, err
	}
	work := filepath.Join(o.Src, workDir)
	cr, err := compat.Run(ctx, compat.Options{KDir: o.KDir, KVer: o.KVer, OutDir: filepath.Join(work, "compat"),
		CacheDir: filepath.Join(work, "cache"), Jobs: o.Jobs, NoCache: true, CompileOut: !m.Legacy})
	if err != nil {
		return nil, err
	}
	logrus.Infof("compat:  %s", cr.Summary())
	if err := fileutil.CopyFile(cr.Header, filepath.Join(o.Src, importer.CompatHeaderPath), 0o644); err != nil {
		return nil, err
	}
	log := filepath.Join(work, "build.log")
	kr, err := kbuild.Run(ctx, kbuild.Params{KDir: o.KDir, Src: o.Src, Jobs: o.Jobs, Config: cfg, WithoutRDMA: m.WithoutRDMA,
		ConfigOff: cr.ConfigOff()}, log)
	copyLog(log, o.Log)
	if err != nil {
		return nil, err
	}
	logrus.Infof("kbuild:  %s", kr.Summary())
	return &TargetResult{Compat: cr, Kbuild: kr}, nil
}

// readManifest reads the package's Manifest from the tree.
func readManifest(src string) (*Manifest, error) {
	p := filepath.Join(src, ManifestName)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: dkms-build runs in the build directory of an nfsbundle DKMS package (--src)", p, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return &m, nil
}

// checkRange fails for a kernel outside the tree's range. dkms 3.0.11 and
// later never start the build for one (BUILD_EXCLUSIVE_KERNEL_MIN/MAX);
// older ones (Debian 12 has 3.0.10) ignore those keys, and this is where
// such a kernel stops, before anything compiles.
func checkRange(m *Manifest, kdir, kver string) error {
	r, err := tree.ParseRange(m.Kernels)
	if err != nil {
		return fmt.Errorf("%s: %w", ManifestName, err)
	}
	up := detect.HeadersVersion(kdir)
	if up == "" {
		return fmt.Errorf("the headers at %s do not say which Linux version they are (no include/generated/uapi/linux/version.h): reinstall the headers package of %s", kdir, kver)
	}
	v, err := version.NewVersion(up)
	if err != nil {
		return fmt.Errorf("the headers at %s: version %q: %w", kdir, up, err)
	}
	if !r.Contains(v) {
		return &OutOfRangeError{KVer: kver, Version: up, Tree: m.Tree, Range: m.Kernels}
	}
	return nil
}

// OutOfRangeError is a kernel the package does not serve.
type OutOfRangeError struct{ KVer, Version, Tree, Range string }

func (e *OutOfRangeError) Error() string {
	return fmt.Sprintf("kernel %s (Linux %s) is outside the range %s of tree %s that this DKMS package serves: nothing was built for it; install an nfsbundle package made for that kernel",
		e.KVer, e.Version, e.Range, e.Tree)
}

// IsOutOfRange says whether err is an OutOfRangeError.
func IsOutOfRange(err error) bool {
	var e *OutOfRangeError
	return errors.As(err, &e)
}

// copyLog appends the kbuild log to w, when both exist.
func copyLog(log string, w io.Writer) {
	if w == nil {
		return
	}
	f, err := os.Open(log)
	if err != nil {
		return
	}
	defer f.Close()
	io.Copy(w, f)
}
