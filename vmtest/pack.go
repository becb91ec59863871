// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/run"
	"github.com/nfsbundle/nfsbundle/internal/stack"
	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// GuestEnv names a prebuilt guest helper to use instead of building
// ./vmtest/guest with the Go toolchain; the driver passes it as Options.Guest.
const GuestEnv = "NFSBUNDLE_VM_GUEST"

// StageCompatEnv names, in the test suite, the staged build (finish.json)
// of the main tree on a kernel it reaches through the compat layer
// (trixie's 6.12): the VM and conformance tests run on it too.
const StageCompatEnv = "NFSBUNDLE_STAGE_COMPAT"

type prepared struct {
	plan    proto.Plan
	tree    *cpioTree
	modules []Module
}

// prepare resolves the modules, builds the guest helper and lays out the
// initramfs.
func (o *Options) prepare(ctx context.Context, img *Image, fin *finish.Manifest, version string) (*prepared, error) {
	stock, err := indexModules(filepath.Join(img.ModDir, "kernel"))
	if err != nil {
		return nil, err
	}
	ours := map[string]string{}     // every module we built: name -> staged file
	expected := map[string]string{} // name -> srcversion recorded by finish
	var verify []string             // names checked as ours
	if fin != nil {
		for _, m := range fin.Modules {
			ours[m.Name], expected[m.Name] = m.Path, m.SrcVersion
			verify = append(verify, m.Name)
		}
	} else {
		verify = stack.Core
	}
	load := map[string]string{}
	if !o.Stock {
		for n, p := range ours {
			if !slices.Contains(o.StockModules, n) {
				load[n] = p
			}
		}
	}
	roots := o.Modules
	if roots == nil {
		roots = verify
	}
	if o.Net != nil {
		// A kernel with a driver built in (trixie: CONFIG_VIRTIO_PCI=y)
		// has nothing to load for it.
		builtin, err := builtinModules(img.ModDir)
		if err != nil {
			return nil, err
		}
		roots = slices.Clip(roots)
		for _, m := range netModules {
			if !builtin[m] {
				roots = append(roots, m)
			}
		}
	}
	if o.Stock || len(o.StockModules) > 0 {
		var keep []string
		for _, r := range roots {
			if _, ok := load[modinfo.NormalizeName(r)]; ok {
				keep = append(keep, r)
			} else if _, ok := stock[modinfo.NormalizeName(r)]; ok {
				keep = append(keep, r)
			} else {
				logrus.Warnf("vmtest: the kernel has no module %s of its own; not loaded", r)
			}
		}
		roots = keep
	}
	order, err := resolveOrder(ctx, roots, load, stock)
	if err != nil {
		return nil, err
	}

	p := &prepared{tree: newCpioTree()}
	p.plan = proto.Plan{KVer: o.KVer, Version: version, SkipLoad: o.SkipLoad, NoVerify: o.NoVerify, Scenarios: o.Scenarios,
		IOSizes: o.IOSizes, NfsdIOSizes: o.NfsdIOSizes, Serve: o.Serve}
	if o.Net != nil {
		p.plan.Net, p.plan.NetProbePort = true, o.Net.probePort
	}
	for _, m := range order {
		gm := proto.Module{Name: m.Name, File: proto.ModDir + "/" + m.Name + ".ko"}
		if slices.Contains(verify, m.Name) {
			gm.Ours = true
			gm.SrcVersion = expected[m.Name]
			if ourPath, ok := ours[m.Name]; ok {
				info := m.Info
				if !m.Ours { // loading the stock file: take the identity from ours
					data, err := modinfo.ReadModule(ourPath)
					if err != nil {
						return nil, err
					}
					if info, err = parseModInfo(data); err != nil {
						return nil, fmt.Errorf("%s: %w", ourPath, err)
					}
				}
				gm.BuildID = info.BuildID
				if gm.SrcVersion == "" {
					gm.SrcVersion = info.SrcVersion
				}
			}
		}
		p.plan.Modules = append(p.plan.Modules, gm)
		p.tree.file(gm.File, m.Data, 0o644)
		p.modules = append(p.modules, Module{Name: m.Name, Ours: m.Ours, Path: m.Path})
	}
	names := make([]string, len(order))
	for i, m := range order {
		names[i] = m.Name
		if m.Ours {
			names[i] += "*"
		}
	}
	logrus.Debugf("vmtest: load order (* = ours): %v", names)

	guest, err := o.guestBinary(ctx)
	if err != nil {
		return nil, err
	}
	p.tree.hostFile("init", guest, 0o755)
	bb, err := findBusybox()
	if err != nil {
		return nil, err
	}
	p.tree.hostFile("bin/busybox", bb, 0o755)
	p.tree.add(&cpioEntry{Name: "dev/console", Mode: cpioChr | 0o600, Major: 5, Minor: 1})
	for _, d := range []string{"proc", "sys", "dev", "tmp", "run", "mnt", "srv", "sbin", "usr/bin", "usr/sbin", "lib64", "var/lib/nfs"} {
		p.tree.mkdirAll(d)
	}
	for name, content := range guestEtc {
		p.tree.file(name, []byte(content), 0o644)
	}
	if slices.Contains(o.Scenarios, proto.ScenarioNfsdV3) || slices.Contains(o.Scenarios, proto.ScenarioServe) {
		files, err := nfsUserspace(ctx, o.Cache)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			p.tree.hostFile(f.Dst, f.Src, f.Mode)
		}
	}
	if o.Serve != nil && o.Serve.Fio {
		files, err := fioFiles()
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			p.tree.hostFile(f.Dst, f.Src, f.Mode)
		}
		p.tree.file(proto.FioJobFile, o.FioJobs, 0o644)
	}
	if o.InstallTree {
		if err := installTree(ctx, p.tree, o.KVer, img.ModDir, stock, fin); err != nil {
			return nil, err
		}
	}
	for _, f := range o.ExtraFiles {
		p.addFile(f)
	}
	for _, x := range o.ExtraChecks {
		for _, f := range x.Files {
			p.addFile(f)
		}
		phase := x.Phase
		if phase == "" {
			phase = PhaseEnd
		}
		p.plan.Extra = append(p.plan.Extra, proto.Extra{Name: x.Name, Argv: x.Argv, Env: x.Env,
			Phase: phase, TimeoutSec: int(x.Timeout / time.Second), NeedsMount: x.NeedsMount,
			MountOptions: x.MountOptions, NeedsNfsd: x.NeedsNfsd, FullOutput: x.FullOutput})
	}
	plan, err := json.MarshalIndent(p.plan, "", " ")
	if err != nil {
		return nil, err
	}
	p.tree.file(proto.PlanPath, plan, 0o644)
	return p, nil
}

func (p *prepared) addFile(f File) {
	mode := uint32(f.Mode.Perm())
	if mode == 0 {
		mode = 0o755
	}
	if f.Data != nil {
		p.tree.file(f.Dst, f.Data, mode)
		return
	}
	p.tree.hostFile(f.Dst, f.Src, mode)
}

// pack writes the initramfs (uncompressed newc: under TCG the kernel
// unpacks it faster than it decompresses it).
func (p *prepared) pack(_ context.Context, out string, mtime int64) error {
	return fileutil.WriteAtomicFunc(out, 0o644, func(w io.Writer) error {
		return p.tree.write(w, mtime)
	})
}

func findBusybox() (string, error) {
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox", "/usr/lib/initramfs-tools/bin/busybox"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("busybox not found: install busybox-static")
}

// guestBinary is o.Guest, else ./vmtest/guest built as a static
// linux/amd64 binary.
func (o *Options) guestBinary(ctx context.Context) (string, error) {
	if o.Guest != "" {
		return o.Guest, nil
	}
	goBin, err := findGo()
	if err != nil {
		return "", err
	}
	out := filepath.Join(o.OutDir, "guest-init")
	env := append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if _, err := run.OutputIn(ctx, o.Top, env, goBin, "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./vmtest/guest"); err != nil {
		return "", fmt.Errorf("building the guest helper: %w", err)
	}
	return out, nil
}

func findGo() (string, error) {
	if p, ok := run.LookPath("go", run.GoFallbacks()...); ok {
		return p, nil
	}
	return "", fmt.Errorf("the Go toolchain is needed to build the VM guest helper (or set %s to a prebuilt one)", GuestEnv)
}
