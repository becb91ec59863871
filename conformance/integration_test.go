// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"context"
	"os"
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
	ours := res.stack(StackOurs)
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
