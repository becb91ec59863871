// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// InstancePrefix names the tracefs instances (RAM buffers) nfsbundle-ctl owns.
const InstancePrefix = "nfsbundle-"

// BufferSpec is one RAM buffer of a collection: a name, a class of events
// and a total size.
type BufferSpec struct {
	Name   string   `json:"name"`
	Class  string   `json:"class"`
	SizeMB int      `json:"size_mb"`
	Events []string `json:"events,omitempty"` // filled by Expand
}

var bufferNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// ParseBufferSpec parses "CLASS", "CLASS:MB", "NAME=CLASS" or
// "NAME=CLASS:MB" (the buffer is named after the class by default).
// CLASS is a preset or comma-separated system:glob patterns.
func ParseBufferSpec(s string) (BufferSpec, error) {
	b := BufferSpec{SizeMB: 100}
	name, rest, hasName := strings.Cut(s, "=")
	if !hasName {
		rest, name = s, ""
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		if n, err := strconv.Atoi(rest[i+1:]); err == nil {
			if n <= 0 {
				return b, fmt.Errorf("buffer %q: size must be a positive number of MB", s)
			}
			b.SizeMB, rest = n, rest[:i]
		}
	}
	b.Class = rest
	if _, err := ClassPatterns(b.Class); err != nil {
		return b, err
	}
	if name == "" {
		name = b.Class
		if _, preset := Presets[name]; !preset {
			name = "custom"
		}
	}
	if !bufferNameRE.MatchString(name) {
		return b, fmt.Errorf("buffer name %q: use letters, digits, '.', '_' or '-'", name)
	}
	b.Name = name
	return b, nil
}

// Tracer drives kernel tracing of the NFS stack, through trace-cmd when it
// is installed and tracefs directly otherwise.
type Tracer struct {
	Root     Root
	Tracefs  string // mounted tracefs
	TraceCmd string // path of trace-cmd; "" = use tracefs directly
	Out      io.Writer
	Now      func() time.Time
	// Mkdir and Rmdir create and remove tracefs instances (tests fake
	// the kernel with them).
	Mkdir func(string) error
	Rmdir func(string) error
}

// ErrNoTracefs is returned when tracefs is not mounted.
var ErrNoTracefs = errors.New("tracefs is not mounted")

// FindTracefs returns the mounted tracefs directory.
func FindTracefs(r Root) (string, error) {
	cands := []string{r.Sys("kernel", "tracing"), r.Sys("kernel", "debug", "tracing")}
	for _, d := range cands {
		if exists(filepath.Join(d, "events")) {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w (looked in %s): mount it with `mount -t tracefs nodev %s`", ErrNoTracefs, strings.Join(cands, " and "), cands[0])
}

// NewTracer finds tracefs and picks the backend: "auto" (trace-cmd when
// found in PATH), "trace-cmd" or "tracefs".
func NewTracer(r Root, backend string, out io.Writer) (*Tracer, error) {
	tfs, err := FindTracefs(r)
	if err != nil {
		return nil, err
	}
	t := &Tracer{Root: r, Tracefs: tfs, Out: out, Now: time.Now, Mkdir: func(p string) error { return os.Mkdir(p, 0o755) }, Rmdir: os.Remove}
	switch backend {
	case "", "auto":
		t.TraceCmd, _ = exec.LookPath("trace-cmd")
	case "trace-cmd":
		if t.TraceCmd, err = exec.LookPath("trace-cmd"); err != nil {
			return nil, fmt.Errorf("trace-cmd not found in PATH: install it (apt install trace-cmd / dnf install trace-cmd) or use --backend tracefs")
		}
	case "tracefs":
	default:
		return nil, fmt.Errorf("unknown trace backend %q (auto, trace-cmd, tracefs)", backend)
	}
	return t, nil
}

func (t *Tracer) backendName() string {
	if t.TraceCmd != "" {
		return "trace-cmd"
	}
	return "tracefs"
}

// Expand resolves each buffer's class to events and prints what will be
// enabled, in the seed's layout.
func (t *Tracer) Expand(specs []BufferSpec) error {
	seen := map[string]bool{}
	for i := range specs {
		if seen[specs[i].Name] {
			return fmt.Errorf("buffer %q given twice", specs[i].Name)
		}
		seen[specs[i].Name] = true
		evs, err := ExpandClass(t.Tracefs, specs[i].Class)
		if err != nil {
			return err
		}
		specs[i].Events = evs
	}
	fmt.Fprintln(t.Out, "Events:")
	for _, b := range specs {
		fmt.Fprintf(t.Out, "     class %s %d events bufsize %d MB (buffer %s)\n", b.Class, len(b.Events), b.SizeMB, b.Name)
	}
	return nil
}

func (t *Tracer) instanceDir(name string) string {
	return filepath.Join(t.Tracefs, "instances", InstancePrefix+name)
}

// Running lists the buffers of a background collection.
func (t *Tracer) Running() []string {
	ents, _ := os.ReadDir(filepath.Join(t.Tracefs, "instances"))
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), InstancePrefix) && e.Name() != InstancePrefix+"live" {
			out = append(out, strings.TrimPrefix(e.Name(), InstancePrefix))
		}
	}
	sort.Strings(out)
	return out
}

func writeTracefs(path, val string) error {
	if err := os.WriteFile(path, []byte(val+"\n"), 0o644); err != nil {
		return fmt.Errorf("tracefs: %w", err)
	}
	return nil
}

// startInstance creates the tracefs instance of b, sizes it, enables its
// events and turns it on.
func (t *Tracer) startInstance(b BufferSpec) error {
	dir := t.instanceDir(b.Name)
	if err := t.Mkdir(dir); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("trace buffer %s already exists: a collection is running (nfsbundle-ctl trace save, or trace stop)", b.Name)
		}
		return fmt.Errorf("cannot create trace buffer %s: %w", dir, err)
	}
	ncpu := runtime.NumCPU()
	perCPU := b.SizeMB * 1024 / ncpu
	if perCPU < 64 {
		perCPU = 64
	}
	if err := writeTracefs(filepath.Join(dir, "tracing_on"), "0"); err != nil {
		return err
	}
	if err := writeTracefs(filepath.Join(dir, "buffer_size_kb"), strconv.Itoa(perCPU)); err != nil {
		return err
	}
	var failed []string
	for _, ev := range b.Events {
		sys, name, _ := strings.Cut(ev, ":")
		if err := writeTracefs(filepath.Join(dir, "events", sys, name, "enable"), "1"); err != nil {
			failed = append(failed, ev)
		}
	}
	if len(failed) == len(b.Events) {
		return fmt.Errorf("could not enable any event in buffer %s (first: %s)", b.Name, failed[0])
	}
	if len(failed) > 0 {
		fmt.Fprintf(t.Out, "warning: %d events could not be enabled in buffer %s: %s\n", len(failed), b.Name, strings.Join(failed, " "))
	}
	return writeTracefs(filepath.Join(dir, "tracing_on"), "1")
}

func (t *Tracer) removeInstance(name string) error {
	dir := t.instanceDir(name)
	_ = writeTracefs(filepath.Join(dir, "tracing_on"), "0")
	var err error
	for i := 0; i < 40; i++ { // EBUSY while the kernel drops a reader's reference
		err = t.Rmdir(dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("cannot remove trace buffer %s: %w", dir, err)
}

// Stop drops every buffer of a background collection without saving.
func (t *Tracer) Stop() error {
	names := t.Running()
	if exists(t.instanceDir("live")) {
		names = append(names, "live")
	}
	if len(names) == 0 {
		fmt.Fprintln(t.Out, "no trace collection running")
		return nil
	}
	for _, n := range names {
		if err := t.removeInstance(n); err != nil {
			return err
		}
	}
	fmt.Fprintf(t.Out, "stopped and dropped trace buffers: %s\n", strings.Join(names, " "))
	return nil
}

// Live enables class and streams events to w until ctx ends.
func (t *Tracer) Live(ctx context.Context, class string, w io.Writer) error {
	specs := []BufferSpec{{Name: "live", Class: class, SizeMB: 8}}
	if err := t.Expand(specs); err != nil {
		return err
	}
	evs := specs[0].Events
	if t.TraceCmd != "" {
		fmt.Fprintf(t.Out, "Streaming %d events with trace-cmd; Ctrl-C to stop\n", len(evs))
		args := []string{"stream", "-i"}
		for _, e := range evs {
			args = append(args, "-e", e)
		}
		err := t.runForeground(ctx, w, t.TraceCmd, args...)
		if err == nil {
			return nil
		}
		fmt.Fprintf(t.Out, "warning: %v; falling back to tracefs\n", err)
	}
	if exists(t.instanceDir("live")) {
		return fmt.Errorf("trace buffer %s exists: another live trace runs, or one was killed (drop it with `nfsbundle-ctl trace stop`)", t.instanceDir("live"))
	}
	if err := t.startInstance(specs[0]); err != nil {
		_ = t.removeInstance("live")
		return err
	}
	defer func() {
		if err := t.removeInstance("live"); err != nil {
			fmt.Fprintf(t.Out, "warning: %v\n", err)
		}
	}()
	fmt.Fprintf(t.Out, "Streaming %d events from %s; Ctrl-C to stop\n", len(evs), t.instanceDir("live"))
	return pumpPipe(ctx, filepath.Join(t.instanceDir("live"), "trace_pipe"), w)
}

// runForeground runs a program until it exits or ctx ends (then it gets
// SIGINT, as from a terminal, and time to write its files).
func (t *Tracer) runForeground(ctx context.Context, w io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = w, t.Out
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil // stopped by the user
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", name, args[0], err)
	}
	return nil
}

// pumpPipe copies a tracefs trace_pipe to w until ctx ends. The pipe is
// read non-blocking so a cancel never waits for the next event.
func pumpPipe(ctx context.Context, path string, w io.Writer) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	buf := make([]byte, 64*1024)
	for {
		n, err := unix.Read(fd, buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				if errors.Is(werr, unix.EPIPE) {
					return nil // the reader went away (| head)
				}
				return werr
			}
			continue
		}
		if err != nil && err != unix.EAGAIN && err != unix.EINTR {
			return fmt.Errorf("read %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Collect starts a background collection into RAM buffers and returns: the
// kernel keeps filling them until Save or Stop.
func (t *Tracer) Collect(specs []BufferSpec) error {
	if r := t.Running(); len(r) > 0 {
		return fmt.Errorf("a trace collection is already running (buffers: %s): save it with `nfsbundle-ctl trace save` or drop it with `nfsbundle-ctl trace stop`", strings.Join(r, " "))
	}
	if err := t.Expand(specs); err != nil {
		return err
	}
	fmt.Fprintln(t.Out, "\nStarting background collection to RAM...")
	for i, b := range specs {
		if err := t.startInstance(b); err != nil {
			for _, s := range specs[:i+1] {
				_ = t.removeInstance(s.Name)
			}
			return err
		}
	}
	fmt.Fprintf(t.Out, "Collecting into %s. Save with `nfsbundle-ctl trace save`, drop with `nfsbundle-ctl trace stop`.\n", t.instanceDir("*"))
	return nil
}

// CollectToDir collects in the foreground, flushing RAM buffers to files
// in outdir (which must exist) until ctx ends.
func (t *Tracer) CollectToDir(ctx context.Context, specs []BufferSpec, outdir string) error {
	st, err := os.Stat(outdir)
	if err != nil || !st.IsDir() {
		return fmt.Errorf("output directory %s does not exist: create it first", outdir)
	}
	if r := t.Running(); len(r) > 0 {
		return fmt.Errorf("a trace collection is already running (buffers: %s): save or stop it first", strings.Join(r, " "))
	}
	fmt.Fprintf(t.Out, "Output directory: %s\n", outdir)
	var sfs unix.Statfs_t
	if unix.Statfs(outdir, &sfs) == nil {
		fmt.Fprintf(t.Out, "FS storage for traces: %d MB\n", uint64(sfs.Bavail)*uint64(sfs.Bsize)>>20)
	}
	if err := t.Expand(specs); err != nil {
		return err
	}
	logPath := filepath.Join(outdir, "collect.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(t.Out, "Saving logfile: %s\n", logPath)
	if t.TraceCmd != "" {
		args := []string{"record", "-i"}
		for _, b := range specs {
			args = append(args, "-B", InstancePrefix+b.Name, "-b", strconv.Itoa(max(b.SizeMB*1024/runtime.NumCPU(), 64)))
			for _, e := range b.Events {
				args = append(args, "-e", e)
			}
		}
		args = append(args, "-o", filepath.Join(outdir, "trace.dat"))
		fmt.Fprintln(t.Out, "Running trace-cmd. Wait for it to prompt readiness.\nHit Ctrl^C to stop recording")
		w := io.MultiWriter(logf, t.Out)
		err := t.runForeground(ctx, w, t.TraceCmd, args...)
		if err == nil {
			fmt.Fprintf(t.Out, "Collection done, %s can be packed and sent.\n", outdir)
			return nil
		}
		fmt.Fprintf(t.Out, "warning: %v; falling back to tracefs\n", err)
		fmt.Fprintf(logf, "trace-cmd failed: %v; falling back to tracefs\n", err)
		for _, b := range specs { // trace-cmd may leave its instances behind
			_ = t.removeInstance(b.Name)
		}
	}
	{
		for i, b := range specs {
			if err := t.startInstance(b); err != nil {
				for _, s := range specs[:i+1] {
					_ = t.removeInstance(s.Name)
				}
				return err
			}
		}
		fmt.Fprintln(t.Out, "Recording from tracefs. Hit Ctrl^C to stop recording")
		fmt.Fprintf(logf, "backend: tracefs %s\n", t.Tracefs)
		var wg sync.WaitGroup
		errs := make([]error, len(specs))
		for i, b := range specs {
			f, err := os.Create(filepath.Join(outdir, b.Name+".txt"))
			if err != nil {
				errs[i] = err
				continue
			}
			wg.Add(1)
			go func(i int, b BufferSpec, f *os.File) {
				defer wg.Done()
				defer f.Close()
				errs[i] = pumpPipe(ctx, filepath.Join(t.instanceDir(b.Name), "trace_pipe"), f)
			}(i, b, f)
		}
		wg.Wait()
		for _, b := range specs {
			_ = t.removeInstance(b.Name)
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	for _, b := range specs {
		fmt.Fprintf(logf, "buffer %s class %s size %d MB events: %s\n", b.Name, b.Class, b.SizeMB, strings.Join(b.Events, " "))
	}
	fmt.Fprintf(t.Out, "Collection done, %s can be packed and sent.\n", outdir)
	return nil
}

// Show prints what the RAM buffers hold now, without consuming it.
func (t *Tracer) Show(w io.Writer) error {
	names := t.Running()
	if len(names) == 0 {
		return fmt.Errorf("no trace collection running: start one with `nfsbundle-ctl trace collect`")
	}
	for _, n := range names {
		f, err := os.Open(filepath.Join(t.instanceDir(n), "trace"))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "# buffer %s\n", n)
		_, err = io.Copy(w, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Save writes the RAM buffers to a tar.gz (output "" = nfs-traces-<time>.tar.gz
// in the current directory), then drops the buffers. It returns the path.
func (t *Tracer) Save(ctx context.Context, output string) (string, error) {
	names := t.Running()
	if len(names) == 0 {
		return "", fmt.Errorf("no trace collection running: start one with `nfsbundle-ctl trace collect`")
	}
	stamp := t.Now().Format("20060102-150405")
	base := "nfs-traces-" + stamp
	if output == "" {
		output = base + ".tar.gz"
	}
	tmp, err := os.MkdirTemp("", "nfsbundle-trace-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(t.Out, "Saving tracing data to %s... (via %s)\n", output, tmp)
	// The text form always goes in too (readable without trace-cmd); read it
	// first: trace-cmd extract removes the instances it extracted.
	for _, n := range names {
		if err := fileutil.CopyFile(filepath.Join(t.instanceDir(n), "trace"), filepath.Join(tmp, n+".txt"), 0o644); err != nil {
			return "", fmt.Errorf("reading trace buffer %s: %w", n, err)
		}
		if b, err := os.ReadFile(filepath.Join(t.instanceDir(n), "set_event")); err == nil {
			_ = os.WriteFile(filepath.Join(tmp, n+".events"), b, 0o644)
		}
	}
	if t.TraceCmd != "" {
		args := []string{"extract"}
		for _, n := range names {
			args = append(args, "-B", InstancePrefix+n)
		}
		args = append(args, "-o", filepath.Join(tmp, "trace.dat"))
		cmd := exec.CommandContext(ctx, t.TraceCmd, args...)
		cmd.Dir = tmp
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("trace-cmd extract: %w: %s", err, strings.TrimSpace(string(out)))
		}
	}
	if err := writeTarGz(output, base, tmp, t.Now()); err != nil {
		return "", err
	}
	for _, n := range names {
		if err := t.removeInstance(n); err != nil {
			return output, err
		}
	}
	fmt.Fprintln(t.Out, "(note: the tracing RAM buffers are purged; use 'collect' again to collect new data)")
	if st, err := os.Stat(output); err == nil {
		abs, _ := filepath.Abs(output)
		fmt.Fprintf(t.Out, "%s %d bytes\n", abs, st.Size())
	}
	return output, nil
}

// writeTarGz packs the regular files of dir under prefix/ into output,
// atomically, with mtime set to when.
func writeTarGz(output, prefix, dir string, when time.Time) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	return fileutil.WriteAtomicFunc(output, 0o644, func(w io.Writer) error {
		gz := gzip.NewWriter(w)
		tw := tar.NewWriter(gz)
		for _, e := range ents {
			if !e.Type().IsRegular() {
				continue
			}
			p := filepath.Join(dir, e.Name())
			st, err := os.Stat(p)
			if err != nil {
				return err
			}
			hdr := &tar.Header{Name: prefix + "/" + e.Name(), Mode: 0o644, Size: st.Size(), ModTime: when, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		return gz.Close()
	})
}
