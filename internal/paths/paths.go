// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package paths locates the repository, the per-target build directories and
// the cache root, so every stage agrees on where things live.
package paths

import (
	"fmt"
	"os"
	"path/filepath"
)

const (
	// TopEnv is set by build.sh to the repository root.
	TopEnv = "NFSBUNDLE_TOP"
	// CacheEnv moves the cache root.
	CacheEnv = "NFSBUNDLE_CACHE"
)

// Top returns the repository root: $NFSBUNDLE_TOP, else the nearest parent
// of the working directory that holds VERSION and kernel-src/.
func Top() (string, error) {
	if t := os.Getenv(TopEnv); t != "" {
		return filepath.Abs(t)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isTop(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("cannot find the nfsbundle repository root (no VERSION and kernel-src/ above the current directory); run through ./build.sh or set %s", TopEnv)
		}
		dir = parent
	}
}

func isTop(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "kernel-src"))
	if err != nil || !st.IsDir() {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, "VERSION"))
	return err == nil
}

// Cache returns the default cache root: $NFSBUNDLE_CACHE, else
// $XDG_CACHE_HOME/nfsbundle, else ~/.cache/nfsbundle. Only the drivers
// call it (build.sh's when --cache-dir is not given); the stages take the
// cache root as a parameter.
func Cache() string {
	if c := os.Getenv(CacheEnv); c != "" {
		return c
	}
	if x := os.Getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "nfsbundle")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".cache", "nfsbundle")
	}
	return filepath.Join(os.TempDir(), "nfsbundle-cache")
}

// BuildDir is the per-target work directory: <top>/build/<kver>.
func BuildDir(top, kver string) string { return filepath.Join(top, "build", kver) }

// DistDir is where packages land.
func DistDir(top string) string { return filepath.Join(top, "dist") }
