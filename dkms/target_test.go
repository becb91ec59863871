// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package dkms

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// fakeHeaders is a headers tree that says which Linux it is, and no more.
func fakeHeaders(t *testing.T, maj, patch, sub string) string {
	t.Helper()
	kdir := t.TempDir()
	v := filepath.Join(kdir, "include/generated/uapi/linux/version.h")
	os.MkdirAll(filepath.Dir(v), 0o755)
	os.WriteFile(v, []byte("#define LINUX_VERSION_MAJOR "+maj+"\n#define LINUX_VERSION_PATCHLEVEL "+patch+"\n#define LINUX_VERSION_SUBLEVEL "+sub+"\n"), 0o644)
	return kdir
}

func packagedTree(t *testing.T, m Manifest) string {
	t.Helper()
	src := t.TempDir()
	if err := fileutil.WriteJSON(filepath.Join(src, ManifestName), m); err != nil {
		t.Fatal(err)
	}
	return src
}

// TestTargetRefusesKernelOutsideRange: dkms 3.0.10 (Debian 12) ignores
// BUILD_EXCLUSIVE_KERNEL_MIN/MAX, so the build itself stops a kernel
// outside the tree's range, before probing or compiling anything.
func TestTargetRefusesKernelOutsideRange(t *testing.T) {
	src := packagedTree(t, Manifest{Tree: "main", Kernels: ">= 6.1, < 6.2"})
	_, err := BuildOnTarget(context.Background(), TargetOptions{KDir: fakeHeaders(t, "6", "12", "57"), KVer: "6.12.57+deb13-amd64", Src: src})
	if !IsOutOfRange(err) || !strings.Contains(err.Error(), "6.12.57+deb13-amd64 (Linux 6.12.57) is outside the range >= 6.1, < 6.2 of tree main") {
		t.Fatalf("a 6.12 kernel for a 6.1 package: %v", err)
	}
	if _, err := os.Stat(filepath.Join(src, workDir)); err == nil {
		t.Error("probe work started for a kernel outside the range")
	}
	// In range, the build goes on to the headers' .config (none here).
	_, err = BuildOnTarget(context.Background(), TargetOptions{KDir: fakeHeaders(t, "6", "1", "192"), KVer: "6.1.0-57-amd64", Src: src})
	if err == nil || IsOutOfRange(err) || !strings.Contains(err.Error(), ".config") {
		t.Errorf("a 6.1 kernel: %v, want the missing .config", err)
	}
}

func TestTargetNeedsThePackagedTree(t *testing.T) {
	_, err := BuildOnTarget(context.Background(), TargetOptions{KDir: fakeHeaders(t, "6", "1", "192"), KVer: "6.1.0-57-amd64", Src: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), ManifestName) || !strings.Contains(err.Error(), "--src") {
		t.Errorf("no manifest: %v", err)
	}
}
