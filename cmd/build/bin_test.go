// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/kbuild"
	"github.com/nfsbundle/nfsbundle/pkg"
)

// repoTop is the repository root (the tests run in cmd/build).
func repoTop(t *testing.T) string {
	t.Helper()
	top, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(paths.TopEnv, top)
	return top
}

// resetFlags puts every flag of cmd and its subcommands back to its
// default: cobra keeps flag values between Execute calls in one process.
func resetFlags(cmd *cobra.Command) {
	reset := func(f *pflag.Flag) {
		if f.Changed {
			f.Value.Set(f.DefValue)
			f.Changed = false
		}
	}
	cmd.Flags().VisitAll(reset)
	cmd.PersistentFlags().VisitAll(reset)
	for _, c := range cmd.Commands() {
		resetFlags(c)
	}
}

// runExit runs the command line as main does and returns its exit status,
// stdout and stderr.
func runExit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	rootCmd.SetOut(&stdout)
	rootCmd.SetErr(&stderr)
	rootCmd.SetArgs(args)
	defer func() { rootCmd.SetOut(nil); rootCmd.SetErr(nil); resetFlags(rootCmd) }()
	code := execute(context.Background(), &stderr)
	return code, stdout.String(), stderr.String()
}

// TestBadInputs: every bad input stops before anything runs, with a
// usage status, at most two lines, and never the input inside a command.
func TestBadInputs(t *testing.T) {
	repoTop(t)
	t.Setenv(paths.CacheEnv, t.TempDir())
	for _, c := range []struct {
		env  map[string]string
		args []string
		echo string // text that must not be printed
	}{
		{nil, []string{"bin", "--kernel", "6.1.0; touch x"}, "touch x"},
		{map[string]string{"KVER": "6.1.0-57-amd64$(reboot)"}, []string{"bin"}, "reboot"},
		{map[string]string{"ID_OVERRIDE": "debian;rm -rf /"}, []string{"bin"}, "rm -rf"},
		{nil, []string{"bin", "--kdir", "/nonexistent\n[info] all good"}, "all good"},
		{nil, []string{"bin", "--tree", "main;x"}, "main;x"},
		{nil, []string{"bin", "--format", "zip`id`"}, "`id`"},
		{nil, []string{"bin", "--buildroot", "wheezy|x"}, "wheezy|x"},
		{nil, []string{"bin", "--release", "1 2"}, "1 2"},
		{map[string]string{"CC": "gcc;id"}, []string{"bin"}, "gcc;id"},
		{nil, []string{"bin", "-j", "0"}, ""},
		{nil, []string{"bin", "--no-such-flag"}, ""},
		{nil, []string{"bin", "extra"}, ""},
		{nil, []string{"no-such-command"}, ""},
	} {
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		start := time.Now()
		code, stdout, stderr := runExit(t, c.args...)
		for k := range c.env {
			os.Unsetenv(k)
		}
		out := stdout + stderr
		if code != cli.ExitUsage {
			t.Errorf("%q %v: exit %d, want %d (usage)\n%s", c.args, c.env, code, cli.ExitUsage, out)
		}
		if n := strings.Count(strings.TrimRight(out, "\n"), "\n") + 1; n > 2 {
			t.Errorf("%q: %d lines:\n%s", c.args, n, out)
		}
		if c.echo != "" && strings.Contains(out, c.echo) {
			t.Errorf("%q: the output repeats the input:\n%s", c.args, out)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%q: took %s", c.args, d)
		}
	}
}

// TestBadInputJSON: with --json a failure is still one JSON object on
// stdout, with the exit status.
func TestBadInputJSON(t *testing.T) {
	repoTop(t)
	code, stdout, _ := runExit(t, "bin", "--json", "--kernel", "6.1.0; touch x")
	var r binReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	if code != cli.ExitUsage || r.OK || r.ExitCode != cli.ExitUsage || r.Error == "" || strings.Contains(stdout, "touch x") {
		t.Errorf("exit %d, report %+v", code, r)
	}
}

// stageNamed is the pipeline's stage of that name: the table's exit
// status is what is under test.
func stageNamed(t *testing.T, name string) stage {
	for _, s := range binPipeline {
		if s.name == name {
			return s
		}
	}
	t.Fatalf("no stage %q", name)
	return stage{}
}

// TestExitCodes drives real stage code into each failure and checks the
// status the pipeline gives it.
func TestExitCodes(t *testing.T) {
	top := repoTop(t)
	ctx := context.Background()
	newBuild := func() *build {
		return &build{top: top, version: "1.0.0", buildDir: t.TempDir(), f: binFlags{jobs: 1}}
	}

	// No tree serves a 9.9 kernel: the select stage as the pipeline runs it.
	b := newBuild()
	b.target.Kernel.Version = "9.9.9"
	if err := stageNamed(t, "select").do(ctx, b); cli.ExitCode(err) != cli.ExitNoTree {
		t.Errorf("kernel outside every tree: exit %d (%v)", cli.ExitCode(err), err)
	}

	// A signing key that does not exist: checkTarget, the step that reads it.
	b = newBuild()
	b.target.Compiler.Path = "/usr/bin/gcc"
	b.f.signKey, b.f.signCert = "/nonexistent/MOK.priv", "/nonexistent/MOK.der"
	if err := (stage{"", (*build).checkTarget, cli.ExitFailure}).do(ctx, b); cli.ExitCode(err) != cli.ExitSigningKey {
		t.Errorf("unusable key: exit %d (%v)", cli.ExitCode(err), err)
	}

	// Headers missing: detect's own error for a fixture root without any.
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/os-release"), []byte("ID=rocky\nVERSION_ID=9\n"), 0o644)
	_, derr := detect.Detect(ctx, detect.Options{Root: root, Release: "9.9.9-nope"})
	if code := cli.ExitCode(headersExit(derr)); code != cli.ExitHeadersMissing {
		t.Errorf("no headers: exit %d (%v)", code, derr)
	}

	// A compile error: kbuild.Run over a "make" that prints a compiler
	// error and fails, in the kbuild stage's slot of the pipeline.
	kb := stageNamed(t, "kbuild")
	kb.run = func(b *build, ctx context.Context) (string, error) {
		src := t.TempDir()
		_, err := kbuild.Run(ctx, kbuild.Params{KDir: "/k", Src: src, Jobs: 1, Config: detect.ConfigFacts(map[string]string{"CONFIG_SUNRPC": "m"}),
			Command: shCommand(`echo "/s/net/sunrpc/clnt.c:10:2: error: boom"; exit 2`)}, filepath.Join(src, "build.log"))
		return "", err
	}
	err := kb.do(ctx, newBuild())
	if cli.ExitCode(err) != cli.ExitCompile || !errors.As(err, new(*kbuild.BuildError)) {
		t.Errorf("compile error: exit %d (%v)", cli.ExitCode(err), err)
	}

	// A packaging error: the package stage's slot.
	ps := stageNamed(t, "package")
	ps.run = func(*build, context.Context) (string, error) { return "", errors.New("disk full") }
	if code := cli.ExitCode(ps.do(ctx, newBuild())); code != cli.ExitPackage {
		t.Errorf("packaging error: exit %d", code)
	}

	// Interrupted: whatever the stage returns once the context is cancelled.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if code := cli.ExitCode(kb.do(cctx, newBuild())); code != cli.ExitInterrupted {
		t.Errorf("interrupted: exit %d", code)
	}
}

// shCommand is a kbuild.Params.Command that runs script instead of make.
func shCommand(script string) func(ctx context.Context, name string, args ...string) *exec.Cmd {
	return func(ctx context.Context, _ string, _ ...string) *exec.Cmd {
		return exec.CommandContext(ctx, "sh", "-c", script)
	}
}

// TestPreflightNoDepmod is the fresh machine of FIELD-NOTES section 8: a
// host with everything but depmod (kmod), --no-install: the preflight
// step fails at once, before compat compiles anything, naming kmod.
func TestPreflightNoDepmod(t *testing.T) {
	bin := t.TempDir()
	for _, n := range []string{"make", "gcc-12", "tar", "patch", "strip", "xz", "apt-get", "dpkg-deb"} {
		os.WriteFile(filepath.Join(bin, n), []byte("#!/bin/sh\n"), 0o755)
	}
	t.Setenv("PATH", bin)
	headers := t.TempDir() // Debian's headers name their compiler
	os.WriteFile(filepath.Join(headers, ".kernelvariables"), []byte("CC = $(CROSS_COMPILE)gcc-12\n"), 0o644)
	b := &build{top: t.TempDir(), f: binFlags{noInstall: true}}
	b.target.Kernel.HeadersDir, b.target.Config.Compress = headers, "xz"
	if at(t, (*build).preflight) > at(t, (*build).compat) || at(t, (*build).preflightHost) > at(t, (*build).prepareRoot) ||
		at(t, (*build).preflightHost) > at(t, (*build).detect) {
		t.Fatal("the preflight must run before the build root is made, headers are fetched and compat compiles")
	}
	start := time.Now()
	err := binPipeline[at(t, (*build).preflight)].do(context.Background(), b)
	if cli.ExitCode(err) != cli.ExitHostTools || !strings.Contains(err.Error(), "apt-get install kmod") ||
		!strings.Contains(err.Error(), "--no-install") || strings.Count(err.Error(), "\n") > 1 {
		t.Fatalf("preflight: exit %d, %v", cli.ExitCode(err), err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
}

// at is the index in binPipeline of the step that runs fn.
func at(t *testing.T, fn func(*build, context.Context) (string, error)) int {
	t.Helper()
	name := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	for i, s := range binPipeline {
		if runtime.FuncForPC(reflect.ValueOf(s.run).Pointer()).Name() == name {
			return i
		}
	}
	t.Fatalf("%s is not in the pipeline", name)
	return -1
}

// TestReadmeExitCodes: README's table is cli.ExitCodes, row for row.
func TestReadmeExitCodes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoTop(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "### Exit codes")
	if !ok {
		t.Fatal("README has no Exit codes section")
	}
	row := regexp.MustCompile("(?m)^\\| `?(\\d+)`? \\| (.+?) \\|$")
	rows := row.FindAllStringSubmatch(section, -1)
	if len(rows) != len(cli.ExitCodes) {
		t.Fatalf("README lists %d exit codes, cli.ExitCodes %d", len(rows), len(cli.ExitCodes))
	}
	for i, r := range rows {
		want := cli.ExitCodes[i]
		if code, _ := strconv.Atoi(r[1]); code != want.Code || r[2] != want.Meaning {
			t.Errorf("README row %d: %s %q, want %d %q", i, r[1], r[2], want.Code, want.Meaning)
		}
	}
}

// TestReport: the JSON object of a finished build carries the package
// with its sha256, the signer's key id and the stage times.
func TestReport(t *testing.T) {
	deb := filepath.Join(t.TempDir(), "nfsbundle-modules.deb")
	os.WriteFile(deb, []byte("package"), 0o644)
	b := &build{version: "1.0.0", packaged: &pkg.Result{Path: deb, UpToDate: true},
		timings: []stageTiming{{"detect", 0.1}, {"kbuild", 112}}}
	b.target.Kernel.Release = "6.1.0-57-amd64"
	var buf bytes.Buffer
	if err := cli.PrintJSON(&buf, b.report(nil)); err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	pkgs, _ := r["packages"].([]any)
	if len(pkgs) != 1 {
		t.Fatalf("packages: %v", r["packages"])
	}
	p := pkgs[0].(map[string]any)
	if sum := sha256.Sum256([]byte("package")); p["path"] != deb || p["sha256"] != hex.EncodeToString(sum[:]) {
		t.Errorf("package %v", p)
	}
	if r["ok"] != true || r["exit_code"] != float64(0) || r["signer"] != nil || r["cache"].(map[string]any)["package"] != true {
		t.Errorf("report %s", buf.String())
	}
	if st := r["stages"].([]any); len(st) != 2 || st[1].(map[string]any)["stage"] != "kbuild" {
		t.Errorf("stages %v", r["stages"])
	}
}

// TestInterrupted sends SIGINT to a real process running the driver's
// main path (runMain) and expects ExitInterrupted. The child is this test
// binary, re-run as TestInterruptHelper, with a subcommand that waits for
// the cancellation as a long stage does.
func TestInterrupted(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptHelper$")
	cmd.Env = append(os.Environ(), "NFSBUNDLE_TEST_INTERRUPT=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make([]byte, 6)
	if _, err := io.ReadFull(out, ready); err != nil || string(ready) != "ready\n" {
		t.Fatalf("helper: %q %v", ready, err)
	}
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != cli.ExitInterrupted {
		t.Fatalf("exit: %v, want status %d", err, cli.ExitInterrupted)
	}
}

func TestInterruptHelper(t *testing.T) {
	if os.Getenv("NFSBUNDLE_TEST_INTERRUPT") != "1" {
		t.Skip("the child process of TestInterrupted")
	}
	rootCmd.AddCommand(&cobra.Command{Use: "wait-for-signal", RunE: func(cmd *cobra.Command, _ []string) error {
		fmt.Println("ready")
		<-cmd.Context().Done()
		return fmt.Errorf("stage stopped: %w", cmd.Context().Err())
	}})
	os.Args = []string{"build.sh", "wait-for-signal"}
	rootCmd.SetArgs(nil)
	os.Exit(runMain())
}
