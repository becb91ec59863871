// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package debian

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/internal/paths"
)

func TestSuiteFor(t *testing.T) {
	for kver, want := range map[string]string{
		"5.10.0-32-amd64":         "bullseye",
		"5.10.0-32-cloud-amd64":   "bullseye",
		"6.1.0-56-amd64":          "bookworm",
		"6.1.0-0.deb11.52-amd64":  "bullseye",
		"6.12.107+deb13-amd64":    "trixie",
		"6.12.115+deb13.1-amd64":  "trixie",
		"6.12.38+deb12-amd64":     "bookworm",
		"4.19.0-27-amd64":         "buster",
		"5.14.0-427.el9.x86_64":   "",
		"6.18.1-firecracker-host": "",
	} {
		if got := SuiteFor(kver); got != want {
			t.Errorf("SuiteFor(%q) = %q, want %q", kver, got, want)
		}
	}
}

func TestSeries(t *testing.T) {
	for suite, want := range map[string]string{"bullseye": "5.10", "bookworm": "6.1", "trixie": "6.12", "buster": "", "sid": ""} {
		if got := SeriesOf(suite); got != want {
			t.Errorf("SeriesOf(%q) = %q, want %q", suite, got, want)
		}
		if want != "" && SuiteOfSeries(want) != suite {
			t.Errorf("SuiteOfSeries(%q) = %q, want %q", want, SuiteOfSeries(want), suite)
		}
	}
	if a := ForSeries("/c", "4.19"); a != nil {
		t.Errorf("an archived release's series got an apt configuration: %+v", a)
	}
	// The host's own release too: its lists may be stale, the private
	// ones are refreshed.
	for series, suite := range map[string]string{"6.12": "trixie", "6.1": "bookworm"} {
		if a := ForSeries("/c", series); a == nil || a.Dir != "/c/apt/"+suite {
			t.Errorf("ForSeries(%s) = %+v, want the private lists of %s", series, a, suite)
		}
	}
	if a := ForKernel("/c", "6.1.0-57-amd64"); a.Dir != "/c/apt/bookworm" {
		t.Errorf("ForKernel(6.1.0-57-amd64) = %+v, want the private lists of bookworm", a)
	}
}

func TestNaturalLess(t *testing.T) {
	in := []string{"6.12.107+deb13-amd64", "6.12.94+deb13-amd64", "6.12.115+deb13.1-amd64", "6.12.115+deb13-amd64", "6.12.9+deb13-amd64"}
	sort.Slice(in, func(i, j int) bool { return naturalLess(in[i], in[j]) })
	want := "6.12.9+deb13-amd64 6.12.94+deb13-amd64 6.12.107+deb13-amd64 6.12.115+deb13-amd64 6.12.115+deb13.1-amd64"
	if got := strings.Join(in, " "); got != want {
		t.Errorf("sorted:\n got %s\nwant %s", got, want)
	}
}

func TestFetchIntegration(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("set NFSBUNDLE_INTEGRATION=1 (needs the Debian archive)")
	}
	ctx := context.Background()
	cache := paths.Cache()
	kver, err := Private(cache, "trixie").Latest(ctx, "6.12")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(kver, "6.12.") || !strings.HasSuffix(kver, "+deb13-amd64") && !strings.Contains(kver, "+deb13.") {
		t.Errorf("Latest trixie 6.12 = %q", kver)
	}
	kdir, err := FetchHeaders(ctx, cache, "bullseye", "5.10.0-32-amd64")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Module.symvers", ".config", "include/generated/uapi/linux/version.h", "scripts/basic/fixdep"} {
		if _, err := os.Stat(filepath.Join(kdir, f)); err != nil {
			t.Errorf("fetched KDIR lacks %s: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(kdir, "Makefile"))
	if !strings.Contains(string(b), HeadersDir(cache, "5.10.0-32-amd64")) {
		t.Errorf("KDIR Makefile not pointed at the extracted tree: %s", b)
	}
}
