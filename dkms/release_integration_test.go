// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package dkms

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/buildroot"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/paths"
)

// keepOneKernel removes every kernel but $1 from a throwaway root: DKMS
// builds for each kernel it finds, and one build proves the package.
const keepOneKernel = `for d in /usr/lib/modules/*; do
	k=${d##*/}
	[ "$k" = "$1" ] && continue
	rm -rf "$d" "/usr/src/linux-headers-$k"
done`

// TestIntegrationDKMSInRelease installs the DKMS package with another
// Debian release's own dkms ($NFSBUNDLE_STAGE_COMPAT: trixie's 6.12),
// inside a throwaway copy of that release's build root: DKMS runs the
// shipped driver, which probes that kernel and builds the tree for it;
// then the package is purged. The overlay's upper layer is what it left.
func TestIntegrationDKMSInRelease(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("integration test: set NFSBUNDLE_INTEGRATION=1 and NFSBUNDLE_STAGE_COMPAT=<build/<kver>/finish.json>")
	}
	m := os.Getenv("NFSBUNDLE_STAGE_COMPAT")
	if m == "" {
		t.Skip("no build for another Debian release in this run (NFSBUNDLE_STAGE_COMPAT unset; ./build.sh test sets it)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the DKMS test installs packages into a build root and needs root")
	}
	st, err := finish.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	kver := st.KVer
	if st.Version == "" {
		st.Version = "1.0.0"
	}
	suite, err := buildroot.Choose("auto", kver)
	if err != nil || suite == "" {
		t.Fatalf("%s is not a kernel of another Debian release (suite %q, %v)", kver, suite, err)
	}
	ctx := context.Background()
	root, err := buildroot.EnsurePackages(ctx, paths.Cache(), suite, "dkms", "lintian")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	r, err := buildroot.New(root).With(work).Throwaway(filepath.Join(t.TempDir(), "overlay"))
	if err != nil {
		t.Fatal(err)
	}
	in := func(name string, args ...string) string {
		t.Helper()
		out, err := r.Output(ctx, "/", nil, name, args...)
		if err != nil {
			t.Fatalf("in the %s root: %v\n%s", suite, err, out)
		}
		return string(out)
	}

	tr := treeOf(t, st.Tree)
	res, err := Build(ctx, Input{Dist: work, Version: st.Version, Arch: "amd64", Tree: st.Src, Modules: ModulesOf(st),
		TreeName: tr.Name, Range: tr.Range, Driver: realDriver(t), SourceDateEpoch: 1700000000})
	if err != nil {
		t.Fatal(err)
	}
	lintLines(t, lintAllow(t), in("sh", "-c", `lintian --no-cfg --allow-root "$1" 2>&1 || :`, "sh", res.Path))

	in("sh", "-c", keepOneKernel, "sh", kver)
	// nfs-common is a run-time dependency the build root does not need.
	in("dpkg", "--force-depends", "-i", res.Path)
	status := in("dkms", "status", "-m", PackageName, "-v", st.Version)
	if !strings.Contains(status, PackageName+"/"+st.Version+", "+kver) || !strings.Contains(status, "installed") {
		t.Fatalf("dkms status: %q, want %s/%s installed for %s", status, PackageName, st.Version, kver)
	}
	probedIn(t, r.UpperDir(), st.Version, kver)
	dkmsDir := "/lib/modules/" + kver + "/updates/dkms/"
	for _, mod := range st.Modules {
		if fn := strings.TrimSpace(in("modinfo", "-k", kver, "-F", "filename", mod.Name)); !strings.HasPrefix(fn, dkmsDir+mod.Name+".ko") {
			t.Errorf("%s resolves to %s, want %s%s.ko*", mod.Name, fn, dkmsDir, mod.Name)
		}
	}
	in("dpkg", "--purge", PackageName+"-dkms")
	if s := strings.TrimSpace(in("dkms", "status", "-m", PackageName)); s != "" {
		t.Errorf("after purge dkms status: %s", s)
	}
	// The root has the kernel's own modules (trixie's linux-headers-<kver>
	// depends on linux-image-<kver>):
	// they are what the kernel loads again.
	if fn := strings.TrimSpace(in("modinfo", "-k", kver, "-F", "filename", "sunrpc")); !strings.HasPrefix(fn, "/lib/modules/"+kver+"/kernel/") {
		t.Errorf("after purge sunrpc resolves to %s, want the kernel's own under kernel/", fn)
	}
	if left := strings.TrimSpace(in("sh", "-c", `ls "$1" /usr/src/nfsbundle-"$2" 2>/dev/null || :`, "sh", dkmsDir, st.Version)); left != "" {
		t.Errorf("left after purge: %s", left)
	}
}
