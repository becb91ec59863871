// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package compat

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/buildroot"
	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/paths"
)

// series is one Debian kernel series the probes are checked on.
type series struct {
	name  string // 5.10, 6.1, 6.12
	suite string // build root suite; "" = the host
	kver  string
	value func(want) bool
}

func testSeries(t *testing.T) []series {
	t.Helper()
	k612 := os.Getenv("NFSBUNDLE_TEST_KVER_612")
	if k612 == "" {
		var err error
		if k612, err = debian.Private(paths.Cache(), "trixie").Latest(context.Background(), "6.12"); err != nil {
			t.Fatalf("picking the current 6.12 kernel from trixie: %v", err)
		}
	}
	k61 := os.Getenv("NFSBUNDLE_TEST_KVER_61")
	if k61 == "" {
		m, _ := filepath.Glob("/usr/src/linux-headers-6.1.*-amd64")
		sort.Strings(m)
		for _, d := range m {
			if !strings.Contains(d, "cloud") && !strings.Contains(d, "-rt-") {
				k61 = strings.TrimPrefix(filepath.Base(d), "linux-headers-")
			}
		}
		if k61 == "" {
			t.Fatal("no linux-headers-6.1.*-amd64 installed on the host (apt-get install linux-headers-6.1.0-56-amd64)")
		}
	}
	return []series{
		{"5.10", "bullseye", "5.10.0-32-amd64", func(w want) bool { return w.v510 }},
		{"6.1", "", k61, func(w want) bool { return w.v61 }},
		{"6.12", "trixie", k612, func(w want) bool { return w.v612 }},
	}
}

// TestProbesIntegration runs every probe on 5.10 (bullseye build root),
// 6.1 (host) and 6.12 (trixie build root): batched and isolated (one Kbuild
// compile per probe) must agree on every probe, every probe must have its
// expected value, and a second run must come from the cache.
func TestProbesIntegration(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("set NFSBUNDLE_INTEGRATION=1 (needs root, build roots for bullseye and trixie, linux-headers-6.1 on the host)")
	}
	ctx := context.Background()
	for _, s := range testSeries(t) {
		t.Run(s.name, func(t *testing.T) {
			out := t.TempDir()
			opts := Options{KVer: s.kver, OutDir: out, Jobs: 2, NoCache: true, CacheDir: paths.Cache()}
			if s.suite == "" {
				opts.KDir = "/usr/src/linux-headers-" + s.kver
			} else {
				r, kdir, err := buildroot.EnsureKernel(ctx, paths.Cache(), s.suite, s.kver)
				if err != nil {
					t.Fatal(err)
				}
				opts.KDir, opts.Exec = kdir, r.With(out)
			}
			batched, err := Run(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			iso := opts
			iso.Isolated = true
			isolated, err := Run(ctx, iso)
			if err != nil {
				t.Fatal(err)
			}
			if len(batched.Probes) != len(isolated.Probes) {
				t.Fatalf("batched %d probes, isolated %d", len(batched.Probes), len(isolated.Probes))
			}
			for i, b := range batched.Probes {
				o := isolated.Probes[i]
				if b.Value != o.Value {
					t.Errorf("%s: batched %v (%s) but isolated %v (%s)", b.Name, b.Value, b.Detail, o.Value, o.Detail)
				}
				if w, ok := expected[b.Name]; ok && s.value(w) != b.Value {
					t.Errorf("%s on %s: got %v, want %v (%s)", b.Name, s.kver, b.Value, s.value(w), b.Detail)
				}
			}
			t.Logf("%s: batched %.2fs (%d redone alone), isolated %.2fs", s.kver, batched.Duration.Seconds(), batched.Fallback, isolated.Duration.Seconds())

			warmOpts := opts
			warmOpts.NoCache = false
			warm, err := Run(ctx, warmOpts)
			if err != nil {
				t.Fatal(err)
			}
			if !warm.CacheHit || warm.CacheKey != batched.CacheKey {
				t.Errorf("second run: cache hit %v, key %s vs %s", warm.CacheHit, warm.CacheKey, batched.CacheKey)
			}
			h, err := os.ReadFile(warm.Header)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range warm.Probes {
				line := "#define " + p.Define + " 1\n"
				if strings.Contains(string(h), line) != p.Value {
					t.Errorf("autoconf.h and the result disagree on %s", p.Define)
				}
			}
		})
	}
}

// TestFallbackIntegration: a unit whose error names no probe is redone one
// probe at a time, and still agrees with the isolated oracle (host 6.1).
func TestFallbackIntegration(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("set NFSBUNDLE_INTEGRATION=1 (needs linux-headers-6.1 on the host)")
	}
	var k61 string
	for _, s := range testSeries(t) {
		if s.name == "6.1" {
			k61 = s.kver
		}
	}
	ctx := context.Background()
	opts := Options{KDir: "/usr/src/linux-headers-" + k61, KVer: k61, OutDir: t.TempDir(), Jobs: 1,
		NoCache: true, ProbeDir: "testdata/fallback-probes", CacheDir: paths.Cache()}
	b, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if b.Fallback == 0 {
		t.Error("the unit with a header error was not redone probe by probe")
	}
	opts.Isolated = true
	i, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"HAVE_A": false, "HAVE_B": true, "HAVE_C": false}
	for k, v := range want {
		if b.Defined(k) != v || i.Defined(k) != v {
			t.Errorf("%s: batched %v isolated %v, want %v", k, b.Defined(k), i.Defined(k), v)
		}
	}
}
