// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package compat

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/compat/features"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// engineVersion changes the cache key whenever the way results are
// computed changes.
const engineVersion = "nfsbundle-compat-1"

// Options configure Run.
type Options struct {
	KDir     string   // the kernel build dir (make -C), as Exec sees it
	KVer     string   // kernel release, for messages and the header comment
	OutDir   string   // where autoconf.h, compat.mk and the work dirs go (build/<kver>/compat)
	Jobs     int      // parallel compiles (default: number of CPUs)
	NoCache  bool     // recompile the probes, ignoring cached results (the Kbuild command line record is kept)
	Isolated bool     // the oracle: one Kbuild compile per probe, never cached
	Direct   bool     // for measurements: one compiler run per probe with Kbuild's flags, no batching, never cached
	Exec     Runner   // where make and gcc run (default Host)
	ProbeDir string   // probe sources (default: the built-in compat/probes set)
	Probes   []string // only these probe names (default: all)
	CacheDir string   // the cache root (required): probe results, compiler flags
	// CompileOut applies compat/features: the main tree's 6.1 code loses
	// what the kernel cannot carry. The legacy tree is the kernel's own
	// code and loses nothing.
	CompileOut bool
}

// ProbeResult is one probe's outcome.
type ProbeResult struct {
	Name   string `json:"name"`
	Define string `json:"define"`
	Kind   string `json:"kind"`
	Arg    string `json:"arg,omitempty"`
	Value  bool   `json:"value"`
	Detail string `json:"detail,omitempty"` // why not: the first compiler error, or the export check
}

// Result is what Run found and wrote.
type Result struct {
	KVer     string        `json:"kver"`
	Probes   []ProbeResult `json:"probes"`
	Header   string        `json:"header"`   // autoconf.h
	MakeVars string        `json:"makevars"` // compat.mk
	CacheHit bool          `json:"cache_hit"`
	CacheKey string        `json:"cache_key"`
	Mode     string        `json:"mode"` // batched, isolated, direct, cached
	Fallback int           `json:"fallback,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// Out are the features compiled out (Options.CompileOut).
	Out []features.Feature `json:"compiled_out,omitempty"`
}

// Defined returns the value of a define (false when unknown).
func (r *Result) Defined(define string) bool {
	for _, p := range r.Probes {
		if p.Define == define {
			return p.Value
		}
	}
	return false
}

// Run probes the kernel at opts.KDir and writes OutDir/autoconf.h and
// OutDir/compat.mk. Results are cached under <cache>/compat/<key>.json,
// keyed by the headers' content, the compiler version and the probe set.
func Run(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	if opts.Exec == nil {
		opts.Exec = Host{}
	}
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.NumCPU()
	}
	if opts.KDir == "" || opts.OutDir == "" || opts.CacheDir == "" {
		return nil, errors.New("compat: KDir, OutDir and CacheDir are required")
	}
	out, err := filepath.Abs(opts.OutDir)
	if err != nil {
		return nil, err
	}
	opts.OutDir = out
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	// One run per output directory at a time: the work dirs are shared.
	unlock, err := fileutil.Lock(ctx, filepath.Join(out, ".lock"))
	if err != nil {
		return nil, fmt.Errorf("compat: %w", err)
	}
	defer unlock()
	if opts.Exec.HostPath(out) != out {
		return nil, fmt.Errorf("compat: %s is not visible at the same path to the runner %v; bind it", out, opts.Exec)
	}
	probes, err := LoadProbes(opts.ProbeDir)
	if err != nil {
		return nil, err
	}
	if len(opts.Probes) > 0 {
		probes, err = selectProbes(probes, opts.Probes)
		if err != nil {
			return nil, err
		}
	}
	hostKDir := opts.Exec.HostPath(opts.KDir)
	if _, err := os.Stat(filepath.Join(hostKDir, "Makefile")); err != nil {
		return nil, fmt.Errorf("compat: %s is not a kernel build directory (no Makefile): install the headers for %s or pass --kdir", hostKDir, opts.KVer)
	}
	key, err := cacheKey(ctx, opts, hostKDir, probes)
	if err != nil {
		return nil, err
	}
	res := &Result{KVer: opts.KVer, CacheKey: key}
	cacheFile := filepath.Join(opts.CacheDir, "compat", key+".json")
	uncached := opts.Isolated || opts.Direct
	if !opts.NoCache && !uncached {
		if b, err := os.ReadFile(cacheFile); err == nil {
			var cached []ProbeResult
			if json.Unmarshal(b, &cached) == nil && len(cached) == len(probes) {
				res.Probes, res.CacheHit, res.Mode = cached, true, "cached"
			}
		}
	}
	if !res.CacheHit {
		var vals map[string]outcome
		symvers, err := readSymvers(filepath.Join(hostKDir, "Module.symvers"))
		if err != nil {
			return nil, err
		}
		switch {
		case opts.Isolated:
			res.Mode = "isolated"
			vals, err = runIsolated(ctx, opts, probes)
		case opts.Direct:
			res.Mode = "direct"
			var flags *Cmd
			if flags, err = KbuildFlags(ctx, opts); err == nil {
				dir := filepath.Join(opts.OutDir, "work", "direct")
				if err = os.RemoveAll(dir); err == nil {
					vals, err = runDirect(ctx, opts, flags, dir, probes)
				}
			}
		default:
			res.Mode = "batched"
			vals, res.Fallback, err = runBatched(ctx, opts, probes)
		}
		if err != nil {
			return nil, err
		}
		for _, p := range probes {
			o := vals[p.Name]
			if o.ok && p.Symbol() != "" {
				o = checkExport(p, symvers)
			}
			res.Probes = append(res.Probes, ProbeResult{Name: p.Name, Define: p.Define, Kind: p.Kind,
				Arg: strings.Join(p.Args, " "), Value: o.ok, Detail: o.detail})
		}
		if !uncached {
			if err := fileutil.WriteJSON(cacheFile, res.Probes); err != nil {
				return nil, err
			}
		}
	}
	res.Header = filepath.Join(opts.OutDir, "autoconf.h")
	res.MakeVars = filepath.Join(opts.OutDir, "compat.mk")
	if opts.CompileOut {
		res.Out = compiledOut(res.Probes)
	}
	if err := fileutil.WriteAtomic(res.Header, RenderHeader(opts.KVer, res.Probes, res.Out), 0o644); err != nil {
		return nil, err
	}
	if err := fileutil.WriteAtomic(res.MakeVars, RenderMake(opts.KVer, res.Header, res.Probes), 0o644); err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	n := 0
	for _, p := range res.Probes {
		if p.Value {
			n++
		}
	}
	logrus.Debugf("compat: %d probes for %s, %d available (%s, %s)", len(res.Probes), opts.KVer, n, res.Mode, cli.Seconds(res.Duration))
	return res, nil
}

func selectProbes(all []*Probe, names []string) ([]*Probe, error) {
	by := map[string]*Probe{}
	for _, p := range all {
		by[p.Name] = p
	}
	var out []*Probe
	for _, n := range names {
		p, ok := by[n]
		if !ok {
			return nil, fmt.Errorf("compat: no probe named %q", n)
		}
		out = append(out, p)
	}
	return out, nil
}

type outcome struct {
	ok     bool
	detail string
}

// cacheKey hashes what decides the results: the headers (Module.symvers,
// .config, version.h, utsrelease.h), the compiler's --version, the probe
// set and the engine version.
func cacheKey(ctx context.Context, opts Options, hostKDir string, probes []*Probe) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\nkver %s\n", engineVersion, opts.KVer)
	id, err := HeadersIdentity(hostKDir)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "headers %s\n", id)
	cc := KernelCC(hostKDir)
	var stdout, stderr bytes.Buffer
	cmd := opts.Exec.Command(ctx, "/", nil, cc, "--version")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("compat: the kernel's compiler %s does not run (%v %s); install it or use a build root (--buildroot auto)", cc, err, run.Tail(stderr.String(), 3))
	}
	fmt.Fprintf(h, "cc %s\n%s\n", cc, stdout.Bytes())
	for _, p := range probes {
		fmt.Fprintf(h, "probe %s %d\n%s\n", p.Name, len(p.Code()), p.Code())
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// HeadersIdentity is a content hash of the files of a kernel build dir that
// identify it (missing ones count as empty).
func HeadersIdentity(kdir string) (string, error) {
	h := sha256.New()
	for _, f := range []string{"Module.symvers", ".config", "include/generated/uapi/linux/version.h",
		"include/generated/utsrelease.h", "include/config/kernel.release"} {
		b, err := os.ReadFile(filepath.Join(kdir, f))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		s := sha256.Sum256(b)
		fmt.Fprintf(h, "%s %x\n", f, s)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// KernelCC is the compiler the kernel's Makefiles use: Debian pins it in
// .kernelvariables (CC = ... gcc-12); otherwise gcc.
func KernelCC(kdir string) string {
	b, err := os.ReadFile(filepath.Join(kdir, ".kernelvariables"))
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) >= 3 && f[0] == "CC" && f[1] == "=" {
				cc := strings.TrimPrefix(f[len(f)-1], "$(CROSS_COMPILE)")
				if cc != "" && !strings.ContainsAny(cc, "$()") {
					return cc
				}
			}
		}
	}
	return "gcc"
}

// readSymvers reads the kernel's Module.symvers; without one the export
// checks are skipped (nil map).
func readSymvers(path string) (map[string]modinfo.SymversEntry, error) {
	m, err := modinfo.ReadSymvers(path)
	if errors.Is(err, os.ErrNotExist) {
		logrus.Warnf("compat: %s is missing: export checks fall back to 'the declaration compiles'", path)
		return nil, nil
	}
	return m, err
}

func checkExport(p *Probe, symvers map[string]modinfo.SymversEntry) outcome {
	if symvers == nil {
		return outcome{ok: true, detail: "no Module.symvers: export not checked"}
	}
	e, ok := symvers[p.Symbol()]
	switch {
	case !ok:
		return outcome{detail: p.Symbol() + " is not exported (Module.symvers)"}
	case p.Kind == KindGPLSymbol && !e.GPLOnly():
		return outcome{detail: p.Symbol() + " is exported, but not GPL-only"}
	}
	return outcome{ok: true}
}

// writeKbuild writes a Kbuild file listing objs, with -Werror for werror.
func writeKbuild(dir string, objs []string, werror map[string]bool) error {
	var b strings.Builder
	b.WriteString("# Generated by the nfsbundle compat engine.\n")
	b.WriteString("ccflags-y := -Werror=implicit-function-declaration\n")
	fmt.Fprintf(&b, "obj-m := %s\n", strings.Join(objs, " "))
	names := make([]string, 0, len(werror))
	for o := range werror {
		names = append(names, o)
	}
	sort.Strings(names)
	for _, o := range names {
		fmt.Fprintf(&b, "CFLAGS_%s := -Werror\n", o)
	}
	return fileutil.WriteAtomic(filepath.Join(dir, "Kbuild"), []byte(b.String()), 0o644)
}

// kbuild compiles targets (object names in dir) with one
// `make -C KDIR M=dir -k -jN -Otarget` and returns the combined output.
// Failures of individual targets are not an error: the caller looks at
// which objects exist.
func kbuild(ctx context.Context, opts Options, dir string, targets []string) (string, error) {
	for _, t := range targets {
		os.Remove(filepath.Join(dir, t))
	}
	args := append([]string{"-C", opts.KDir, "M=" + dir, "-k", fmt.Sprintf("-j%d", opts.Jobs), "-Otarget"}, targets...)
	cmd := opts.Exec.Command(ctx, dir, nil, "make", args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if ctx.Err() != nil {
		return buf.String(), ctx.Err()
	}
	if err != nil {
		var ee interface{ ExitCode() int }
		if !errors.As(err, &ee) {
			return buf.String(), fmt.Errorf("compat: running make for %s: %w", opts.KVer, err)
		}
	}
	return buf.String(), nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// runIsolated is the oracle: every probe is its own object, compiled by
// Kbuild exactly as a module source would be.
func runIsolated(ctx context.Context, opts Options, probes []*Probe) (map[string]outcome, error) {
	dir := filepath.Join(opts.OutDir, "work", "isolated")
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var objs []string
	werror := map[string]bool{}
	for _, p := range probes {
		obj := "p_" + p.Name + ".o"
		objs = append(objs, obj)
		if p.Werror {
			werror[obj] = true
		}
		if err := os.WriteFile(filepath.Join(dir, "p_"+p.Name+".c"), []byte(p.Code()), 0o644); err != nil {
			return nil, err
		}
	}
	if err := writeKbuild(dir, objs, werror); err != nil {
		return nil, err
	}
	log, err := kbuild(ctx, opts, dir, objs)
	if err != nil {
		return nil, err
	}
	vals := map[string]outcome{}
	for _, p := range probes {
		if exists(filepath.Join(dir, "p_"+p.Name+".o")) {
			vals[p.Name] = outcome{ok: true}
		} else {
			vals[p.Name] = outcome{detail: firstError(log, "p_"+p.Name+".c")}
		}
	}
	if n := countOK(vals); n == 0 && len(probes) > 3 {
		return nil, fmt.Errorf("compat: no probe compiled for %s: the toolchain or headers are broken:\n%s", opts.KVer, run.Tail(log, 15))
	}
	return vals, nil
}

func countOK(v map[string]outcome) int {
	n := 0
	for _, o := range v {
		if o.ok {
			n++
		}
	}
	return n
}

// firstError is the first "error:" line mentioning file in a compile log.
func firstError(log, file string) string {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, file) && strings.Contains(line, "error:") {
			if i := strings.Index(line, file); i >= 0 {
				line = line[i:]
			}
			return strings.TrimSpace(line)
		}
	}
	return "did not compile"
}

// runBatched compiles many probes per translation unit: the union of their
// includes once at the top (each guarded by __has_include), then each
// probe's code under a #line marker so every diagnostic names the probe it
// belongs to. A probe with an error in its own lines is unavailable; all
// others in the unit compiled cleanly. Units run in parallel with the exact
// compiler command Kbuild uses for this kernel (see KbuildFlags); a unit
// whose errors cannot be attributed to a probe is redone one probe at a time.
func runBatched(ctx context.Context, opts Options, probes []*Probe) (map[string]outcome, int, error) {
	dir := filepath.Join(opts.OutDir, "work", "batch")
	if err := os.RemoveAll(dir); err != nil {
		return nil, 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, 0, err
	}
	t0 := time.Now()
	flags, err := KbuildFlags(ctx, opts)
	if err != nil {
		return nil, 0, err
	}
	logrus.Debugf("compat: Kbuild flags in %s", cli.Seconds(time.Since(t0)))
	t0 = time.Now()
	units := planUnits(probes, opts.Jobs)
	logs := make([]string, len(units))
	errs := make([]error, len(units))
	var wg sync.WaitGroup
	for i, u := range units {
		u.obj = fmt.Sprintf("batch%d.o", i)
		src := filepath.Join(dir, fmt.Sprintf("batch%d.c", i))
		if err := os.WriteFile(src, []byte(u.source()), 0o644); err != nil {
			return nil, 0, err
		}
		wg.Add(1)
		go func(i int, u *unit) {
			defer wg.Done()
			u.ok, logs[i], errs[i] = compileOne(ctx, opts, flags, src, u.werror)
		}(i, u)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, 0, err
		}
	}
	logrus.Debugf("compat: %d units compiled in %s", len(units), cli.Seconds(time.Since(t0)))
	vals := map[string]outcome{}
	var redo []*Probe
	for i, u := range units {
		if u.ok {
			for _, p := range u.probes {
				vals[p.Name] = outcome{ok: true}
			}
			continue
		}
		byFile, unattributed := attribute(parseDiagnostics(logs[i]), u)
		if unattributed == "" && len(byFile) == 0 {
			unattributed = "failed without a compiler error: " + run.Tail(logs[i], 3)
		}
		if unattributed != "" {
			logrus.Debugf("compat: %s has an error outside any probe (%s); compiling its probes one by one", u.obj, unattributed)
			redo = append(redo, u.probes...)
			continue
		}
		for _, p := range u.probes {
			if msg, bad := byFile[p.File]; bad {
				vals[p.Name] = outcome{detail: msg}
			} else {
				vals[p.Name] = outcome{ok: true}
			}
		}
	}
	if len(redo) > 0 {
		more, err := runDirect(ctx, opts, flags, filepath.Join(dir, "direct"), redo)
		if err != nil {
			return nil, 0, err
		}
		for k, v := range more {
			vals[k] = v
		}
	}
	return vals, len(redo), nil
}

// compileOne compiles src with Kbuild's flags (plus
// -Werror=implicit-function-declaration, and -Werror when asked) through
// code generation, discarding the output. It reports success and the log.
func compileOne(ctx context.Context, opts Options, flags *Cmd, src string, werror bool) (bool, string, error) {
	args := append(append([]string(nil), flags.Args...), "-Werror=implicit-function-declaration")
	if werror {
		args = append(args, "-Werror")
	}
	args = append(args, "-fdiagnostics-color=never", "-S", "-o", "/dev/null", src)
	cmd := opts.Exec.Command(ctx, opts.KDir, nil, flags.CC, args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if ctx.Err() != nil {
		return false, "", ctx.Err()
	}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return false, buf.String(), fmt.Errorf("compat: running %s: %w", flags.CC, err)
		}
	}
	return err == nil, buf.String(), nil
}

// KbuildFlags returns the compiler command Kbuild uses for a module object
// of this kernel: it builds one empty object with make -C KDIR M=... and
// reads the command from its .cmd file. The result is cached per headers
// identity and compiler, so this make runs once per target.
func KbuildFlags(ctx context.Context, opts Options) (*Cmd, error) {
	hostKDir := opts.Exec.HostPath(opts.KDir)
	id, err := HeadersIdentity(hostKDir)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256([]byte(engineVersion + "\n" + opts.KDir + "\n" + id + "\n" + KernelCC(hostKDir)))
	cacheFile := filepath.Join(opts.CacheDir, "compat", "flags", hex.EncodeToString(h[:])+".json")
	// Reused even with NoCache: it is the kernel's own command line, keyed
	// by the headers' content and the compiler, not a probe result.
	if b, err := os.ReadFile(cacheFile); err == nil {
		var c Cmd
		if json.Unmarshal(b, &c) == nil && c.CC != "" {
			return &c, nil
		}
	}
	dir := filepath.Join(opts.OutDir, "work", "flags")
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "nfsb_flags.c"), []byte("/* Kbuild records its compiler command line for this object. */\n"), 0o644); err != nil {
		return nil, err
	}
	if err := writeKbuild(dir, []string{"nfsb_flags.o"}, nil); err != nil {
		return nil, err
	}
	log, err := kbuild(ctx, opts, dir, []string{"nfsb_flags.o"})
	if err != nil {
		return nil, err
	}
	if !exists(filepath.Join(dir, "nfsb_flags.o")) {
		return nil, fmt.Errorf("compat: Kbuild cannot compile an empty module for %s in %s (is this kernel's toolchain installed? try --buildroot auto):\n%s",
			opts.KVer, opts.KDir, run.Tail(log, 15))
	}
	c, err := ReadCmd(filepath.Join(dir, ".nfsb_flags.o.cmd"))
	if err != nil {
		return nil, err
	}
	if err := fileutil.WriteJSON(cacheFile, c); err != nil {
		return nil, err
	}
	return c, nil
}

// unit is one batched translation unit.
type unit struct {
	probes []*Probe
	werror bool
	obj    string
	ok     bool
}

// planUnits splits the probes into at most jobs units of normal probes
// plus one unit of -Werror probes.
func planUnits(probes []*Probe, jobs int) []*unit {
	var normal, strict []*Probe
	for _, p := range probes {
		if p.Werror {
			strict = append(strict, p)
		} else {
			normal = append(normal, p)
		}
	}
	var units []*unit
	n := jobs
	if len(strict) > 0 && n > 1 {
		n-- // the -Werror unit takes one job
	}
	if n > len(normal) {
		n = len(normal)
	}
	for i := 0; i < n; i++ {
		units = append(units, &unit{})
	}
	for i, p := range normal {
		u := units[i%n]
		u.probes = append(u.probes, p)
	}
	if len(strict) > 0 {
		units = append(units, &unit{probes: strict, werror: true})
	}
	return units
}

// source renders the unit's C file.
func (u *unit) source() string {
	var b strings.Builder
	b.WriteString("/* Generated by the nfsbundle compat engine: several probes in one unit. */\n")
	for _, inc := range unionIncludes(u.probes) {
		fmt.Fprintf(&b, "#if __has_include(<%s>)\n#include <%s>\n#endif\n", inc, inc)
	}
	for _, p := range u.probes {
		fmt.Fprintf(&b, "#line 1 %q\n", p.File)
		for _, inc := range p.Includes {
			fmt.Fprintf(&b, "#if !__has_include(<%s>)\n#error \"<%s> does not exist\"\n#endif\n", inc, inc)
		}
		fmt.Fprintf(&b, "#line 1 %q\n", p.File)
		code := p.Code()
		for _, line := range strings.SplitAfter(code, "\n") {
			if reInclude.MatchString(line) {
				b.WriteString("\n")
				continue
			}
			b.WriteString(line)
		}
		if !strings.HasSuffix(code, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// unionIncludes lists every probe's includes once, in first-seen order,
// with trace/ headers (which redefine the TRACE_EVENT machinery) last.
func unionIncludes(probes []*Probe) []string {
	seen := map[string]bool{}
	var first, last []string
	for _, p := range probes {
		for _, inc := range p.Includes {
			if seen[inc] {
				continue
			}
			seen[inc] = true
			if strings.HasPrefix(inc, "trace/") {
				last = append(last, inc)
			} else {
				first = append(first, inc)
			}
		}
	}
	return append(first, last...)
}

// diag is one compiler error with every location it mentions.
type diag struct {
	msg     string
	files   []string // primary location first, then the notes
	context string   // the file of the "In function" line before it
}

// parseDiagnostics collects errors from a compile log. An error's group is
// its own line, the "In function" context before it and the notes after it
// (macro expansion sites), so an error inside a header macro is still tied
// to the probe that expanded it.
func parseDiagnostics(log string) []diag {
	var out []diag
	context := ""
	var cur *diag
	for _, line := range strings.Split(log, "\n") {
		file, kind, ok := splitDiag(line)
		switch {
		case strings.HasSuffix(line, ":") && (strings.Contains(line, ": In function ") || strings.Contains(line, ": At top level")):
			context = line[:strings.Index(line, ": ")]
			cur = nil
		case ok && (kind == "error" || kind == "fatal error"):
			out = append(out, diag{msg: strings.TrimSpace(line), files: []string{file}, context: context})
			cur = &out[len(out)-1]
		case ok && kind == "note" && cur != nil:
			cur.files = append(cur.files, file)
		case ok && kind == "warning":
			cur = nil
		}
	}
	return out
}

// splitDiag parses "file:line:col: kind: msg".
func splitDiag(line string) (file, kind string, ok bool) {
	for _, k := range []string{": fatal error: ", ": error: ", ": note: ", ": warning: "} {
		i := strings.Index(line, k)
		if i < 0 {
			continue
		}
		loc := line[:i]
		f := strings.Split(loc, ":")
		if len(f) < 2 {
			return "", "", false
		}
		// file:line or file:line:col
		end := len(f) - 1
		if len(f) >= 3 && isNum(f[len(f)-2]) {
			end = len(f) - 2
		}
		if !isNum(f[end]) {
			return "", "", false
		}
		return strings.Join(f[:end], ":"), strings.Trim(k, ": "), true
	}
	return "", "", false
}

func isNum(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// attribute maps the errors of unit u to its probes. It returns the first
// error per probe file, and a message when an error of this unit belongs to
// no probe (then the unit's results cannot be trusted).
func attribute(diags []diag, u *unit) (map[string]string, string) {
	mine := map[string]bool{}
	for _, p := range u.probes {
		mine[p.File] = true
	}
	src := strings.TrimSuffix(u.obj, ".o") + ".c"
	byFile := map[string]string{}
	for _, d := range diags {
		owner := ""
		for _, f := range append(d.files, d.context) {
			if mine[f] {
				owner = f
				break
			}
		}
		if owner != "" {
			if _, seen := byFile[owner]; !seen {
				msg := d.msg
				if i := strings.Index(msg, owner); i >= 0 {
					msg = msg[i:]
				}
				byFile[owner] = msg
			}
			continue
		}
		// An error naming no probe of this unit: ours if it names the
		// unit's file, or any file when it is the only failing unit we
		// cannot tell apart (headers).
		if strings.HasSuffix(d.files[0], "/"+src) || !namesAnyProbe(d) {
			return nil, d.msg
		}
	}
	return byFile, ""
}

func namesAnyProbe(d diag) bool {
	for _, f := range append(d.files, d.context) {
		if strings.HasPrefix(f, "probes/") {
			return true
		}
	}
	return false
}
