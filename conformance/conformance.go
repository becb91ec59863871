// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package conformance runs third-party suites against a build on the kernel
// it targets and holds ours to a reference measured in the same run: pynfs
// (NFSv4.0 and 4.1 server conformance, from the host against kernel nfsd in
// the vmtest guest through a loopback-only forwarded port) and fio with
// data verification (our client, inside the guest). Run is the one entry
// point; the comparison rules are in result.go.
package conformance

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/vmtest"
	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// Stacks.
const (
	StackOurs  = "ours"  // our staged modules (build/<kver>/finish.json)
	StackInbox = "inbox" // the kernel's own NFS modules: the reference
)

// Subsets of the pynfs suites.
const (
	SubsetFull = "full" // the whole "all" group of each suite
	// SubsetCI leaves out the 4.0 tests that spend minutes in round trips
	// through user-mode networking under TCG (WRT15: 8192 WRITEs, RDDR8b:
	// a huge directory); everything else of "all" runs.
	SubsetCI = "ci"
)

var subsetArgs = map[string]map[string][]string{
	SubsetFull: {"pynfs40": {"all"}, "pynfs41": {"all"}},
	SubsetCI:   {"pynfs40": {"all", "noWRT15", "noRDDR8b"}, "pynfs41": {"all"}},
}

//go:embed fio-jobs.fio
var fioJobs []byte

// Guest ports the host reaches through forwards.
const (
	guestNFSPort     = 2049
	guestControlPort = 7000
)

// Options select the kernel, stacks and suites.
type Options struct {
	Top    string   // repository root (default paths.Top())
	KVer   string   // target kernel (a staged build for ours)
	Stacks []string // ours, inbox (default both)
	Suites []string // pynfs40, pynfs41, fio (default all)
	Pynfs  string   // pynfs source: directory or .tar.gz (the driver's --pynfs, else $NFSBUNDLE_PYNFS)
	Subset string   // SubsetFull (default) or SubsetCI
	// Baselines are further references for ours: result files of ours on
	// another kernel (our 6.1 code on 6.1, for a kernel served through
	// compat).
	Baselines []string
	Cache     string // the cache root (required): built pynfs, and vmtest's
	NoCache   bool
	Accel     string        // qemu accelerator (vmtest.Options.Accel)
	Guest     string        // a prebuilt guest helper (vmtest.Options.Guest)
	Console   io.Writer     // live guest console
	Timeout   time.Duration // per stack (default 90 min)
}

// Result is the outcome of Run.
type Result struct {
	KVer     string         `json:"kver"`
	Subset   string         `json:"subset"`
	Stacks   []*StackResult `json:"stacks"`
	Verdicts []*Verdict     `json:"verdicts"`
	Files    []string       `json:"files"`
	Passed   bool           `json:"passed"`
	// Problems are failed guest checks and incomplete suites, on either
	// stack, and fio checks that did not run on ours.
	Problems []string `json:"problems,omitempty"`
}

func (o *Options) defaults() error {
	if o.Top == "" {
		t, err := paths.Top()
		if err != nil {
			return err
		}
		o.Top = t
	}
	if o.KVer == "" {
		return errors.New("no target kernel: give --kernel KVER")
	}
	if len(o.Stacks) == 0 {
		o.Stacks = []string{StackInbox, StackOurs}
	}
	for _, s := range o.Stacks {
		if s != StackOurs && s != StackInbox {
			return fmt.Errorf("unknown stack %q: use ours, inbox or both", s)
		}
	}
	// The reference runs first: ours then reruns its candidates at once.
	slices.SortFunc(o.Stacks, func(a, b string) int { return strings.Compare(a, b) })
	o.Stacks = slices.Compact(o.Stacks)
	if len(o.Suites) == 0 {
		for _, s := range Suites {
			o.Suites = append(o.Suites, s.Name)
		}
		o.Suites = append(o.Suites, SuiteFio)
	}
	for _, s := range o.Suites {
		if _, ok := FindSuite(s); !ok && s != SuiteFio {
			return fmt.Errorf("unknown suite %q: use pynfs40, pynfs41 or fio", s)
		}
	}
	if o.Subset == "" {
		o.Subset = SubsetFull
	}
	if _, ok := subsetArgs[o.Subset]; !ok {
		return fmt.Errorf("unknown subset %q: use full or ci", o.Subset)
	}
	if o.Timeout == 0 {
		o.Timeout = 90 * time.Minute
	}
	return nil
}

func (o *Options) pynfsSuites() []Suite {
	var out []Suite
	for _, s := range Suites {
		if slices.Contains(o.Suites, s.Name) {
			out = append(out, s)
		}
	}
	return out
}

// OutDir is where the per-stack results land: build/<kver>/conformance.
func OutDir(top, kver string) string { return filepath.Join(paths.BuildDir(top, kver), "conformance") }

// Run boots the kernel once per stack, runs the suites and compares.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	if o.Cache == "" {
		return nil, errors.New("conformance: no cache root (Options.Cache)")
	}
	tree := ""
	if len(o.pynfsSuites()) > 0 {
		var err error
		if tree, err = PreparePynfs(ctx, o.Pynfs, o.Cache); err != nil {
			return nil, err
		}
	}
	var baselines []*StackResult
	for _, b := range o.Baselines {
		r, err := LoadStackResult(b)
		if err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
		baselines = append(baselines, r)
	}
	out := OutDir(o.Top, o.KVer)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	res := &Result{KVer: o.KVer, Subset: o.Subset}
	var ref *StackResult
	for _, stack := range o.Stacks {
		sr, err := o.runStack(ctx, stack, tree, ref)
		if err != nil {
			return nil, fmt.Errorf("%s stack: %w", stack, err)
		}
		file := filepath.Join(out, stack+".json")
		if err := fileutil.WriteJSON(file, sr); err != nil {
			return nil, err
		}
		res.Stacks, res.Files = append(res.Stacks, sr), append(res.Files, file)
		if stack == StackInbox {
			ref = sr
		}
	}
	ours := res.stack(StackOurs)
	if ours != nil {
		if ref != nil {
			// Against a kernel whose own code is newer than our tree's
			// series, what ours fails on that series too is information.
			v := Compare("inbox "+o.KVer, ref, ours)
			v.AttributeToCodeBase(baselines)
			res.Verdicts = append(res.Verdicts, v)
		}
		for i, b := range baselines {
			res.Verdicts = append(res.Verdicts, Compare(fmt.Sprintf("%s %s (%s)", b.Stack, b.KVer, o.Baselines[i]), b, ours))
		}
		if slices.Contains(o.Suites, SuiteFio) {
			for _, name := range FioChecks {
				if !slices.ContainsFunc(ours.Checks, func(c Check) bool { return c.Name == name }) {
					res.Problems = append(res.Problems, fmt.Sprintf("fio check %s did not run on ours", name))
				}
			}
		}
	}
	// A failed guest check (fio, the network isolation, the VM itself) or an
	// incomplete suite fails the run on either stack: the reference is only
	// worth comparing with when it ran as it should.
	for _, sr := range res.Stacks {
		for _, c := range sr.Checks {
			if !c.Passed {
				res.Problems = append(res.Problems, fmt.Sprintf("guest check %s failed on %s: %s", c.Name, sr.Stack, c.Detail))
			}
		}
		for _, s := range sr.Suites {
			if s.Error != "" {
				res.Problems = append(res.Problems, fmt.Sprintf("%s on %s did not complete: %s", s.Suite, sr.Stack, s.Error))
			}
		}
	}
	res.Passed = len(res.Problems) == 0
	for _, v := range res.Verdicts {
		res.Passed = res.Passed && !v.Failed()
	}
	return res, nil
}

func (r *Result) stack(name string) *StackResult {
	for _, s := range r.Stacks {
		if s.Stack == name {
			return s
		}
	}
	return nil
}

// runStack boots the kernel with one stack serving the export and runs the
// suites against it; with ref, ours reruns its regression candidates.
func (o *Options) runStack(ctx context.Context, stack, tree string, ref *StackResult) (*StackResult, error) {
	start := time.Now()
	nfsPort, err := freePort()
	if err != nil {
		return nil, err
	}
	ctlPort, err := freePort()
	if err != nil {
		return nil, err
	}
	suites := o.pynfsSuites()
	serve := &proto.Serve{Fio: stack == StackOurs && slices.Contains(o.Suites, SuiteFio), Wait: len(suites) > 0,
		ControlPort: guestControlPort}
	for _, s := range suites {
		serve.Dirs = append(serve.Dirs, s.Dir)
	}
	ready := make(chan struct{})
	var once sync.Once
	vo := vmtest.Options{
		Top: o.Top, KVer: o.KVer, Cache: o.Cache, NoCache: o.NoCache, Console: o.Console, Accel: o.Accel, Guest: o.Guest,
		Stock: stack == StackInbox, NoVerify: stack == StackInbox,
		Scenarios: []string{proto.ScenarioServe}, Serve: serve, FioJobs: fioJobs,
		Net:    &vmtest.Net{Forwards: []vmtest.Forward{{Host: nfsPort, Guest: guestNFSPort}, {Host: ctlPort, Guest: guestControlPort}}},
		Memory: "1536M", Timeout: o.Timeout,
		OutDir: filepath.Join(OutDir(o.Top, o.KVer), stack+"-vm"),
		OnEvent: func(ev proto.Event) {
			if ev.Kind == proto.EvReady {
				once.Do(func() { close(ready) })
			}
		},
	}
	var rep *vmtest.Report
	var vmErr error
	vmDone := make(chan struct{})
	go func() {
		defer close(vmDone)
		rep, vmErr = vmtest.Run(ctx, vo)
	}()
	sr := &StackResult{KVer: o.KVer, Stack: stack, Suites: []SuiteResult{}}
	if serve.Wait {
		select {
		case <-ready:
		case <-vmDone:
			return nil, vmFailure(rep, vmErr, "the guest ended before its NFS server was ready")
		}
		logrus.Infof("conformance: %s stack: kernel nfsd is up at 127.0.0.1:%d", stack, nfsPort)
		for _, s := range suites {
			sr.Suites = append(sr.Suites, o.runSuite(ctx, tree, s, stack, nfsPort, ref))
		}
		if err := stopGuest(ctlPort); err != nil {
			logrus.Warnf("conformance: telling the guest to stop: %v (it ends at its time limit)", err)
		}
	}
	<-vmDone
	var fe *vmtest.FailedError
	if vmErr != nil && !errors.As(vmErr, &fe) {
		return nil, vmErr
	}
	if rep == nil {
		return nil, errors.New("the VM gave no report")
	}
	sr.Version = rep.Version
	for _, c := range rep.Checks {
		if strings.HasPrefix(c.Name, "fio-") || c.Name == vmtest.CheckNetRestricted || !c.Passed {
			sr.Checks = append(sr.Checks, Check{Name: c.Name, Passed: c.Passed, Detail: c.Detail})
		}
	}
	sr.Seconds = time.Since(start).Seconds()
	return sr, nil
}

func vmFailure(rep *vmtest.Report, err error, what string) error {
	if rep != nil {
		var b strings.Builder
		rep.Summary(&b)
		return fmt.Errorf("%s:\n%s", what, b.String())
	}
	return fmt.Errorf("%s: %v", what, err)
}

// runSuite runs one pynfs suite and, with a reference, runs each test that
// passed there and not here once more alone.
func (o *Options) runSuite(ctx context.Context, tree string, s Suite, stack string, port int, ref *StackResult) SuiteResult {
	args := subsetArgs[o.Subset][s.Name]
	log := filepath.Join(OutDir(o.Top, o.KVer), stack+"-"+s.Name+".log")
	t := time.Now()
	logrus.Infof("conformance: %s on %s: pynfs %s", s.Name, stack, strings.Join(args, " "))
	sr := SuiteResult{Suite: s.Name, Args: args}
	tests, counts, err := runPynfs(ctx, tree, s, port, args, log)
	took := time.Since(t)
	sr.Seconds = took.Seconds()
	if err != nil {
		sr.Error = err.Error()
		logrus.Warnf("conformance: %s on %s: %v (log: %s)", s.Name, stack, err, log)
		return sr
	}
	sr.Tests, sr.Counts = tests, counts
	logrus.Infof("conformance: %s on %s: %s in %s", s.Name, stack, CountLine(counts), cli.Seconds(took))
	if ref == nil || ref.Suite(s.Name) == nil {
		return sr
	}
	cands := Candidates(ref.Suite(s.Name), &sr)
	if len(cands) == 0 {
		return sr
	}
	var codes []string
	for _, c := range cands {
		codes = append(codes, c.Code)
	}
	logrus.Infof("conformance: %s on %s: running %d tests again that passed on the reference: %s", s.Name, stack, len(codes), strings.Join(codes, " "))
	rlog := strings.TrimSuffix(log, ".log") + "-rerun.log"
	rerun, _, err := runPynfs(ctx, tree, s, port, append([]string{"--rundeps"}, codes...), rlog)
	if err != nil {
		logrus.Warnf("conformance: rerun: %v (log: %s)", err, rlog)
		return sr
	}
	for _, r := range rerun {
		if slices.Contains(codes, r.Code) {
			sr.Reruns = append(sr.Reruns, r)
		}
	}
	return sr
}

// runPynfs runs testserver.py against the forwarded port; its whole output
// goes to log.
func runPynfs(ctx context.Context, tree string, s Suite, port int, args []string, log string) ([]Test, map[string]int, error) {
	jsonOut := strings.TrimSuffix(log, ".log") + ".pynfs.json"
	os.Remove(jsonOut)
	argv := append([]string{s.Script, fmt.Sprintf("127.0.0.1:%d/%s", port, s.Dir), "--maketree", "--showomit",
		"--json=" + jsonOut}, args...)
	cmd := exec.CommandContext(ctx, python, argv...)
	cmd.Dir = tree
	cmd.Env = append(os.Environ(), "PATH=/usr/bin:"+os.Getenv("PATH"))
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if werr := fileutil.WriteAtomic(log, out, 0o644); werr != nil {
		logrus.Warnf("conformance: saving %s: %v", log, werr)
	}
	tests, counts, perr := ParseReport(string(out))
	if perr != nil {
		if err != nil {
			return nil, nil, fmt.Errorf("pynfs %s: %w: %s", s.Script, err, lastLines(string(out), 3))
		}
		return nil, nil, fmt.Errorf("pynfs %s: %w", s.Script, perr)
	}
	if b, err := os.ReadFile(jsonOut); err == nil {
		if err := addTimes(tests, b); err != nil {
			logrus.Warnf("conformance: %s: %v", jsonOut, err)
		}
	}
	return tests, counts, nil
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, " | ")
}

// stopGuest tells the serve scenario to end.
func stopGuest(port int) error {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, "stop\n"); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if strings.TrimSpace(line) != "ok" {
		return fmt.Errorf("the guest answered %q (%v)", line, err)
	}
	return nil
}

// freePort asks the host for a free loopback port (qemu binds it next).
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Summary prints a line per suite and stack, then each verdict.
func (r *Result) Summary(w io.Writer) {
	fmt.Fprintf(w, "conformance %s (subset %s)\n", r.KVer, r.Subset)
	for _, sr := range r.Stacks {
		for _, s := range sr.Suites {
			if s.Error != "" {
				fmt.Fprintf(w, "  %-6s %-8s did not complete: %s\n", sr.Stack, s.Suite, s.Error)
				continue
			}
			var slow []string
			for _, t := range Slowest(s.Tests, 3) {
				slow = append(slow, fmt.Sprintf("%s %.0fs", t.Code, t.Seconds))
			}
			fmt.Fprintf(w, "  %-6s %-8s %s (%.0fs; slowest %s)\n", sr.Stack, s.Suite, CountLine(s.Counts), s.Seconds, strings.Join(slow, ", "))
		}
		for _, c := range sr.Checks {
			st := "PASS"
			if !c.Passed {
				st = "FAIL"
			}
			fmt.Fprintf(w, "  %-6s %-8s %s %s\n", sr.Stack, c.Name, st, c.Detail)
		}
	}
	for _, v := range r.Verdicts {
		fmt.Fprintf(w, "against %s: %d regressions, %d flaky, %d improvements\n", v.Reference, len(v.Regressions), len(v.Flaky), len(v.Improvements))
		for _, d := range v.Regressions {
			fmt.Fprintf(w, "  REGRESSION  %s\n", d)
		}
		for _, d := range v.Flaky {
			fmt.Fprintf(w, "  flaky       %s\n", d)
		}
		for _, d := range v.Improvements {
			fmt.Fprintf(w, "  improvement %s\n", d)
		}
		for _, m := range v.Missing {
			fmt.Fprintf(w, "  MISSING     %s\n", m)
		}
		if len(v.CodeBase) > 0 {
			fmt.Fprintf(w, "  %d more fail on ours here and on our tree's own series too (the reference's code is newer; information, not a failure):\n", len(v.CodeBase))
		}
		for _, d := range v.CodeBase {
			fmt.Fprintf(w, "  code base   %s\n", d)
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  PROBLEM     %s\n", p)
	}
	if r.Passed {
		fmt.Fprintln(w, "conformance: PASS")
	} else {
		fmt.Fprintln(w, "conformance: FAIL")
	}
}
