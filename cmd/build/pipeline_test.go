// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"slices"
	"testing"

	"github.com/nfsbundle/nfsbundle/compat"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/importer"
	"github.com/nfsbundle/nfsbundle/kbuild"
)

// TestPipelineOrder pins the logged stages and their order.
func TestPipelineOrder(t *testing.T) {
	var names []string
	for _, s := range binPipeline {
		if s.name != "" {
			names = append(names, s.name)
		}
	}
	if want := []string{"detect", "select", "compat", "import", "kbuild", "finish", "package"}; !slices.Equal(names, want) {
		t.Errorf("stages %v, want %v", names, want)
	}
}

// TestStageSummaries pins the text of the stages' log lines.
func TestStageSummaries(t *testing.T) {
	var tg detect.Target
	tg.Distro.ID, tg.Distro.VersionID, tg.Kernel.Release, tg.Compiler.Found = "debian", "12", "6.1.0-57-amd64", "gcc-12 (Debian 12.2.0-14) 12.2.0"
	fin := &finish.Result{Manifest: finish.Manifest{StageRoot: "/b/stage", ModDir: "lib/modules/k/updates/nfsbundle",
		Modules: []finish.Module{{Name: "a", Signed: true}, {Name: "b", Signed: true}}}, SignedBy: `subject "CN=x"`}
	unsigned := &finish.Result{Manifest: finish.Manifest{StageRoot: "/b/stage", ModDir: "m", Compress: "xz", Modules: []finish.Module{{Name: "a"}}}}
	for _, c := range []struct{ got, want string }{
		{tg.Summary(""), "debian 12, kernel 6.1.0-57-amd64, compiler gcc-12 (Debian 12.2.0-14) 12.2.0"},
		{tg.Summary("bookworm"), "debian 12, kernel 6.1.0-57-amd64, compiler from build root bookworm"},
		{(&compat.Result{Mode: "cached", Probes: []compat.ProbeResult{{Value: true}, {}, {Value: true}}}).Summary(), "3 probes, 2 defined (cached)"},
		{(&importer.Result{Tarball: "/usr/src/linux-source-6.1.tar.xz", Upstream: &importer.Upstream{UpstreamVersion: "6.1.158",
			SHA256: "0123456789abcdef0123", CacheHit: true}}).Summary(), "Linux 6.1.158 from /usr/src/linux-source-6.1.tar.xz (sha256 0123456789abcdef, cached)"},
		{(&kbuild.Result{Log: "/b/build.log", Modules: make([]kbuild.Module, 15)}).Summary(), "15 modules, log /b/build.log"},
		{fin.Summary(), `2 modules staged in /b/stage/lib/modules/k/updates/nfsbundle (2 signed by subject "CN=x", compression: none)`},
		{unsigned.Summary(), "1 modules staged in /b/stage/m (unsigned, compression: xz)"},
	} {
		if c.got != c.want {
			t.Errorf("summary %q, want %q", c.got, c.want)
		}
	}
}
