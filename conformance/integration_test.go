// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/vmtest"
)

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestConformanceBoth is what CI runs: the CI subset of both pynfs suites
// and fio, on the inbox stack (the reference) and on ours, for the staged
// build (NFSBUNDLE_STAGE). pynfs comes from NFSBUNDLE_PYNFS; its absence is
// a failure, not a skip. The full suites are bench/conformance.sh.
func TestConformanceBoth(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("conformance: set NFSBUNDLE_INTEGRATION=1, NFSBUNDLE_STAGE and NFSBUNDLE_PYNFS (./build.sh test does)")
	}
	if os.Getenv(PynfsEnv) == "" {
		t.Fatalf("NFSBUNDLE_INTEGRATION=1 but %s is not set: point it at a pynfs tree or tarball (.ci/run uses ../shared/thirdparty/pynfs-*.tar.gz)", PynfsEnv)
	}
	fin, err := vmtest.LoadManifest(os.Getenv("NFSBUNDLE_STAGE"))
	if err != nil {
		t.Fatal(err)
	}
	// What the driver passes from its flags and the environment.
	res, err := Run(context.Background(), Options{KVer: fin.KVer, Subset: SubsetCI, Cache: paths.Cache(), Pynfs: os.Getenv(PynfsEnv),
		Guest: os.Getenv(vmtest.GuestEnv), Accel: vmtest.AccelChoice("", os.Getenv(vmtest.AccelEnv))})
	if err != nil {
		t.Fatal(err)
	}
	res.Summary(logWriter{t})
	if !res.Passed {
		t.Errorf("conformance failed (problems %v)", res.Problems)
	}
	if len(res.Stacks) != 2 || len(res.Verdicts) != 1 {
		t.Fatalf("%d stacks, %d verdicts: want inbox and ours, one verdict", len(res.Stacks), len(res.Verdicts))
	}
	for _, sr := range res.Stacks {
		for _, s := range Suites {
			r := sr.Suite(s.Name)
			if r == nil || r.Error != "" || r.Counts[Pass] < 100 {
				t.Errorf("%s %s: %+v: want a completed run with 100+ passes", sr.Stack, s.Name, r)
			}
		}
	}
	fioPassed(t, res.stack(StackOurs))
}

// TestConformanceCompat runs the CI subset on our stack built through the
// compat layer for trixie's 6.12 (vmtest.StageCompatEnv), held to our own
// result on the 6.1 kernel that TestConformanceBoth has just written: no
// test that passed there may fail here, and fio must verify. Under
// ./build.sh test --full (NFSBUNDLE_FULL=1) trixie's inbox stack runs too:
// the diff against it is information (code-base differences do not fail).
func TestConformanceCompat(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skipf("conformance: set NFSBUNDLE_INTEGRATION=1, NFSBUNDLE_STAGE, %s and NFSBUNDLE_PYNFS (./build.sh test does)", vmtest.StageCompatEnv)
	}
	fin61, err := vmtest.LoadManifest(os.Getenv("NFSBUNDLE_STAGE"))
	if err != nil {
		t.Fatal(err)
	}
	fin, err := vmtest.LoadManifest(os.Getenv(vmtest.StageCompatEnv))
	if err != nil {
		t.Fatal(err)
	}
	top, err := paths.Top()
	if err != nil {
		t.Fatal(err)
	}
	baseline := filepath.Join(paths.BuildDir(top, fin61.KVer), "conformance", StackOurs+".json")
	if _, err := os.Stat(baseline); err != nil {
		t.Fatalf("no result of ours on %s to hold %s to (TestConformanceBoth writes it): %v", fin61.KVer, fin.KVer, err)
	}
	stacks := []string{StackOurs}
	if os.Getenv("NFSBUNDLE_FULL") == "1" {
		stacks = []string{StackInbox, StackOurs}
	}
	res, err := Run(context.Background(), Options{KVer: fin.KVer, Stacks: stacks, Subset: SubsetCI,
		Baselines: []string{baseline}, Cache: paths.Cache(), Pynfs: os.Getenv(PynfsEnv),
		Guest: os.Getenv(vmtest.GuestEnv), Accel: vmtest.AccelChoice("", os.Getenv(vmtest.AccelEnv))})
	if err != nil {
		t.Fatal(err)
	}
	res.Summary(logWriter{t})
	if !res.Passed {
		t.Errorf("conformance on %s failed (problems %v)", fin.KVer, res.Problems)
	}
	if len(res.Verdicts) != len(stacks) {
		t.Fatalf("%d verdicts: want %d (against %s, and the inbox stack if it ran)", len(res.Verdicts), len(stacks), baseline)
	}
	fioPassed(t, res.stack(StackOurs))
}

// fioPassed requires every fio check to have run and passed on ours.
func fioPassed(t *testing.T, ours *StackResult) {
	t.Helper()
	for _, c := range FioChecks {
		found := false
		for _, ch := range ours.Checks {
			found = found || (ch.Name == c && ch.Passed)
		}
		if !found {
			t.Errorf("fio check %s did not pass on ours: %+v", c, ours.Checks)
		}
	}
}
