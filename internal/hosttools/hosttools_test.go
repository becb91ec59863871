// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package hosttools

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fixturePath is a PATH directory holding an executable for each name.
func fixturePath(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// hostPlan is a host build for Debian's 6.1 kernel with xz-compressed modules.
var hostPlan = Plan{HostBuild: true, Compiler: "gcc-12", Compress: "xz", Staging: true}

func names(tools []Tool) []string {
	var out []string
	for _, t := range tools {
		out = append(out, t.Name)
	}
	return out
}

func TestPlanTools(t *testing.T) {
	for _, c := range []struct {
		plan Plan
		want []string
	}{
		{hostPlan, []string{"make", "gcc-12", "tar", "xz", "patch", "strip", "depmod", "xz"}},
		{Plan{HostBuild: true, Staging: true, FetchDebian: true}, []string{"apt-get", "dpkg-deb", "make", "tar", "xz", "patch", "strip", "depmod"}},
		// In a build root, make and the compiler are the root's.
		{Plan{Staging: true, Compress: "zstd"}, []string{"tar", "xz", "patch", "strip", "depmod", "zstd"}},
		{Plan{NewRoot: true}, []string{"debootstrap", "unshare"}},
	} {
		if got := names(c.plan.Tools()); !slices.Equal(got, c.want) {
			t.Errorf("%+v: tools %v, want %v", c.plan, got, c.want)
		}
	}
	for _, tool := range hostPlan.Tools() {
		if DebianPackage(tool.Name) == "" {
			t.Errorf("no Debian package for %s", tool.Name)
		}
	}
	if DebianPackage("depmod") != "kmod" || DebianPackage("gcc-14") != "gcc-14" || DebianPackage("clang") != "" || DebianPackage("gcc-12;x") != "" {
		t.Error("DebianPackage")
	}
}

// TestNoDepmodFailsFast is the fresh-machine case: everything but depmod
// is on PATH, installing is off (--no-install): the preflight fails at
// once, naming the package to install.
func TestNoDepmodFailsFast(t *testing.T) {
	t.Setenv("PATH", fixturePath(t, "make", "gcc-12", "tar", "patch", "strip", "xz"))
	start := time.Now()
	_, err := Ensure(context.Background(), hostPlan.Tools(), Options{Look: exec.LookPath, NoInstall: "--no-install"})
	var me *MissingError
	if !errors.As(err, &me) {
		t.Fatalf("got %v, want a MissingError", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s", d)
	}
	msg := err.Error()
	if !slices.Equal(names(me.Tools), []string{"depmod"}) || !strings.Contains(msg, "apt-get install kmod") ||
		!strings.Contains(msg, "--no-install") || strings.Count(msg, "\n") > 1 {
		t.Errorf("message:\n%s", msg)
	}
	// Nothing missing: no error, nothing installed.
	t.Setenv("PATH", fixturePath(t, "make", "gcc-12", "tar", "patch", "strip", "xz", "depmod"))
	if pkgs, err := Ensure(context.Background(), hostPlan.Tools(), Options{Look: exec.LookPath, NoInstall: "x"}); err != nil || pkgs != nil {
		t.Errorf("complete PATH: %v %v", pkgs, err)
	}
}

// fakeApt writes an apt-get that records its arguments and, on install,
// puts each tool of installs on PATH. With needUpdate, install fails until
// update ran, as on an image without package lists.
func fakeApt(t *testing.T, bin string, needUpdate bool, installs ...string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	script := "#!/bin/sh\nPATH=/usr/bin:/bin\necho \"$@\" >> " + calls + "\necho 'W: apt chatter'\n"
	if needUpdate {
		script += "[ \"$1\" = update ] && { touch " + dir + "/updated; exit 0; }\n[ -e " + dir + "/updated ] || exit 100\n"
	}
	for _, n := range installs {
		script += "printf '#!/bin/sh\\n' > " + filepath.Join(bin, n) + "; chmod +x " + filepath.Join(bin, n) + "\n"
	}
	apt := filepath.Join(dir, "apt-get")
	if err := os.WriteFile(apt, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return apt, calls
}

func TestEnsureInstalls(t *testing.T) {
	for _, needUpdate := range []bool{false, true} {
		bin := fixturePath(t, "make", "gcc-12", "tar", "patch", "strip")
		t.Setenv("PATH", bin)
		apt, calls := fakeApt(t, bin, needUpdate, "depmod", "xz")
		log := filepath.Join(t.TempDir(), "apt.log")
		o := Options{Look: exec.LookPath, Log: log, Command: func(ctx context.Context, name string, args ...string) *exec.Cmd {
			return exec.CommandContext(ctx, apt, args...)
		}}
		pkgs, err := Ensure(context.Background(), hostPlan.Tools(), o)
		if err != nil || !slices.Equal(pkgs, []string{"kmod", "xz-utils"}) {
			t.Fatalf("needUpdate=%v: %v %v", needUpdate, pkgs, err)
		}
		got, _ := os.ReadFile(calls)
		want := "install -y -q --no-install-recommends kmod xz-utils\n"
		if needUpdate {
			want += "update -q\ninstall -y -q --no-install-recommends kmod xz-utils\n"
		}
		if string(got) != want {
			t.Errorf("apt-get calls:\n%s\nwant:\n%s", got, want)
		}
		if l, _ := os.ReadFile(log); !strings.Contains(string(l), "W: apt chatter") {
			t.Errorf("apt's output is not in the log: %q", l)
		}
	}
}

func TestEnsureStillMissing(t *testing.T) {
	bin := fixturePath(t, "make", "gcc-12", "tar", "patch", "strip", "xz")
	t.Setenv("PATH", bin)
	apt, _ := fakeApt(t, bin, false) // installs nothing
	o := Options{Look: exec.LookPath, Log: filepath.Join(t.TempDir(), "apt.log"), Command: func(ctx context.Context, _ string, args ...string) *exec.Cmd {
		return exec.CommandContext(ctx, apt, args...)
	}}
	_, err := Ensure(context.Background(), hostPlan.Tools(), o)
	if err == nil || !strings.Contains(err.Error(), "still missing") || !strings.Contains(err.Error(), "depmod") {
		t.Fatalf("got %v", err)
	}
}

func TestUnknownCompiler(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Ensure(context.Background(), []Tool{{Name: "clang-99", For: "kbuild"}}, Options{Look: exec.LookPath})
	if err == nil || !strings.Contains(err.Error(), "install clang-99 or put it on PATH") {
		t.Fatalf("got %v", err)
	}
}
