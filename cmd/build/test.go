// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/conformance"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/internal/run"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/vmtest"
)

func init() {
	var noInstall, full bool
	var pkgs string
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the whole test suite: real builds, unit and integration tests",
		Long: `Installs what the tests need (as root: apt-get update once, then the
packages listed in .ci/packages.d/*.txt), builds the stack for the default
target with and without rpcrdma, then runs go vet and every Go test with
NFSBUNDLE_INTEGRATION=1 so the real-tool tests run instead of skipping.
The conformance test needs pynfs: NFSBUNDLE_PYNFS names a tree or .tar.gz.
--full adds what CI's time budget leaves out (NFSBUNDLE_FULL=1): the
whole first build in a minimal root, the 6.12 conformance diff against
trixie's inbox stack.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTests(cmd.Context(), !noInstall, full, pkgs)
		},
	}
	cmd.Flags().BoolVar(&noInstall, "no-install", false, "do not apt-get install the test dependencies")
	cmd.Flags().BoolVar(&full, "full", false, "also run the long tests CI leaves out")
	cmd.Flags().StringVar(&pkgs, "pkg", "./...", "Go packages to test")
	rootCmd.AddCommand(cmd)
}

func runTests(ctx context.Context, install, full bool, pkgs string) error {
	top, err := paths.Top()
	if err != nil {
		return err
	}
	// The conformance test needs pynfs from outside the repository: find
	// it, or say so now rather than after the builds.
	pynfs, err := testPynfs(top)
	if err != nil {
		return err
	}
	if install {
		if err := installTestDeps(ctx, top); err != nil {
			return err
		}
	}
	// The real build of the full stack is the foundation's integration
	// test; its manifests feed the package, signing and VM tests.
	env := []string{"NFSBUNDLE_INTEGRATION=1", conformance.PynfsEnv + "=" + pynfs}
	timeout := "50m"
	if full {
		env, timeout = append(env, "NFSBUNDLE_FULL=1"), "120m"
	}
	if environ.sourceDateEpoch == "" {
		// The tests' packages get the commit's time, as the builds' do.
		if epoch := pkg.DefaultSourceDateEpoch(ctx, top, ""); epoch != 0 {
			env = append(env, fmt.Sprintf("SOURCE_DATE_EPOCH=%d", epoch))
		}
	}
	noRDMA, err := runBin(ctx, binFlags{withoutRDMA: true, jobs: defaultJobs()})
	if err != nil {
		return fmt.Errorf("build without rpcrdma: %w", err)
	}
	saved := filepath.Join(filepath.Dir(finish.ManifestPath(paths.BuildDir(top, noRDMA.KVer))), "finish-without-rpcrdma.json")
	if err := fileutil.CopyFile(finish.ManifestPath(paths.BuildDir(top, noRDMA.KVer)), saved, 0o644); err != nil {
		return err
	}
	res, err := runBin(ctx, binFlags{jobs: defaultJobs()})
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	env = append(env, "NFSBUNDLE_STAGE="+finish.ManifestPath(paths.BuildDir(top, res.KVer)),
		"NFSBUNDLE_STAGE_NO_RDMA="+saved, paths.TopEnv+"="+top)
	// An older kernel from another Debian release: the legacy tree, built
	// in that release's build root.
	legacy, err := runBin(ctx, binFlags{target: targetFlags{kernel: legacyTestKernel}, buildroot: "auto", jobs: defaultJobs()})
	if err != nil {
		return fmt.Errorf("legacy build for %s: %w", legacyTestKernel, err)
	}
	env = append(env, "NFSBUNDLE_STAGE_LEGACY="+finish.ManifestPath(paths.BuildDir(top, legacy.KVer)))
	// The main tree on the current Debian release's kernel (trixie, 6.12),
	// through the compat layer, in trixie's build root.
	k612, err := debian.Private(rootFlags.cacheDir, "trixie").Latest(ctx, "6.12")
	if err != nil {
		return fmt.Errorf("finding trixie's current 6.12 kernel: %w", err)
	}
	compat612, err := runBin(ctx, binFlags{target: targetFlags{kernel: k612}, buildroot: "auto", jobs: defaultJobs()})
	if err != nil {
		return fmt.Errorf("build for %s: %w", k612, err)
	}
	env = append(env, vmtest.StageCompatEnv+"="+finish.ManifestPath(paths.BuildDir(top, compat612.KVer)))
	if err := goTool(ctx, top, env, "vet", "./..."); err != nil {
		return fmt.Errorf("go vet: %w", err)
	}
	start := time.Now()
	// -p 1: integration tests share the staged build, dpkg and the CPU.
	if err := goTool(ctx, top, env, "test", "-count=1", "-p", "1", "-timeout", timeout, pkgs); err != nil {
		return &cli.ExitError{Code: 1, Err: fmt.Errorf("tests failed (%s)", cli.Seconds(time.Since(start)))}
	}
	logrus.Infof("test: all tests passed (%s)", cli.Seconds(time.Since(start)))
	return nil
}

// testPynfs is $NFSBUNDLE_PYNFS, else the shared third-party copy next to
// the checkout (../shared/thirdparty/pynfs-*.tar.gz).
func testPynfs(top string) (string, error) {
	p := environ.pynfs
	if p == "" {
		m, _ := filepath.Glob(filepath.Join(filepath.Dir(top), "shared", "thirdparty", "pynfs-*.tar.gz"))
		if len(m) == 0 {
			return "", fmt.Errorf("the conformance test needs pynfs: set %s to a pynfs tree or .tar.gz (README, Conformance)", conformance.PynfsEnv)
		}
		p = m[len(m)-1]
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s: %w", conformance.PynfsEnv, err)
	}
	return p, nil
}

// legacyTestKernel is the bullseye kernel the legacy tree is proven on.
const legacyTestKernel = "5.10.0-32-amd64"

func defaultJobs() int { return numCPU() }

func goTool(ctx context.Context, top string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = top
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// installTestDeps installs every package named in .ci/packages.d/*.txt
// when running as root on a Debian-like host.
func installTestDeps(ctx context.Context, top string) error {
	pkgs, err := testPackages(filepath.Join(top, ".ci/packages.d"))
	if err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		logrus.Warnf("test: not root, not installing %d test packages (they must already be installed)", len(pkgs))
		return nil
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		logrus.Warn("test: no apt-get, not installing test packages")
		return nil
	}
	start := time.Now()
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	steps := [][]string{
		{"apt-get", "-o", "DPkg::Lock::Timeout=600", "update", "-q"},
		append([]string{"apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "--no-install-recommends"}, pkgs...),
	}
	for _, s := range steps {
		cmd := exec.CommandContext(ctx, s[0], s[1:]...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", strings.Join(s[:4], " "), err, run.Tail(string(out), 15))
		}
	}
	logrus.Infof("test: %d packages installed (%s)", len(pkgs), cli.Seconds(time.Since(start)))
	return nil
}

func testPackages(dir string) ([]string, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			l := strings.TrimSpace(sc.Text())
			if l == "" || strings.HasPrefix(l, "#") || seen[l] {
				continue
			}
			seen[l] = true
			out = append(out, l)
		}
		fh.Close()
	}
	sort.Strings(out)
	return out, nil
}
