// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runScript is a user workload: it needs both mounts, the --with file, and
// the server's view of what it wrote; its exit status is 7 so the test can
// tell it was propagated (0 or 1 could come from elsewhere).
const runScript = `set -e
echo "mounts: $VMTEST_NFS_MOUNT $VMTEST_NFSD_MOUNT"
grep -q " $VMTEST_NFS_MOUNT nfs " /proc/mounts
grep -q " $VMTEST_NFSD_MOUNT nfs4 " /proc/mounts
cp "$VMTEST_RUN_DIR/payload.txt" "$VMTEST_NFSD_MOUNT/p"
cmp "$VMTEST_NFSD_EXPORT/p" "$VMTEST_RUN_DIR/payload.txt"
cat "$VMTEST_NFS_MOUNT/hello"
echo "user workload done"
exit 7
`

func TestRunScriptOptionsValidates(t *testing.T) {
	d := t.TempDir()
	s := filepath.Join(d, "s.sh")
	os.WriteFile(s, []byte("exit 0\n"), 0o644)
	os.MkdirAll(filepath.Join(d, "sub"), 0o755)
	os.WriteFile(filepath.Join(d, "sub", "s.sh"), nil, 0o644)
	for _, c := range []struct {
		script string
		with   []string
		want   string
	}{
		{filepath.Join(d, "missing.sh"), nil, "no such file"},
		{d, nil, "not a regular file"},
		{s, []string{filepath.Join(d, "sub", "s.sh")}, "rename one"},
	} {
		if _, err := RunScriptOptions(Options{}, c.script, c.with, 0); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: err %v, want %q", c.script, c.with, err, c.want)
		}
	}
	o, err := RunScriptOptions(Options{}, s, nil, 0)
	if err != nil || len(o.ExtraChecks) != 1 || o.Scenarios == nil || len(o.Scenarios) != 0 {
		t.Fatalf("options %+v (%v)", o, err)
	}
	x := o.ExtraChecks[0]
	if !x.NeedsMount || !x.NeedsNfsd || !x.FullOutput || x.Argv[1] != RunDir+"/s.sh" {
		t.Errorf("check %+v", x)
	}
}

// TestVMRunScript: vmtest --run copies the script and its files into the
// guest, runs it against the mounts, and hands back its output and status.
func TestVMRunScript(t *testing.T) {
	fin := stage(t)
	d := t.TempDir()
	script, payload := filepath.Join(d, "work.sh"), filepath.Join(d, "payload.txt")
	os.WriteFile(script, []byte(runScript), 0o644)
	os.WriteFile(payload, []byte("payload from the host\n"), 0o644)
	o, err := RunScriptOptions(Options{FinishJSON: fin, OutDir: filepath.Join(d, "vm")}, script, []string{payload}, 0)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := hostRun(context.Background(), o)
	if rep == nil {
		t.Fatal(err)
	}
	rep.Summary(logWriter{t})
	var fe *FailedError
	if !errors.As(err, &fe) || len(fe.Checks) != 1 || fe.Checks[0] != CheckRun {
		t.Fatalf("want only the run check failing (exit 7), got %v", err)
	}
	out := rep.Output(CheckRun)
	if out == nil || out.Exit != 7 {
		t.Fatalf("output %+v: want exit 7", out)
	}
	for _, s := range []string{"mounts: /mnt/", "hello from vmtest", "user workload done"} {
		if !strings.Contains(out.Output, s) {
			t.Errorf("output lacks %q:\n%s", s, out.Output)
		}
	}
}
