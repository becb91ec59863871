// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package dkms

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/compat"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/importer"
	"github.com/nfsbundle/nfsbundle/tree"
)

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestIntegrationDKMS installs the DKMS package on this machine: real DKMS
// builds the imported tree for the kernel of the staged build, signs and
// installs it; then the package is purged. Root, dkms and that kernel's
// headers are needed.
func TestIntegrationDKMS(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("integration test: set NFSBUNDLE_INTEGRATION=1 and NFSBUNDLE_STAGE=<build/<kver>/finish.json>")
	}
	stage := os.Getenv("NFSBUNDLE_STAGE")
	if stage == "" {
		t.Fatal("NFSBUNDLE_INTEGRATION=1 but NFSBUNDLE_STAGE is not set")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the DKMS test installs a package and needs root")
	}
	for _, tool := range []string{"dkms", "apt-get", "dpkg", "modinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (see .ci/packages.d/pkg.txt)", tool)
		}
	}
	st, err := finish.Load(stage)
	if err != nil {
		t.Fatal(err)
	}
	if st.Src == "" {
		t.Fatalf("%s has no src: the DKMS package needs the imported tree", stage)
	}
	kver := st.KVer
	if _, err := os.Stat(filepath.Join("/lib/modules", kver, "build")); err != nil {
		t.Fatalf("headers of %s are not installed: %v", kver, err)
	}
	mods := ModulesOf(st)
	version := st.Version
	if version == "" {
		version = "1.0.0"
	}
	tr := treeOf(t, st.Tree)
	r, err := Build(context.Background(), Input{Dist: t.TempDir(), Version: version, Arch: "amd64", Tree: st.Src, Modules: mods,
		TreeName: tr.Name, Range: tr.Range, Driver: realDriver(t), SourceDateEpoch: 1700000000})
	if err != nil {
		t.Fatal(err)
	}
	deb := r.Path
	lintDeb(t, deb)
	apt := func(args ...string) string {
		return run(t, "apt-get", append([]string{"-o", "DPkg::Lock::Timeout=600", "-y", "--no-install-recommends"}, args...)...)
	}
	t.Cleanup(func() {
		exec.Command("apt-get", "-o", "DPkg::Lock::Timeout=600", "-y", "purge", PackageName+"-dkms").Run()
	})
	apt("install", deb)
	status := run(t, "dkms", "status", "-m", PackageName, "-v", version)
	if !strings.Contains(status, PackageName+"/"+version+", "+kver) || !strings.Contains(status, "installed") {
		t.Fatalf("dkms status: %q, want nfsbundle/%s installed for %s", status, version, kver)
	}
	probedOnTarget(t, version, kver)
	for _, m := range st.Modules {
		fn := strings.TrimSpace(run(t, "modinfo", "-k", kver, "-F", "filename", m.Name))
		if fn != filepath.Join("/lib/modules", kver, "updates/dkms", m.Name+".ko") {
			t.Errorf("%s resolves to %s, want updates/dkms", m.Name, fn)
		}
	}
	apt("purge", PackageName+"-dkms")
	if s := strings.TrimSpace(run(t, "dkms", "status", "-m", PackageName)); s != "" {
		t.Errorf("after purge dkms status: %s", s)
	}
	for _, m := range st.Modules {
		if _, err := os.Stat(filepath.Join("/lib/modules", kver, "updates/dkms", m.Name+".ko")); err == nil {
			t.Errorf("%s left in updates/dkms", m.Name)
		}
	}
	if _, err := os.Stat("/usr/src/" + PackageName + "-" + version); err == nil {
		t.Error("source tree left in /usr/src")
	}
}

// lintDeb runs lintian: no errors, warnings only from the allowlist shared
// with pkg's tests.
func lintDeb(t *testing.T, deb string) {
	t.Helper()
	out, _ := exec.Command("lintian", "--no-cfg", "--allow-root", deb).CombinedOutput()
	lintLines(t, lintAllow(t), string(out))
}

// lintAllow is the lintian allowlist shared with pkg's tests.
func lintAllow(t *testing.T) map[string]bool {
	t.Helper()
	allow := map[string]bool{}
	b, err := os.ReadFile("../pkg/testdata/lint-allowlist.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "lintian" {
			allow[f[1]] = true
		}
	}
	return allow
}

// lintLines fails on lintian errors and on warnings outside allow.
func lintLines(t *testing.T, allow map[string]bool, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		if f[0] == "E:" || (f[0] == "W:" && !allow[f[2]]) {
			t.Errorf("lintian: %s", line)
		}
	}
}

// probedOnTarget checks that DKMS's build ran the probe stage for kver
// itself: its make.log holds the compat line of the shipped driver with
// every probe, and the package carried no probe results of its own.
func probedOnTarget(t *testing.T, version, kver string) {
	t.Helper()
	probedIn(t, "/", version, kver)
}

// probedIn is probedOnTarget for the system whose / is root on the host.
func probedIn(t *testing.T, root, version, kver string) {
	t.Helper()
	log := filepath.Join(root, "var/lib/dkms", PackageName, version, kver, runtimeArch(t), "log", "make.log")
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatalf("DKMS make.log: %v", err)
	}
	probes, err := compat.LoadProbes("")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("compat:  %d probes, ", len(probes))
	if !strings.Contains(string(b), want) || !strings.Contains(string(b), "kbuild:  ") {
		t.Errorf("%s does not show the probes running on the target (want %q and a kbuild line):\n%s", log, want, run(t, "tail", "-n", "40", log))
	}
	if _, err := os.Stat(filepath.Join(root, "usr/src", PackageName+"-"+version, importer.CompatHeaderPath)); err == nil {
		t.Errorf("the package ships %s: the build host's probe results", importer.CompatHeaderPath)
	}
}

// runtimeArch is the machine name dkms files builds under (uname -m).
func runtimeArch(t *testing.T) string {
	return strings.TrimSpace(run(t, "uname", "-m"))
}

// treeOf is the repository's definition of tree name.
func treeOf(t *testing.T, name string) *tree.Tree {
	t.Helper()
	trees, err := tree.Load("../kernel-src")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trees {
		if tr.Name == name {
			return tr
		}
	}
	t.Fatalf("no tree %q in kernel-src", name)
	return nil
}

// realDriver builds the build driver static, as build.sh does: it is what
// DKMS runs on the target.
func realDriver(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "nfsbundle-build")
	c := exec.Command(filepath.Join(goruntime.GOROOT(), "bin", "go"), "build", "-trimpath", "-o", out, "../cmd/build")
	c.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("building the driver: %v\n%s", err, b)
	}
	return out
}
