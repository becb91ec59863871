// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package rpm

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/internal/pkgtest"
)

var _ pkg.CompanionWriter = Packager{}

func TestLintrcListsOnlyThisPackagesFindings(t *testing.T) {
	in := pkgtest.Input(t, Packager{})
	in.CtlBinary = pkgtest.Testdata("gen.sh")
	p, err := pkg.Describe(in)
	if err != nil {
		t.Fatal(err)
	}
	rc := string(Lintrc(p))
	for _, want := range []string{
		`addFilter(r"^nfsbundle\.x86_64: E: statically-linked-binary /usr/sbin/nfsbundle-ctl$")`,
		`addFilter(r"^nfsbundle\.x86_64: E: no-signature$")`,
		"# nfsbundle-ctl is a static Go binary", "# No RPM signing key was given",
	} {
		if !strings.Contains(rc, want) {
			t.Errorf("rpmlintrc lacks %q:\n%s", want, rc)
		}
	}
	// Signed and without nfsbundle-ctl: nothing to accept. A filter that
	// matches nothing is an rpmlint error (unused-rpmlintrc-filter).
	in = pkgtest.Input(t, Packager{})
	in.RPM.SignKey = "testdata/rpm-signing-key.asc"
	if p, err = pkg.Describe(in); err != nil {
		t.Fatal(err)
	}
	if rc := string(Lintrc(p)); strings.Contains(rc, "addFilter") {
		t.Errorf("signed package without nfsbundle-ctl gets filters:\n%s", rc)
	}
}

// needTools skips when a tool is missing, except in CI
// (NFSBUNDLE_INTEGRATION=1, where .ci/packages.d/pkg.txt installs them).
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("NFSBUNDLE_INTEGRATION") == "1" {
				t.Fatalf("%s is not installed (see .ci/packages.d/pkg.txt)", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
}

func runTool(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	c := exec.Command(name, args...)
	c.Env = append(os.Environ(), env...)
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// ctlStub builds a static Go binary standing in for nfsbundle-ctl.
func ctlStub(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "nfsbundle-ctl")
	c := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath", "-o", out, "../testdata/ctlstub")
	c.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("building the nfsbundle-ctl stand-in: %v\n%s", err, b)
	}
	return out
}

// rpmlintErrors runs rpmlint (with the rpmlintrc when given) and returns
// its error lines. rpmlint reads ~/.rpmdb for known signing keys: home is
// a private one.
func rpmlintErrors(t *testing.T, home, rpmFile, rc string) []string {
	t.Helper()
	args := []string{rpmFile}
	if rc != "" {
		args = []string{"-r", rc, rpmFile}
	}
	c := exec.Command("rpmlint", args...)
	c.Env = append(os.Environ(), "HOME="+home)
	out, _ := c.CombinedOutput() // non-zero whenever it reports anything
	if !strings.Contains(string(out), "packages and 0 specfiles checked") {
		t.Fatalf("rpmlint did not check the package:\n%s", out)
	}
	var errs []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, ": E: ") {
			errs = append(errs, line)
		}
	}
	return errs
}

// TestRpmlintWithLintrc runs the real rpmlint over real RPMs made from the
// fixture modules, unsigned and signed, with nfsbundle-ctl: with the
// rpmlintrc written beside each there is no error left, and without it
// the accepted errors are there (so the filters are what removes them).
func TestRpmlintWithLintrc(t *testing.T) {
	needTools(t, "rpm", "rpmlint")
	ctl := ctlStub(t)
	home := t.TempDir()
	runTool(t, []string{"HOME=" + home}, "rpm", "--import", "testdata/rpm-signing-key.pub.asc")
	for _, signed := range []bool{false, true} {
		in := pkgtest.Input(t, Packager{})
		in.CtlBinary = ctl
		if signed {
			in.RPM.SignKey = "testdata/rpm-signing-key.asc"
		}
		r, err := pkg.Build(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		rc := filepath.Join(in.Dist, LintrcName(filepath.Base(r.Path)))
		if len(r.Companions) != 1 || r.Companions[0] != rc {
			t.Fatalf("signed=%v: companions %v, want %s", signed, r.Companions, rc)
		}
		if errs := rpmlintErrors(t, home, r.Path, rc); len(errs) != 0 {
			t.Errorf("signed=%v: rpmlint -r %s reports errors:\n%s", signed, filepath.Base(rc), strings.Join(errs, "\n"))
		}
		want := 2 // statically-linked-binary, no-signature
		if signed {
			want = 1
		}
		// rpmlint loads the one *.rpmlintrc beside a package by itself: the
		// control run checks a copy in a directory of its own.
		alone := filepath.Join(t.TempDir(), filepath.Base(r.Path))
		b, err := os.ReadFile(r.Path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(alone, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if errs := rpmlintErrors(t, home, alone, ""); len(errs) != want {
			t.Errorf("signed=%v: without the rpmlintrc rpmlint reports %d errors, want the %d accepted ones:\n%s", signed, len(errs), want, strings.Join(errs, "\n"))
		}
	}
}
