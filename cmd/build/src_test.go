// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/importer"
	"github.com/nfsbundle/nfsbundle/tree"
)

func TestPinTree(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "main"), 0o755)
	os.WriteFile(filepath.Join(root, "main", "tree.json"), []byte(`{"name":"main","upstream_series":"6.1","kernels":">= 6.1"}`), 0o644)
	trees, err := tree.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	sum := strings.Repeat("ab", 32)
	var out strings.Builder
	up := &importer.Upstream{Tarball: "/usr/src/linux-source-6.1.tar.xz", UpstreamVersion: "6.1.192", SubsetSHA256: sum}
	if err := pinTree(&out, trees[0], up); err != nil {
		t.Fatal(err)
	}
	if want := "tree main pinned to Linux 6.1.192, subset sha256 " + sum + ", from /usr/src/linux-source-6.1.tar.xz (unpinned)\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	again, err := tree.Load(root)
	if err != nil || again[0].Upstream == nil || *again[0].Upstream != (tree.Pin{Version: "6.1.192", SubsetSHA256: sum}) {
		t.Fatalf("tree.json not pinned: %+v %v", again[0].Upstream, err)
	}
	if err := pinTree(&out, again[0], &importer.Upstream{UpstreamVersion: "6.2.1", SubsetSHA256: sum}); err == nil {
		t.Error("a pin of another series must be refused")
	}
}
