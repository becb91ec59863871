// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/buildroot"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/deb"
)

// TestIntegrationDebInRelease installs and removes the binary deb of the
// build served through compat ($NFSBUNDLE_STAGE_COMPAT, trixie's 6.12) the
// way its users would: with that release's own dpkg, depmod, modinfo and
// lintian, inside a throwaway copy of its build root. The root's upper
// overlay layer is the record of what the package left behind.
func TestIntegrationDebInRelease(t *testing.T) {
	integration(t)
	m := os.Getenv("NFSBUNDLE_STAGE_COMPAT")
	if m == "" {
		t.Skip("no build for another Debian release in this run (NFSBUNDLE_STAGE_COMPAT unset; ./build.sh test sets it)")
	}
	st, err := finish.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := detect.Load(detect.TargetPath(filepath.Dir(m)))
	if err != nil {
		t.Fatal(err)
	}
	kver := st.KVer
	suite, err := buildroot.Choose("auto", kver)
	if err != nil || suite == "" {
		t.Fatalf("%s is not a kernel of another Debian release (suite %q, %v)", kver, suite, err)
	}
	ctx := context.Background()
	root, err := buildroot.EnsurePackages(ctx, paths.Cache(), suite, "lintian", "kmod")
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
		var out bytes.Buffer
		cmd := r.Command(ctx, "/", nil, name, args...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("in the %s root: %s %s: %v\n%s", suite, name, strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}

	debFile := buildFormat(t, st, tg, "deb", work, func(in *pkg.Input) { in.CtlBinary = staticBinary(t) })
	if ctrl := in("dpkg-deb", "-f", debFile, "Depends"); !strings.Contains(ctrl, "linux-image-"+kver) {
		t.Errorf("Depends: %s, want linux-image-%s (a %s distribution kernel)", strings.TrimSpace(ctrl), kver, suite)
	}
	lintian(t, suite, in("sh", "-c", `lintian --no-cfg --allow-root "$1" 2>&1 || :`, "sh", debFile))

	// The staged modules as stand-ins for the kernel's own, under kernel/.
	inbox := filepath.Join(work, "inbox")
	for _, mod := range st.Modules {
		b, err := os.ReadFile(st.ModulePath(mod))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(inbox, mod.RelPath)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kernelDir := "/lib/modules/" + kver + "/kernel"
	in("sh", "-c", `mkdir -p "$2" && cp -a "$1/." "$2/" && depmod -a "$3"`, "sh", inbox, kernelDir, kver)
	resolves := func() string {
		return strings.TrimSpace(in("modinfo", "-k", kver, "-F", "filename", "sunrpc"))
	}

	// The deb depends on the kernel image, which a build root does not have.
	in("dpkg", "--force-depends", "-i", debFile)
	modDir := "/" + deb.Packager{}.ModuleDir(target(tg), kver)
	// modinfo names the kernel's module directory as /lib/modules, through
	// the alias on a merged-/usr release.
	sunrpc := ""
	for _, mod := range st.Modules {
		if mod.Name == "sunrpc" {
			sunrpc = mod.RelPath
		}
	}
	if fn, want := resolves(), "/"+strings.TrimPrefix(modDir, "/usr/")+"/"+sunrpc; fn != want {
		t.Errorf("installed: modinfo resolves sunrpc to %s, want %s", fn, want)
	}
	if s := in("dpkg", "-S", modDir+"/"+sunrpc); !strings.HasPrefix(s, deb.PackageName(kver)+":") {
		t.Errorf("dpkg -S: %s", s)
	}
	if l := strings.TrimSpace(in("readlink", "/usr/sbin/nfsbundle-ctl")); l != "/etc/alternatives/nfsbundle-ctl" {
		t.Errorf("nfsbundle-ctl alternative: %q", l)
	}
	in("dpkg", "--purge", deb.PackageName(kver))
	if fn, want := resolves(), kernelDir+"/"+sunrpc; fn != want {
		t.Errorf("after removal modinfo resolves sunrpc to %s, want the inbox %s", fn, want)
	}
	if s := in("sh", "-c", `dpkg-query -W -f '${Status}' "$1" 2>/dev/null || :`, "sh", deb.PackageName(kver)); s != "" && !strings.Contains(s, "not-installed") {
		t.Errorf("after purge dpkg still knows the package: %q", s)
	}
	// What the overlay holds now is everything the test and the package
	// changed: the stand-ins, depmod's indexes and dpkg's own records only.
	// Trixie is merged-/usr: /lib/modules is /usr/lib/modules.
	mods := "/usr/lib/modules/" + kver
	leftovers(t, r.UpperDir(), "/var/lib/dpkg", "/var/log", "/var/cache", "/tmp", "/root", mods+"/kernel",
		mods+"/modules.alias", mods+"/modules.alias.bin", mods+"/modules.builtin.alias.bin", mods+"/modules.builtin.bin",
		mods+"/modules.dep", mods+"/modules.dep.bin", mods+"/modules.devname", mods+"/modules.softdep",
		mods+"/modules.symbols", mods+"/modules.symbols.bin", mods+"/modules.weakdep", work)
}

// lintian checks lintian's output: no errors, and warnings only from
// testdata/lint-allowlist.txt.
func lintian(t *testing.T, where, out string) {
	t.Helper()
	allow := allowlist(t, "lintian")
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || (f[0] != "E:" && f[0] != "W:") {
			continue
		}
		if f[0] == "E:" {
			t.Errorf("lintian (%s) error: %s", where, line)
		} else if !allow[f[2]] {
			t.Errorf("lintian (%s) warning not in testdata/lint-allowlist.txt: %s", where, line)
		}
	}
}
