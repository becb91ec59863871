// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// CheckRun is the check that runs the user's script (vmtest --run).
const CheckRun = "run"

// RunDir is where the script and its --with files are in the guest.
const RunDir = "/vmtest/run"

// RunScriptOptions adds the user's own workload to o: script (run with
// /bin/sh) and the with files are copied to RunDir; it runs at the end,
// with an NFSv3 mount of go-nfs at $VMTEST_NFS_MOUNT and an NFSv4.2 mount
// of kernel nfsd at $VMTEST_NFSD_MOUNT, and its whole output and exit
// status come back in the report (Report.Output(CheckRun)). No built-in
// scenario runs unless o.Scenarios names some.
func RunScriptOptions(o Options, script string, with []string, timeout time.Duration) (Options, error) {
	files := []File{}
	seen := map[string]string{}
	for _, f := range append([]string{script}, with...) {
		st, err := os.Stat(f)
		if err != nil {
			return o, fmt.Errorf("--run/--with: %w", err)
		}
		if !st.Mode().IsRegular() {
			return o, fmt.Errorf("--run/--with: %s is not a regular file", f)
		}
		base := filepath.Base(f)
		if prev, dup := seen[base]; dup {
			return o, fmt.Errorf("--with: %s and %s would both be %s/%s in the guest: rename one", prev, f, RunDir, base)
		}
		seen[base] = f
		files = append(files, File{Src: f, Dst: RunDir + "/" + base, Mode: st.Mode().Perm() | 0o500})
	}
	if o.Scenarios == nil {
		o.Scenarios = []string{}
	}
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	if o.Timeout < timeout+2*time.Minute {
		o.Timeout = timeout + 2*time.Minute
	}
	o.ExtraChecks = append(o.ExtraChecks, ExtraCheck{
		Name: CheckRun, Argv: []string{"/bin/sh", RunDir + "/" + filepath.Base(script)},
		Env: []string{"VMTEST_RUN_DIR=" + RunDir}, Files: files, Phase: PhaseEnd, Timeout: timeout,
		NeedsMount: true, NeedsNfsd: true, FullOutput: true,
	})
	return o, nil
}

// Output returns the named extra check's output, or nil when it has none.
func (r *Report) Output(name string) *Output {
	for i := range r.Outputs {
		if r.Outputs[i].Name == name {
			return &r.Outputs[i]
		}
	}
	return nil
}
