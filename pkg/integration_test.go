// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/deb"
	"github.com/nfsbundle/nfsbundle/pkg/rpm"
)

// Integration tests run the real rpm, dpkg, lintian, rpmlint and depmod over
// packages made from the staged build named by $NFSBUNDLE_STAGE (a
// finish.json, with target.json next to it). They need root.

func integration(t *testing.T) (*finish.Manifest, detect.Target) {
	t.Helper()
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("integration test: set NFSBUNDLE_INTEGRATION=1 and NFSBUNDLE_STAGE=<build/<kver>/finish.json> (./build.sh test does)")
	}
	stage := os.Getenv("NFSBUNDLE_STAGE")
	if stage == "" {
		t.Fatal("NFSBUNDLE_INTEGRATION=1 but NFSBUNDLE_STAGE is not set: run ./build.sh bin and point it at build/<kver>/finish.json")
	}
	st, err := finish.Load(stage)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := detect.Load(detect.TargetPath(filepath.Dir(stage)))
	if err != nil {
		t.Fatalf("target.json next to the manifest: %v", err)
	}
	if os.Geteuid() != 0 {
		t.Fatal("package integration tests install into throwaway roots and need root")
	}
	return st, tg
}

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (see .ci/packages.d/pkg.txt)", tool)
		}
	}
}

func runOK(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// target is what packaging reads of a detected target (as cmd/build fills it).
func target(tg detect.Target) pkg.Target {
	return pkg.Target{DistroID: tg.Distro.ID, DistroFamily: tg.Distro.Family, DistroLike: tg.Distro.Like,
		Arch: tg.Arch, KernelRelease: tg.Kernel.Release, HeadersDir: tg.Kernel.HeadersDir}
}

var packagers = map[string]pkg.Packager{"rpm": rpm.Packager{}, "deb": deb.Packager{}}

func buildFormat(t *testing.T, st *finish.Manifest, tg detect.Target, format, dist string, mod func(*pkg.Input)) string {
	t.Helper()
	return buildResult(t, st, tg, format, dist, mod).Path
}

// buildResult is buildFormat with what Build wrote beside the package.
func buildResult(t *testing.T, st *finish.Manifest, tg detect.Target, format, dist string, mod func(*pkg.Input)) *pkg.Result {
	t.Helper()
	in := pkg.Input{Top: t.TempDir(), Dist: dist, Version: "1.0.0", Packager: packagers[format], Target: target(tg), Stage: *st, SourceDateEpoch: 1700000000}
	if mod != nil {
		mod(&in)
	}
	out, err := pkg.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// allowlist reads testdata/lint-allowlist.txt: "<tool> <tag> # reason".
func allowlist(t *testing.T, tool string) map[string]bool {
	f, err := os.Open("testdata/lint-allowlist.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 || !strings.Contains(line, "#") {
			t.Fatalf("allowlist line %q: want '<tool> <tag> # reason'", line)
		}
		if fields[0] == tool {
			out[fields[1]] = true
		}
	}
	return out
}

func sha(t *testing.T, p string) string {
	sum, err := fileutil.SHA256(p)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestIntegrationReproducible(t *testing.T) {
	st, tg := integration(t)
	for _, format := range []string{"rpm", "deb"} {
		ra := buildResult(t, st, tg, format, t.TempDir(), nil)
		rb := buildResult(t, st, tg, format, t.TempDir(), nil)
		for i, a := range append([]string{ra.Path}, ra.Companions...) {
			b := append([]string{rb.Path}, rb.Companions...)[i]
			if filepath.Base(a) != filepath.Base(b) || sha(t, a) != sha(t, b) {
				t.Errorf("%s: two builds with one SOURCE_DATE_EPOCH differ: %s %s vs %s %s", format, filepath.Base(a), sha(t, a), filepath.Base(b), sha(t, b))
			}
		}
		entries, _ := os.ReadDir(filepath.Dir(ra.Path))
		if len(entries) != 1+len(ra.Companions) {
			t.Errorf("%s: dist holds %d entries, want the package and its %d companions (no temporary files left)", format, len(entries), len(ra.Companions))
		}
	}
}

func TestIntegrationRPM(t *testing.T) {
	st, tg := integration(t)
	need(t, "rpm", "rpmlint", "rpm2cpio", "cpio")
	// rpm and rpmlint read ~/.rpmdb (Debian's %_dbpath): a private HOME
	// holds the test signing key's public half.
	home := t.TempDir()
	t.Setenv("HOME", home)
	runOK(t, "rpm", "--import", "rpm/testdata/rpm-signing-key.pub.asc")
	dist := t.TempDir()
	ctl := staticBinary(t)
	rpmFile := buildFormat(t, st, tg, "rpm", dist, func(in *pkg.Input) { in.RPM.SignKey = "rpm/testdata/rpm-signing-key.asc"; in.CtlBinary = ctl })
	kver := st.KVer
	if want := "nfsbundle-1.0.0-kernel_" + rpm.KernelTag(kver) + "." + rpm.Arch(tg.Arch) + ".rpm"; filepath.Base(rpmFile) != want {
		t.Errorf("file name %s, want %s", filepath.Base(rpmFile), want)
	}
	info := runOK(t, "rpm", "-qpi", rpmFile)
	for _, want := range []string{"Name        : nfsbundle", "Version     : 1.0.0", "Release     : kernel_" + rpm.KernelTag(kver), "Signature   : RSA/SHA256"} {
		if !strings.Contains(info, want) {
			t.Errorf("rpm -qpi lacks %q:\n%s", want, info)
		}
	}
	modDir := "/" + rpm.Packager{}.ModuleDir(target(tg), kver)
	list := runOK(t, "rpm", "-qpl", rpmFile)
	for _, m := range st.Modules {
		if !strings.Contains(list, modDir+"/"+m.RelPath+"\n") {
			t.Errorf("rpm -qpl lacks %s/%s", modDir, m.RelPath)
		}
	}
	if !strings.Contains(list, "/lib/depmod.d/nfsbundle-"+kver+".conf") {
		t.Error("no depmod.d file")
	}
	if !strings.Contains(list, pkg.CtlPath+"\n") {
		t.Error("no " + pkg.CtlPath)
	}
	req := runOK(t, "rpm", "-qp", "--requires", rpmFile)
	if n := strings.Count(req, "kernel("); n < 100 {
		t.Errorf("only %d kernel(...) requirements:\n%s", n, req)
	}
	if !strings.Contains(req, "kernel(kmalloc_caches) = 0x") && !strings.Contains(req, "kernel(__kmalloc) = 0x") {
		t.Errorf("expected kmalloc symbols among the kABI requirements")
	}
	for _, own := range []string{"kernel(rpc_create)", "kernel(nfs_server_copy_userdata)", "kernel(svc_xprt_put)"} {
		if strings.Contains(req, own+" ") {
			t.Errorf("%s is exported by the bundle itself but required", own)
		}
	}
	prov := runOK(t, "rpm", "-qp", "--provides", rpmFile)
	for _, want := range []string{"kmod(sunrpc.ko)", "kmod(nfs.ko)", "nfsbundle-kmod = 1.0.0", "kmod-nfsbundle = 1.0.0"} {
		if !strings.Contains(prov, want) {
			t.Errorf("provides lacks %s:\n%s", want, prov)
		}
	}
	scripts := runOK(t, "rpm", "-qp", "--scripts", rpmFile)
	for _, want := range []string{"postinstall scriptlet", "postuninstall scriptlet", "depmod", "weak-modules", "--add-modules", "--remove-modules", "dracut -f", "reboot"} {
		if !strings.Contains(scripts, want) {
			t.Errorf("scripts lack %q", want)
		}
	}
	if k := runOK(t, "rpm", "-K", rpmFile); !strings.Contains(k, "digests signatures OK") {
		t.Errorf("rpm -K: %s", k)
	}
	// The payload unpacks relative to the current directory (never into /).
	x := t.TempDir()
	c := exec.Command("sh", "-c", `rpm2cpio "$1" | cpio -id --quiet`, "sh", rpmFile)
	c.Dir = x
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("rpm2cpio | cpio: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(x, modDir, "net/sunrpc/sunrpc.ko")); err != nil {
		t.Errorf("payload does not unpack relatively: %v", err)
	}

	// rpmlint with the rpmlintrc written beside the package: no errors
	// (the accepted ones are filtered there, with their reasons), and only
	// allowlisted warnings.
	allow := allowlist(t, "rpmlint")
	rc := filepath.Join(dist, rpm.LintrcName(filepath.Base(rpmFile)))
	out, _ := exec.Command("rpmlint", "-r", rc, rpmFile).CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasPrefix(f[0], "nfsbundle") {
			continue
		}
		switch f[1] {
		case "E:":
			t.Errorf("rpmlint -r %s: error: %s", filepath.Base(rc), line)
		case "W:":
			if !allow[f[2]] {
				t.Errorf("rpmlint warning not in testdata/lint-allowlist.txt: %s", line)
			}
		}
	}

	// Install into a throwaway rpm root and remove again.
	root := t.TempDir()
	runOK(t, "rpm", "--root", root, "--dbpath", "/var/lib/rpm", "--initdb")
	runOK(t, "rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-i", "--nodeps", "--noscripts", rpmFile)
	qa := runOK(t, "rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-qa")
	if !strings.Contains(qa, "nfsbundle-1.0.0-kernel_") {
		t.Errorf("rpm -qa: %s", qa)
	}
	for _, m := range st.Modules {
		if _, err := os.Stat(filepath.Join(root, modDir, m.RelPath)); err != nil {
			t.Errorf("after install: %v", err)
		}
	}
	qf := runOK(t, "rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-qf", modDir+"/net/sunrpc/sunrpc.ko")
	if !strings.HasPrefix(qf, "nfsbundle-") {
		t.Errorf("rpm -qf: %s", qf)
	}
	runOK(t, "rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-e", "--nodeps", "--noscripts", "nfsbundle")
	leftovers(t, root, "/var/lib/rpm")
}

// leftovers fails when root holds any file outside skip, or any directory
// below /lib/modules/<kver>/{extra,updates}.
func leftovers(t *testing.T, root string, skip ...string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, root)
		for _, s := range skip {
			if rel == s || strings.HasPrefix(rel, s+"/") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		if !d.IsDir() || strings.Contains(rel, "/nfsbundle") {
			t.Errorf("left behind after removal: %s", rel)
		}
		return nil
	})
}

func TestIntegrationDeb(t *testing.T) {
	st, tg := integration(t)
	need(t, "dpkg", "dpkg-deb", "lintian", "modinfo", "depmod")
	dist := t.TempDir()
	debFile := buildFormat(t, st, tg, "deb", dist, func(in *pkg.Input) { in.CtlBinary = staticBinary(t) })
	kver := st.KVer
	if want := deb.PackageName(kver) + "_1.0.0-1_" + deb.Arch(tg.Arch) + ".deb"; filepath.Base(debFile) != want {
		t.Errorf("file name %s, want %s", filepath.Base(debFile), want)
	}
	ctrl := runOK(t, "dpkg-deb", "-f", debFile)
	if !strings.Contains(ctrl, "Depends: nfs-common") || (deb.IsDistroKernel(target(tg), kver) && !strings.Contains(ctrl, "linux-image-"+kver)) {
		t.Errorf("control:\n%s", ctrl)
	}

	out, _ := exec.Command("lintian", "--no-cfg", "--allow-root", debFile).CombinedOutput()
	lintian(t, "host", string(out))

	// A throwaway root with an initialised dpkg database, and the staged
	// modules copied to kernel/ as stand-ins for the inbox ones.
	root := t.TempDir()
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates", "etc/alternatives", "var/lib/dpkg/alternatives", "usr/sbin"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), nil, 0o644)
	inbox := filepath.Join(root, "lib/modules", kver, "kernel")
	for _, m := range st.Modules {
		dst := filepath.Join(inbox, m.RelPath)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		b, err := os.ReadFile(st.ModulePath(m))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dst, b, 0o644)
	}
	runOK(t, "depmod", "-b", root, kver)
	dpkg := func(args ...string) string {
		return runOK(t, "dpkg", append([]string{"--root=" + root, "--force-script-chrootless", "--force-depends", "--log=/dev/null"}, args...)...)
	}
	dpkg("-i", debFile)
	modDir := "/" + deb.Packager{}.ModuleDir(target(tg), kver)
	fn := strings.TrimSpace(runOK(t, "modinfo", "-b", root, "-k", kver, "-F", "filename", "sunrpc"))
	if want := filepath.Join(root, modDir, "net/sunrpc/sunrpc.ko"); fn != want {
		t.Errorf("modinfo resolves sunrpc to %s, want %s", fn, want)
	}
	if s := runOK(t, "dpkg", "--root="+root, "-S", modDir+"/net/sunrpc/sunrpc.ko"); !strings.HasPrefix(s, deb.PackageName(kver)+":") {
		t.Errorf("dpkg -S: %s", s)
	}
	if l, err := os.Readlink(filepath.Join(root, "usr/sbin/nfsbundle-ctl")); err != nil || l != "/etc/alternatives/nfsbundle-ctl" {
		t.Errorf("nfsbundle-ctl alternative: %q %v", l, err)
	}
	dpkg("--purge", deb.PackageName(kver))
	fn = strings.TrimSpace(runOK(t, "modinfo", "-b", root, "-k", kver, "-F", "filename", "sunrpc"))
	if want := filepath.Join(inbox, "net/sunrpc/sunrpc.ko"); fn != want {
		t.Errorf("after removal modinfo resolves sunrpc to %s, want the inbox %s", fn, want)
	}
	leftovers(t, root, "/var/lib/dpkg", "/var/log", "/lib/modules/"+kver+"/kernel", "/lib/modules/"+kver+"/modules.alias", "/lib/modules/"+kver+"/modules.alias.bin",
		"/lib/modules/"+kver+"/modules.builtin.alias.bin", "/lib/modules/"+kver+"/modules.builtin.bin", "/lib/modules/"+kver+"/modules.dep",
		"/lib/modules/"+kver+"/modules.dep.bin", "/lib/modules/"+kver+"/modules.devname", "/lib/modules/"+kver+"/modules.softdep",
		"/lib/modules/"+kver+"/modules.symbols", "/lib/modules/"+kver+"/modules.symbols.bin", "/lib/modules/"+kver+"/modules.weakdep")
}

// TestIntegrationDepmodOverride checks that the depmod.d file makes depmod
// pick our copy even when the search order prefers kernel/ (RHEL extra/).
func TestIntegrationDepmodOverride(t *testing.T) {
	st, tg := integration(t)
	need(t, "depmod", "modinfo")
	kver := st.KVer
	root := t.TempDir()
	rhel := tg
	rhel.Distro = detect.Distro{ID: "rocky", Family: "rpm", Like: []string{"rhel"}}
	modDir := rpm.Packager{}.ModuleDir(target(rhel), kver)
	var rels []string
	for _, m := range st.Modules {
		b, err := os.ReadFile(st.ModulePath(m))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"lib/modules/" + kver + "/kernel", modDir} {
			dst := filepath.Join(root, d, m.RelPath)
			os.MkdirAll(filepath.Dir(dst), 0o755)
			os.WriteFile(dst, b, 0o644)
		}
		rels = append(rels, m.RelPath)
	}
	conf := filepath.Join(root, "depmod.d")
	os.MkdirAll(conf, 0o755)
	os.WriteFile(filepath.Join(conf, "00-search.conf"), []byte("search built-in extra\n"), 0o644)
	runOK(t, "depmod", "-b", root, "-C", conf, kver)
	if fn := runOK(t, "modinfo", "-b", root, "-k", kver, "-F", "filename", "sunrpc"); !strings.Contains(fn, "/kernel/") {
		t.Fatalf("control: without our file kernel/ should win, got %s", fn)
	}
	os.WriteFile(filepath.Join(conf, "nfsbundle.conf"), pkg.DepmodConf(kver, modDir, rels), 0o644)
	runOK(t, "depmod", "-b", root, "-C", conf, kver)
	for _, m := range st.Modules {
		fn := strings.TrimSpace(runOK(t, "modinfo", "-b", root, "-k", kver, "-F", "filename", m.Name))
		if !strings.HasSuffix(fn, "/"+modDir+"/"+m.RelPath) {
			t.Errorf("%s resolves to %s, want our %s", m.Name, fn, modDir)
		}
	}
}

// staticBinary builds a static Go binary standing in for nfsbundle-ctl.
func staticBinary(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "nfsbundle-ctl")
	c := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath", "-o", out, "./testdata/ctlstub") // unstripped: Build strips it
	c.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("building the nfsbundle-ctl stand-in: %v\n%s", err, b)
	}
	return out
}

// TestIntegrationLegacy packages the legacy (5.10 based) build when
// ./build.sh test made one ($NFSBUNDLE_STAGE_LEGACY): names and
// descriptions say "legacy".
func TestIntegrationLegacy(t *testing.T) {
	integration(t)
	m := os.Getenv("NFSBUNDLE_STAGE_LEGACY")
	if m == "" {
		t.Skip("no legacy build in this run (NFSBUNDLE_STAGE_LEGACY unset)")
	}
	st, err := finish.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := detect.Load(detect.TargetPath(filepath.Dir(m)))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"rpm", "deb"} {
		out := buildFormat(t, st, tg, format, t.TempDir(), nil)
		if !strings.Contains(filepath.Base(out), "+legacy") {
			t.Errorf("%s: %s does not say legacy", format, filepath.Base(out))
		}
	}
	debFile := buildFormat(t, st, tg, "deb", t.TempDir(), nil)
	if ctrl := runOK(t, "dpkg-deb", "-f", debFile, "Description"); !strings.Contains(ctrl, "legacy") {
		t.Errorf("description: %s", ctrl)
	}
}
