// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// These tests boot the target kernel under qemu. They need root-free qemu,
// busybox-static, apt-get (kernel image, NFS userspace) and the staged build
// named by NFSBUNDLE_STAGE (build/<kver>/finish.json after ./build.sh bin).

func stage(t *testing.T) string {
	t.Helper()
	return stageOf(t, "NFSBUNDLE_STAGE")
}

// stageOf is the staged build named by the environment variable env.
func stageOf(t *testing.T, env string) string {
	t.Helper()
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skipf("VM test: set NFSBUNDLE_INTEGRATION=1 and %s=<build/<kver>/finish.json> (./build.sh test does)", env)
	}
	s := os.Getenv(env)
	if s == "" {
		t.Fatalf("NFSBUNDLE_INTEGRATION=1 but %s is not set: it must name build/<kver>/finish.json", env)
	}
	if _, err := os.Stat(s); err != nil {
		t.Fatalf("%s: %v", env, err)
	}
	return s
}

// hostRun is Run with what the driver passes from its flags and the
// environment: the cache root, a prebuilt guest helper, the accelerator.
func hostRun(ctx context.Context, o Options) (*Report, error) {
	if o.Cache == "" {
		o.Cache = paths.Cache()
	}
	o.Guest = os.Getenv(GuestEnv)
	o.Accel = AccelChoice(o.Accel, os.Getenv(AccelEnv))
	return Run(ctx, o)
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestVMStaged is the acceptance run: every check passes on our modules.
func TestVMStaged(t *testing.T) {
	allChecksPass(t, stage(t))
}

// TestVMCompat: the same checks on the main tree built through the compat
// layer for trixie's 6.12, booting trixie's own kernel image.
func TestVMCompat(t *testing.T) {
	allChecksPass(t, stageOf(t, StageCompatEnv))
}

func allChecksPass(t *testing.T, finishJSON string) {
	t.Helper()
	rep, err := hostRun(context.Background(), Options{FinishJSON: finishJSON})
	if rep != nil {
		rep.Summary(logWriter{t})
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{proto.CheckLoad, proto.CheckVersion, proto.CheckSrcversion, proto.CheckOurs,
		proto.CheckGoNFS, proto.CheckNconnect, proto.CheckMountstatID, proto.CheckNfsdV41, proto.CheckNfsdV42,
		proto.CheckNfsdV4Lock, proto.CheckNfsdV3, proto.CheckNfsdV3Lock} {
		if ch := rep.Check(c); ch == nil || !ch.Passed {
			t.Errorf("check %s did not pass: %+v", c, ch)
		}
	}
}

// TestVMStockFailsVersion breaks one thing on purpose: the kernel's own
// NFS stack is loaded instead of ours. The harness must fail, naming the
// version check.
func TestVMStockFailsVersion(t *testing.T) {
	rep, err := hostRun(context.Background(), Options{FinishJSON: stage(t), Stock: true, Scenarios: []string{}})
	var fe *FailedError
	if !errors.As(err, &fe) {
		t.Fatalf("stock modules: want a FailedError, got %v", err)
	}
	rep.Summary(logWriter{t})
	if !slices.Contains(fe.Checks, proto.CheckVersion) || !strings.Contains(err.Error(), proto.CheckVersion) {
		t.Errorf("failed checks %v (error %q) do not name %q", fe.Checks, err, proto.CheckVersion)
	}
	if !slices.Contains(fe.Checks, proto.CheckOurs) {
		t.Errorf("modules-ours passed with the stock modules: %v", fe.Checks)
	}
	if c := rep.Check(proto.CheckLoad); c == nil || !c.Passed {
		t.Errorf("the stock modules did not load: %+v", c)
	}
	for _, m := range rep.Modules {
		if m.Ours {
			t.Errorf("stock run loaded our %s", m.Name)
		}
	}
}

// TestVMSigEnforce boots with module.sig_enforce=1: the kernel must refuse
// our modules for the reason their signature state predicts.
func TestVMSigEnforce(t *testing.T) {
	s := stage(t)
	fin, err := LoadManifest(s)
	if err != nil {
		t.Fatal(err)
	}
	o, err := SigEnforceOptions(context.Background(), Options{FinishJSON: s, OutDir: t.TempDir()}, fin)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := hostRun(context.Background(), o)
	if rep != nil {
		rep.Summary(logWriter{t})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestVMExtraHook adds a guest program, a kernel argument and a check that
// needs an NFS mount, the way other stages (nfsbundle-ctl, signatures) plug
// in their own scenarios.
func TestVMExtraHook(t *testing.T) {
	rep, err := hostRun(context.Background(), Options{
		FinishJSON: stage(t), OutDir: t.TempDir(), Scenarios: []string{},
		KernelArgs: []string{"vmtest.hook=1"},
		ExtraChecks: []ExtraCheck{{
			Name:       "extra-hook",
			Files:      []File{{Src: "testdata/extra-check.sh", Dst: "/usr/bin/extra-check"}},
			Argv:       []string{"/bin/sh", "/usr/bin/extra-check"},
			NeedsMount: true,
		}},
	})
	if rep != nil {
		rep.Summary(logWriter{t})
	}
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Check("extra-hook"); c == nil || !c.Passed || !strings.Contains(c.Detail, "extra check ok") {
		t.Errorf("extra-hook = %+v", c)
	}
}
