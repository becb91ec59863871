// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package headers

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

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
	kver, err := Latest(ctx, "trixie", "6.12")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(kver, "6.12.") || !strings.HasSuffix(kver, "+deb13-amd64") && !strings.Contains(kver, "+deb13.") {
		t.Errorf("Latest trixie 6.12 = %q", kver)
	}
	kdir, err := Fetch(ctx, "bullseye", "5.10.0-32-amd64")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Module.symvers", ".config", "include/generated/uapi/linux/version.h", "scripts/basic/fixdep"} {
		if _, err := os.Stat(filepath.Join(kdir, f)); err != nil {
			t.Errorf("fetched KDIR lacks %s: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(kdir, "Makefile"))
	if !strings.Contains(string(b), Dir("5.10.0-32-amd64")) {
		t.Errorf("KDIR Makefile not pointed at the extracted tree: %s", b)
	}
}
