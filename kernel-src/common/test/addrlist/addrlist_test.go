// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package addrlist runs the userspace test of the kernel's IP-SPEC address
// lists and transport placement (kernel-src/common/files/net/sunrpc/addrlist.c):
// testdata/addrlist_test.c includes that file unchanged, against the shim
// headers in testdata/shim, and this test compiles and runs it with gcc.
// The C sources live in testdata/ because Go refuses .c files in a package
// directory that does not use cgo.
package addrlist

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sanitize are the sanitizer flags used when gcc can build and run with them.
var sanitize = []string{"-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"}

func TestAddrlist(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		// The CI run installs gcc (.ci/packages.d/foundation.txt): there a
		// missing compiler is a broken setup, not a reason to skip.
		if os.Getenv("NFSBUNDLE_INTEGRATION") == "1" {
			t.Fatalf("gcc is needed to compile the addrlist harness: %v", err)
		}
		t.Skipf("gcc not found, cannot compile the addrlist harness: %v", err)
	}
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Abs(filepath.Join("..", "..", "files"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()

	flags := []string{"-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Werror"}
	if ok, why := sanitizersWork(ctx, gcc, dir); ok {
		flags = append(flags, sanitize...)
	} else {
		t.Logf("building without sanitizers: %s", why)
	}
	bin := filepath.Join(dir, "addrlist_test")
	args := append(flags,
		"-I", filepath.Join(testdata, "shim"),
		"-I", filepath.Join(files, "include"),
		"-I", files,
		"-o", bin, filepath.Join(testdata, "addrlist_test.c"))
	if out, err := exec.CommandContext(ctx, gcc, args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %s: %v\n%s", strings.Join(args, " "), err, out)
	}

	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "ASAN_OPTIONS=detect_leaks=1", "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("addrlist_test: %v\n%s", err, out)
	}
	t.Logf("%s", strings.TrimSpace(string(out)))
}

// sanitizersWork says whether gcc builds a program with the sanitizers and
// that program runs (the runtime libraries may be missing, or LeakSanitizer
// may not work where the test runs), and if not, why.
func sanitizersWork(ctx context.Context, gcc, dir string) (bool, string) {
	src := filepath.Join(dir, "probe.c")
	if err := os.WriteFile(src, []byte("#include <stdlib.h>\nint main(void) { free(malloc(1)); return 0; }\n"), 0o644); err != nil {
		return false, err.Error()
	}
	bin := filepath.Join(dir, "probe")
	if out, err := exec.CommandContext(ctx, gcc, append(sanitize, "-o", bin, src)...).CombinedOutput(); err != nil {
		return false, "gcc cannot link them: " + strings.TrimSpace(string(out))
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "ASAN_OPTIONS=detect_leaks=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return false, "a sanitized program does not run here: " + strings.TrimSpace(string(out))
	}
	return true, ""
}
