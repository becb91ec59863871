// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package finish

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/stack"
)

// loadManifest reads the manifest a real `build.sh bin` wrote; under
// ./build.sh test (NFSBUNDLE_INTEGRATION=1) its absence is a failure.
func loadManifest(t *testing.T, env string) *Manifest {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		if os.Getenv("NFSBUNDLE_INTEGRATION") == "1" {
			t.Fatalf("%s is not set: ./build.sh test sets it after the real build", env)
		}
		t.Skipf("needs a real build (%s): runs under ./build.sh test", env)
	}
	r, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestStagedStack(t *testing.T) {
	r := loadManifest(t, "NFSBUNDLE_STAGE")
	want := stack.Names(false)
	if len(r.Modules) != len(want) || len(want) != 15 {
		t.Fatalf("%d modules staged, want 15", len(r.Modules))
	}
	headers, err := detect.FindHeaders("/", r.KVer, "deb")
	if err != nil {
		t.Fatal(err)
	}
	utsRelease, _ := detect.HeadersRelease(headers)
	names := map[string]bool{}
	for _, m := range r.Modules {
		names[m.Name] = true
		if !strings.HasPrefix(m.Path, filepath.Join(r.StageRoot, r.ModDir)) {
			t.Errorf("%s staged outside the module dir: %s", m.Name, m.Path)
		}
		info := readModinfo(t, m.Path)
		if vm := info.First("vermagic"); !strings.HasPrefix(vm, utsRelease+" ") {
			t.Errorf("%s: vermagic %q, want the target's %q", m.Name, vm, utsRelease)
		}
		if !regexp.MustCompile(`^[0-9A-F]{23}$`).MatchString(info.First("srcversion")) || info.First("srcversion") != m.SrcVersion {
			t.Errorf("%s: srcversion %q (manifest %q)", m.Name, info.First("srcversion"), m.SrcVersion)
		}
		if info.First("version") != r.ModuleVersion() {
			t.Errorf("%s: MODULE_VERSION %q, want %q", m.Name, info.First("version"), r.ModuleVersion())
		}
		if _, err := os.Stat(m.DebugPath); err != nil {
			t.Errorf("%s: no unstripped copy: %v", m.Name, err)
		}
		if st, dt := size(t, m.Path), size(t, m.DebugPath); st >= dt {
			t.Errorf("%s: stripped %d >= unstripped %d bytes", m.Name, st, dt)
		}
	}
	for _, w := range want {
		if !names[w] {
			t.Errorf("module %s missing", w)
		}
	}
}

func TestSunrpcParameters(t *testing.T) {
	r := loadManifest(t, "NFSBUNDLE_STAGE")
	for _, m := range r.Modules {
		if m.Name != "sunrpc" {
			continue
		}
		out, err := exec.Command("modinfo", "-F", "parm", m.Path).Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"nfs_bundle_version:", "nfs_bundle_git_version:", "expose_id_in_mountstats:"} {
			if !strings.Contains(string(out), p) {
				t.Errorf("modinfo -F parm sunrpc.ko lacks %s:\n%s", p, out)
			}
		}
		// The version string is compiled into the module's data.
		data, _ := os.ReadFile(m.Path)
		if !strings.Contains(string(data), r.ModuleVersion()) {
			t.Errorf("sunrpc.ko does not contain the version %q", r.ModuleVersion())
		}
		return
	}
	t.Fatal("no sunrpc in the manifest")
}

func TestDepmodOverStage(t *testing.T) {
	r := loadManifest(t, "NFSBUNDLE_STAGE")
	out, err := exec.Command("modprobe", "-d", r.StageRoot, "-S", r.KVer, "--show-depends", "nfsv4").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, m := range []string{"sunrpc.ko", "nfs.ko", "nfsv4.ko"} {
		if !strings.Contains(string(out), "updates/nfsbundle/") || !strings.Contains(string(out), m) {
			t.Errorf("modprobe --show-depends nfsv4 does not resolve %s in the stage:\n%s", m, out)
		}
	}
}

func TestWithoutRDMA(t *testing.T) {
	r := loadManifest(t, "NFSBUNDLE_STAGE_NO_RDMA")
	if len(r.Modules) != 14 {
		t.Fatalf("%d modules with --without-rpcrdma, want 14", len(r.Modules))
	}
	for _, m := range r.Modules {
		if m.Name == "rpcrdma" {
			t.Fatal("rpcrdma staged with --without-rpcrdma")
		}
	}
}

func readModinfo(t *testing.T, path string) modinfo.Info {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := modinfo.Read(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return info
}

func size(t *testing.T, p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func TestLegacyStage(t *testing.T) {
	r := loadManifest(t, "NFSBUNDLE_STAGE_LEGACY")
	if r.Tree != "legacy" || !r.Legacy || !strings.HasSuffix(r.ModuleVersion(), "-legacy") {
		t.Fatalf("tree %s legacy=%v version %s: the legacy build must be marked", r.Tree, r.Legacy, r.ModuleVersion())
	}
	if len(r.Modules) != 15 {
		t.Fatalf("%d modules, want 15", len(r.Modules))
	}
	for _, m := range r.Modules {
		info := readModinfo(t, m.Path)
		if vm := info.First("vermagic"); !strings.HasPrefix(vm, r.KVer+" ") {
			t.Errorf("%s: vermagic %q, want %s", m.Name, vm, r.KVer)
		}
		if info.First("version") != r.ModuleVersion() || info.First("srcversion") == "" {
			t.Errorf("%s: version %q srcversion %q", m.Name, info.First("version"), info.First("srcversion"))
		}
	}
}
