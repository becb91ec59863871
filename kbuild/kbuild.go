// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package kbuild

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/stack"
)

// Module is one built .ko in the source tree.
type Module struct {
	Name    string `json:"name"`
	RelPath string `json:"rel_path"` // e.g. net/sunrpc/sunrpc.ko
	Path    string `json:"path"`
}

// Result is what the kbuild stage produced.
type Result struct {
	Src      string
	Log      string
	Modules  []Module
	Args     []string
	MakeVars []string // the CONFIG_* assignments on the make command line
	Compiled int      // files compiled by this run ("CC [M]" lines)
	Total    int      // files a clean build compiles (CountObjects); 0 if unknown
}

// Summary is the stage's log line.
func (r *Result) Summary() string {
	return fmt.Sprintf("%d modules, log %s", len(r.Modules), r.Log)
}

// BuildError is a failed build with its first real error.
type BuildError struct {
	Log   string
	First string
	Hint  string
}

func (e *BuildError) Error() string {
	msg := "kernel module build failed"
	if e.First != "" {
		msg += ":\n  " + e.First
	}
	if e.Hint != "" {
		msg += "\nhint: " + e.Hint
	}
	return msg + "\nfull log: " + e.Log
}

// Run builds every module with one make invocation, logging to logPath,
// and checks that every module we promise was built.
func Run(ctx context.Context, p Params, logPath string) (*Result, error) {
	vars, err := ConfigAssignments(p)
	if err != nil {
		return nil, err
	}
	args, err := MakeArgs(p)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "# make %s\n", strings.Join(args, " "))
	var cmd *exec.Cmd
	if p.Command != nil {
		cmd = p.Command(ctx, "make", args...)
	} else {
		cmd = exec.CommandContext(ctx, "make", args...)
		cmd.Env = cleanEnv(os.Environ())
	}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	total := totalObjects(p.Src, p.Config, vars)
	var compiled atomic.Int64
	done := make(chan struct{})
	go func() { copyCounting(pr, logf, &compiled); close(done) }()
	stop := progress(&compiled, total)
	err = cmd.Run()
	pw.Close()
	<-done
	stop()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("build interrupted: %w", ctx.Err())
		}
		logf.Sync()
		return nil, firstError(logPath)
	}
	mods, err := FindModules(p.Src)
	if err != nil {
		return nil, err
	}
	r := &Result{Src: p.Src, Log: logPath, Modules: mods, Args: args, MakeVars: vars,
		Compiled: int(compiled.Load()), Total: total}
	if err := checkModules(r, p.WithoutRDMA); err != nil {
		return nil, err
	}
	return r, nil
}

// checkModules makes sure every module we promise was built.
func checkModules(kb *Result, withoutRDMA bool) error {
	have := map[string]bool{}
	for _, m := range kb.Modules {
		have[m.Name] = true
	}
	var missing []string
	for _, m := range stack.Names(withoutRDMA) {
		if !have[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the build produced no %s (log %s)", strings.Join(missing, ", "), kb.Log)
	}
	return nil
}

// cleanEnv drops make variables inherited from a calling make, which would
// change how kbuild behaves.
func cleanEnv(env []string) []string {
	var out []string
	for _, e := range env {
		k, _, _ := strings.Cut(e, "=")
		switch k {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "M", "KBUILD_EXTMOD", "O", "ARCH_OVERRIDE":
			continue
		}
		out = append(out, e)
	}
	return out
}

func copyCounting(r io.Reader, w io.Writer, n *atomic.Int64) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if moduleObjectLine(line) {
			n.Add(1)
		}
		io.WriteString(w, line+"\n")
	}
}

// moduleObjectLine says whether a kbuild output line compiles one of the
// files CountObjects counts. The .module-common.o that 6.12's modfinal
// compiles once per build is the kernel's, not the tree's: not counted,
// so the count stays within the total on every kernel.
func moduleObjectLine(line string) bool {
	f := strings.Fields(line)
	return len(f) == 3 && f[0] == "CC" && f[1] == "[M]" && filepath.Base(f[2]) != ".module-common.o"
}

// totalObjects is the progress total: what a clean build of src compiles
// (CountObjects), or 0 when the Makefiles hold something it cannot
// evaluate; progress then shows the count alone.
func totalObjects(src string, cfg detect.Config, vars []string) int {
	n, err := CountObjects(src, configValues(cfg, vars))
	if err != nil {
		logrus.Debugf("kbuild: no progress total: %v", err)
		return 0
	}
	return n
}

// progressLine is the progress log line: "kbuild: 73/170 files", or with
// no total (or more compiled than it predicted) the count alone.
func progressLine(compiled int64, total int) string {
	if total > 0 && compiled <= int64(total) {
		return fmt.Sprintf("kbuild: %d/%d files", compiled, total)
	}
	return fmt.Sprintf("kbuild: %d files compiled so far", compiled)
}

// progress logs how many of the total files were compiled every 15 s.
func progress(n *atomic.Int64, total int) func() {
	t := time.NewTicker(15 * time.Second)
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
				logrus.Info(progressLine(n.Load(), total))
			case <-quit:
				return
			}
		}
	}()
	return func() { t.Stop(); close(quit) }
}

var (
	ccErrRe     = regexp.MustCompile(`^(\S+?):(\d+):(\d+:)? (fatal error|error): (.*)$`)
	modpostRe   = regexp.MustCompile(`^ERROR: (modpost: )?(.*)$`)
	makeErrRe   = regexp.MustCompile(`^make(\[\d+\])?: \*\*\* (.*)$`)
	missingHdr  = regexp.MustCompile(`fatal error: (\S+): No such file or directory`)
	implicitDec = regexp.MustCompile(`implicit declaration of function '([^']+)'`)
)

// firstError scans the log for the first compiler, modpost or make error.
func firstError(logPath string) error {
	f, err := os.Open(logPath)
	if err != nil {
		return &BuildError{Log: logPath}
	}
	defer f.Close()
	var fallback string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case ccErrRe.MatchString(line):
			return &BuildError{Log: logPath, First: line, Hint: hintFor(line)}
		case modpostRe.MatchString(line):
			return &BuildError{Log: logPath, First: line, Hint: "a symbol the modules need is missing or duplicated in the target kernel: check that the target's built-in options match (build.sh detect)"}
		case fallback == "" && makeErrRe.MatchString(line):
			fallback = line
		}
	}
	return &BuildError{Log: logPath, First: fallback, Hint: "see the full log"}
}

func hintFor(line string) string {
	if m := missingHdr.FindStringSubmatch(line); m != nil {
		return fmt.Sprintf("the target headers have no %s: this kernel's API differs from what the tree expects (try --tree, or check the headers package is complete)", m[1])
	}
	if m := implicitDec.FindStringSubmatch(line); m != nil {
		return fmt.Sprintf("%s does not exist in this kernel: the tree needs a compat probe for it", m[1])
	}
	return "the target kernel's API differs from what the tree expects, or the compiler differs from the one the headers were built with (build.sh detect shows both)"
}

// FindModules lists the modules the last build produced: modules.order when
// kbuild wrote one (so stale .ko files of an earlier configuration are not
// picked up), else every .ko under src. Sorted by path.
func FindModules(src string) ([]Module, error) {
	if data, err := os.ReadFile(filepath.Join(src, "modules.order")); err == nil {
		return fromOrder(src, string(data))
	}
	var mods []Module
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".ko") {
			rel, _ := filepath.Rel(src, p)
			mods = append(mods, Module{Name: modinfo.NameFromFile(d.Name()), RelPath: rel, Path: p})
		}
		return nil
	})
	sort.Slice(mods, func(i, j int) bool { return mods[i].RelPath < mods[j].RelPath })
	return mods, err
}

// fromOrder reads modules.order: absolute paths (6.1 external builds),
// "kernel/"-prefixed ones in old kernels, ".o" names in 6.5+.
func fromOrder(src, order string) ([]Module, error) {
	var mods []Module
	for _, l := range strings.Fields(order) {
		rel := strings.TrimPrefix(l, "kernel/")
		if filepath.IsAbs(rel) {
			r, err := filepath.Rel(src, rel)
			if err != nil || strings.HasPrefix(r, "..") {
				return nil, fmt.Errorf("modules.order lists %s outside %s", l, src)
			}
			rel = r
		}
		rel = strings.TrimSuffix(strings.TrimSuffix(rel, ".ko"), ".o") + ".ko"
		p := filepath.Join(src, rel)
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("modules.order lists %s but it was not built", rel)
		}
		mods = append(mods, Module{Name: modinfo.NameFromFile(rel), RelPath: rel, Path: p})
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].RelPath < mods[j].RelPath })
	return mods, nil
}
