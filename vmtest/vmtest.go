// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package vmtest proves a build on the kernel it targets: it boots the
// distribution's own kernel image under qemu with an initramfs holding
// busybox, our staged modules (the kernel's own modules for everything we do
// not build) and a static Go helper (vmtest/guest), which loads the stack,
// runs named checks and NFS scenarios over loopback, and reports back on a
// second serial port. Run is the one entry point.
package vmtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// Phases at which extra checks run in the guest.
const (
	PhaseBeforeLoad = proto.PhaseBeforeLoad
	PhaseAfterLoad  = proto.PhaseAfterLoad
	PhaseEnd        = proto.PhaseEnd
)

// File is a host file copied into the initramfs at Dst.
type File struct {
	Src  string
	Dst  string
	Mode os.FileMode // default 0755
	// Data, when not nil, is the content (Src is not read), e.g. an
	// embedded guest script.
	Data []byte
}

// ExtraCheck is a named check added by another stage: a program run inside
// the guest (exit status 0 = PASS). Its environment has VMTEST_KVER,
// VMTEST_VERSION and VMTEST_MODDIR (where the packed modules are, named
// <name>.ko, for checks that load modules themselves).
type ExtraCheck struct {
	Name    string
	Argv    []string // Argv[0] is a guest path (one of Files, or a busybox applet)
	Env     []string
	Files   []File
	Phase   string        // PhaseBeforeLoad, PhaseAfterLoad or PhaseEnd (default)
	Timeout time.Duration // default 60s
	// NeedsMount runs the check while an NFSv3 mount (go-nfs over
	// loopback, nconnect=2, holding a file "hello") is up at the path in
	// $VMTEST_NFS_MOUNT, e.g. for nfsbundle-ctl status.
	NeedsMount bool
	// MountOptions replace "nconnect=2" in the options of that mount
	// (e.g. "nconnect=4"); the server address, port and version stay.
	MountOptions string
	// NeedsNfsd also runs kernel nfsd (NFSv4.2, export caches seeded) with
	// a mount of it at $VMTEST_NFSD_MOUNT (its export: $VMTEST_NFSD_EXPORT).
	NeedsNfsd bool
	// FullOutput returns the program's whole output and exit status in
	// Report.Outputs (vmtest --run).
	FullOutput bool
}

// Options select what Run boots and checks.
type Options struct {
	Top        string // repository root (default paths.Top())
	KVer       string // target kernel release (default: the manifest's)
	FinishJSON string // staged build manifest (default build/<kver>/finish.json)
	// Stock loads the kernel's own modules instead of ours while still
	// expecting ours: the version and identity checks must fail.
	Stock bool
	// StockModules replaces just these of ours with the kernel's own.
	StockModules []string
	// Modules are the modules to load (dependencies follow); default: every
	// module of the manifest (or the core NFS stack without one).
	Modules []string
	// Scenarios to run (default proto.AllScenarios); an empty non-nil slice
	// runs none.
	Scenarios []string
	// SkipLoad packs the modules but loads none (for extra checks that load
	// them under special conditions, e.g. module.sig_enforce=1).
	SkipLoad bool
	// NoVerify loads the modules but runs none of the version, srcversion
	// and modules-ours checks: for runs that boot the kernel's own stack on
	// purpose (Stock) and swap it for ours in an extra check.
	NoVerify bool
	// InstallTree puts the module tree in the guest the way the packages
	// install it, so modprobe, depmod-based tools and nfsbundle-ctl verify
	// work: /lib/modules/<kver>/kernel/... holds the kernel's own modules
	// of the stack and everything they and ours depend on,
	// updates/nfsbundle/... every module of the manifest, and the
	// modules.dep family comes from depmod -b on the host; all uncompressed.
	InstallTree bool
	ExtraChecks []ExtraCheck
	ExtraFiles  []File
	KernelArgs  []string      // appended to the kernel command line
	Timeout     time.Duration // the whole run; default 170s
	Memory      string        // guest RAM, default 512M
	Accel       string        // auto (default), tcg or kvm: see AccelChoice
	Guest       string        // a prebuilt guest helper ($NFSBUNDLE_VM_GUEST); "" builds ./vmtest/guest
	CPU         string        // qemu -cpu model under TCG (default qemu's)
	OutDir      string        // default build/<kver>/vmtest (Stock: build/<kver>/vmtest/stock)
	Cache       string        // the cache root (required): kernel images, NFS userspace
	NoCache     bool
	// SourceDateEpoch is the mtime of the initramfs entries (0: 1970).
	SourceDateEpoch int64
	NoPVH           bool      // boot the bzImage instead of the extracted vmlinux
	Console         io.Writer // live guest console (nil: only the log file)
	IOSizes         []int64   // go-nfs file sizes (default 1 B .. 64 MiB)
	NfsdIOSizes     []int64   // kernel nfsd file sizes
	// Net gives the guest a user-mode NIC; nil (the default): none.
	Net *Net
	// Serve configures the serve scenario (proto.ScenarioServe); FioJobs is
	// its fio job file when Serve.Fio is set.
	Serve   *proto.Serve
	FioJobs []byte
	// OnEvent sees each guest event while the guest runs (the report port
	// is polled), e.g. proto.EvReady from the serve scenario.
	OnEvent func(proto.Event)
}

// Net is the guest's network: a virtio-net NIC on qemu's user-mode network
// with restrict=on, so the guest reaches nothing outside, and the Forwards
// as the only way in, each bound to 127.0.0.1 on the host. The guest loads
// virtio_net (and what it needs) from the target kernel's own modules.
type Net struct {
	Forwards  []Forward
	probePort int // the netGuard's port (set by Run)
}

// Forward makes guest TCP port Guest reachable at 127.0.0.1:Host.
type Forward struct {
	Host, Guest int
}

// netModules bring up the NIC; their dependencies follow.
var netModules = []string{"virtio_pci", "virtio_net"}

// nicArg is qemu's -nic value for n.
func (n *Net) nicArg() string {
	if n == nil {
		return "none"
	}
	arg := "user,model=virtio-net-pci,restrict=on"
	for _, f := range n.Forwards {
		arg += fmt.Sprintf(",hostfwd=tcp:127.0.0.1:%d-:%d", f.Host, f.Guest)
	}
	return arg
}

// DefaultIOSizes are written over NFSv3 to go-nfs; DefaultNfsdIOSizes over nfsd.
var (
	DefaultIOSizes     = []int64{1, 4095, 65536 + 3, 1<<20 + 7, 8 << 20, 64 << 20}
	DefaultNfsdIOSizes = []int64{1, 65536 + 3, 1<<20 + 7, 8 << 20}
)

// Report is the outcome of one VM run.
type Report struct {
	KVer       string    `json:"kver"`
	Version    string    `json:"version"`
	Stock      bool      `json:"stock"`
	Accel      string    `json:"accel"`
	Kernel     string    `json:"kernel"`
	Passed     bool      `json:"passed"`
	Stages     []Stage   `json:"stages"`
	Checks     []Check   `json:"checks"`
	Modules    []Module  `json:"modules"`
	ConsoleLog string    `json:"console_log"`
	DmesgTail  []string  `json:"dmesg_tail,omitempty"`
	Outputs    []Output  `json:"outputs,omitempty"`
	HelperLog  []string  `json:"helper_log_tail,omitempty"`
	QemuExit   string    `json:"qemu_exit"`
	Started    time.Time `json:"started"`
}

// Stage is a timed step: pack, boot, load, each scenario, total.
type Stage struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration_ns"`
}

// Check is a named PASS/FAIL.
type Check struct {
	Name     string        `json:"name"`
	Passed   bool          `json:"passed"`
	Duration time.Duration `json:"duration_ns"`
	Detail   string        `json:"detail,omitempty"`
}

// Output is an extra check's whole output and exit status (-1: it did not
// exit, e.g. killed at its time limit).
type Output struct {
	Name   string `json:"name"`
	Output string `json:"output"`
	Exit   int    `json:"exit"`
}

// Module is one module loaded in the guest.
type Module struct {
	Name string `json:"name"`
	Ours bool   `json:"ours"`
	Path string `json:"path"`
}

// Failed lists the names of failed checks.
func (r *Report) Failed() []string {
	var out []string
	for _, c := range r.Checks {
		if !c.Passed {
			out = append(out, c.Name)
		}
	}
	return out
}

// Check returns the named check, or nil.
func (r *Report) Check(name string) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// FailedError is Run's error when the VM ran but checks failed.
type FailedError struct {
	Checks []string
	Report *Report
}

func (e *FailedError) Error() string {
	return fmt.Sprintf("VM test FAILED on %s: %s (console log: %s)", e.Report.KVer, strings.Join(e.Checks, ", "), e.Report.ConsoleLog)
}

// Run boots the target kernel and runs the checks. It returns the report
// and a *FailedError when any check failed; other errors mean the harness
// could not run (then the report may be nil).
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	if o.Cache == "" {
		return nil, errors.New("vmtest: no cache root (Options.Cache)")
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	started := time.Now()

	var fin *finish.Manifest
	if o.FinishJSON != "" {
		if _, err := os.Stat(o.FinishJSON); err == nil || !o.Stock {
			f, err := LoadManifest(o.FinishJSON)
			if err != nil {
				return nil, err
			}
			fin = f
		}
	}
	if o.KVer == "" {
		if fin == nil {
			return nil, errors.New("no target kernel: give --kernel KVER or build first (./build.sh bin)")
		}
		o.KVer = fin.KVer
	}
	if fin != nil && fin.KVer != o.KVer {
		return nil, fmt.Errorf("%s is for kernel %s, not %s", o.FinishJSON, fin.KVer, o.KVer)
	}
	if o.OutDir == "" {
		o.OutDir = filepath.Join(paths.BuildDir(o.Top, o.KVer), "vmtest")
		if o.Stock {
			o.OutDir = filepath.Join(o.OutDir, "stock")
		}
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return nil, err
	}
	// The expected nfs_bundle_version is the VERSION file's content (the
	// modules' version from the manifest only when the tree has no VERSION
	// file).
	version := ""
	if b, err := os.ReadFile(filepath.Join(o.Top, "VERSION")); err == nil {
		version = strings.TrimSpace(string(b))
	} else if fin != nil && fin.Version != "" {
		version = fin.ModuleVersion()
	} else {
		return nil, fmt.Errorf("reading VERSION: %w", err)
	}
	if fin != nil && fin.Version != "" && fin.ModuleVersion() != version {
		logrus.Warnf("vmtest: the staged build is version %s but VERSION says %s: rebuild (./build.sh bin)", fin.ModuleVersion(), version)
	}

	rep := &Report{KVer: o.KVer, Version: version, Stock: o.Stock, Started: started}
	tPack := time.Now()
	img, err := EnsureImage(ctx, o.Cache, o.KVer, o.NoCache)
	if err != nil {
		return nil, err
	}
	logrus.Debugf("vmtest: kernel %s (%s)", o.KVer, img.Source)
	tImage := time.Since(tPack)

	var guard *netGuard
	if o.Net != nil {
		if guard, err = newNetGuard(); err != nil {
			return nil, err
		}
		defer guard.close()
		n := *o.Net // the caller's Net stays as it was
		n.probePort = guard.port
		o.Net = &n
	}
	p, err := o.prepare(ctx, img, fin, version)
	if err != nil {
		return nil, err
	}
	rep.Modules = p.modules
	initrd := filepath.Join(o.OutDir, "initramfs.cpio")
	if err := p.pack(ctx, initrd, o.SourceDateEpoch); err != nil {
		return nil, err
	}
	rep.Stages = append(rep.Stages, Stage{"image", tImage}, Stage{"pack", time.Since(tPack) - tImage})

	kernel := img.Vmlinuz
	if !o.NoPVH {
		if k, err := PVHKernel(ctx, o.Cache, img); err == nil {
			kernel = k
		} else {
			logrus.Debugf("vmtest: booting the bzImage: %v", err)
		}
	}
	rep.Kernel = kernel
	res, err := runQemu(ctx, qemuConfig{
		Kernel: kernel, Initrd: initrd, Append: o.kernelCmdline(), Memory: o.Memory,
		Accel: detectAccel(o.Accel), CPU: o.CPU, ConsoleLog: filepath.Join(o.OutDir, "console.log"),
		ReportLog: filepath.Join(o.OutDir, "report.jsonl"), Console: o.Console,
		NIC: o.Net.nicArg(), OnEvent: o.OnEvent,
	})
	if err != nil {
		return nil, err
	}
	rep.Accel, rep.ConsoleLog, rep.QemuExit = res.Accel, res.ConsoleLog, res.Exit
	rep.absorb(res)
	if guard != nil {
		rep.Checks = append(rep.Checks, guard.check())
	}
	rep.Stages = append(rep.Stages, Stage{"total", time.Since(started)})
	rep.Passed = len(rep.Failed()) == 0
	if err := rep.save(filepath.Join(o.OutDir, "report.json")); err != nil {
		logrus.Warnf("vmtest: saving the report: %v", err)
	}
	if !rep.Passed {
		return rep, &FailedError{Checks: rep.Failed(), Report: rep}
	}
	return rep, nil
}

func (o *Options) defaults() error {
	if o.Top == "" {
		t, err := paths.Top()
		if err != nil {
			return err
		}
		o.Top = t
	}
	if o.FinishJSON == "" && o.KVer != "" {
		o.FinishJSON = filepath.Join(paths.BuildDir(o.Top, o.KVer), "finish.json")
	}
	if o.Timeout == 0 {
		o.Timeout = 170 * time.Second
	}
	if o.Memory == "" {
		o.Memory = "512M"
	}
	if o.Scenarios == nil {
		o.Scenarios = proto.AllScenarios
	}
	if o.IOSizes == nil {
		o.IOSizes = DefaultIOSizes
	}
	if o.NfsdIOSizes == nil {
		o.NfsdIOSizes = DefaultNfsdIOSizes
	}
	for _, x := range o.ExtraChecks {
		if x.Name == "" || len(x.Argv) == 0 {
			return fmt.Errorf("extra check %q needs a name and argv", x.Name)
		}
		switch x.Phase {
		case "", PhaseBeforeLoad, PhaseAfterLoad, PhaseEnd:
		default:
			return fmt.Errorf("extra check %s: unknown phase %q", x.Name, x.Phase)
		}
	}
	return nil
}

func (o *Options) kernelCmdline() string {
	args := []string{"console=ttyS0", "panic=-1", "quiet", "loglevel=3"}
	return strings.Join(append(args, o.KernelArgs...), " ")
}

// Summary prints PASS/FAIL per check and the time per stage.
func (r *Report) Summary(w io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "vmtest %s (version %s, accel %s, stock=%v)\n", r.KVer, r.Version, r.Accel, r.Stock)
	for _, c := range r.Checks {
		st := "PASS"
		if !c.Passed {
			st = "FAIL"
		}
		fmt.Fprintf(&b, "  %s  %-18s %7.2fs  %s\n", st, c.Name, c.Duration.Seconds(), c.Detail)
	}
	b.WriteString("stages:")
	for _, s := range r.Stages {
		fmt.Fprintf(&b, " %s=%.2fs", s.Name, s.Duration.Seconds())
	}
	b.WriteString("\n")
	if !r.Passed {
		fmt.Fprintf(&b, "FAILED checks: %s\n", strings.Join(r.Failed(), ", "))
		if len(r.DmesgTail) > 0 {
			fmt.Fprintf(&b, "--- guest dmesg (last %d lines) ---\n%s\n", len(r.DmesgTail), strings.Join(r.DmesgTail, "\n"))
		}
		if len(r.HelperLog) > 0 {
			fmt.Fprintf(&b, "--- helper log (last %d lines) ---\n%s\n", len(r.HelperLog), strings.Join(r.HelperLog, "\n"))
		}
		fmt.Fprintf(&b, "console log: %s\n", r.ConsoleLog)
	}
	io.WriteString(w, b.String())
}
