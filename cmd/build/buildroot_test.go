// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/paths"
)

// TestNoHeadersInstalledFetchesThem is the fresh Debian machine without any
// kernel headers: detection must fetch the release's current headers from
// the archive (no root, nothing installed) and carry on with them.
func TestNoHeadersInstalledFetchesThem(t *testing.T) {
	requireHost(t)
	if debian.HostSuite() != "bookworm" {
		t.Skip("fetches the host release's headers: written for a Debian 12 host")
	}
	// The root command resolves the cache before any subcommand runs;
	// this test calls the wiring directly, so it does the same.
	saved := rootFlags.cacheDir
	rootFlags.cacheDir = paths.Cache()
	defer func() { rootFlags.cacheDir = saved }()
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/os-release"), []byte("ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"), 0o644)
	opts := detect.Options{Root: root}
	tg, err := detect.Detect(context.Background(), opts)
	if !errors.Is(err, detect.ErrNoHeadersAtAll) {
		t.Fatalf("an empty root must have no headers, got %v", err)
	}
	tg, err = fetchMissingHeaders(context.Background(), opts, tg, err)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tg.Kernel.Release, "6.1.") || tg.Kernel.Chosen != "--kdir" || tg.Config.SigHash == "" {
		t.Fatalf("fetched target: %+v", tg.Kernel)
	}
	if !strings.HasPrefix(tg.Kernel.HeadersDir, os.Getenv("NFSBUNDLE_CACHE")) && os.Getenv("NFSBUNDLE_CACHE") != "" {
		t.Errorf("headers %s are not in the cache", tg.Kernel.HeadersDir)
	}
	// A kernel no Debian release ships fails at once, without any download.
	_, err = fetchMissingHeaders(context.Background(), detect.Options{Root: root, Release: "9.9.9-nope"},
		detect.Target{Distro: detect.Distro{ID: "debian"}}, &detect.NoHeadersError{Release: "9.9.9-nope"})
	if err == nil || !strings.Contains(err.Error(), "9.9.9-nope") {
		t.Fatalf("got %v", err)
	}
}
