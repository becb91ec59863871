// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/stack"
)

// Why the initramfs matters: initramfs-tools (MODULES=most) and dracut copy
// the kernel's NFS modules into the image for NFS root. When anything loads
// sunrpc before the root file system is mounted, the copy in the image wins
// over /lib/modules/K/updates, and the inbox stack runs although ours is
// installed. Regenerating the image after installing fixes it.

// InitramfsState is the verdict for one module found in the image.
type InitramfsState string

const (
	InitramfsOK    InitramfsState = "ok"    // same srcversion as the installed file
	InitramfsInbox InitramfsState = "INBOX" // the kernel's own module, ours is installed
	InitramfsStale InitramfsState = "STALE" // another build than the installed one
	InitramfsError InitramfsState = "error" // unreadable
)

// InitramfsOptions select the image to check.
type InitramfsOptions struct {
	Kernel string // kernel release; "" for the running one (or the one in Image)
	Image  string // image path; "" for the kernel's image under Root.BootRoot
	Reader string // one of InitramfsReaders; "" is auto
}

// InitramfsModule is one line of `verify --initramfs`.
type InitramfsModule struct {
	Module        string         `json:"module"`
	State         InitramfsState `json:"state"`
	Path          string         `json:"path"` // inside the image
	Srcversion    string         `json:"initramfs_srcversion,omitempty"`
	Installed     string         `json:"installed_srcversion,omitempty"`
	InstalledPath string         `json:"installed_path,omitempty"`
	// Loaded is /sys/module/X/srcversion, when the image is the running
	// kernel's and the module is loaded.
	Loaded string `json:"loaded_srcversion,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// InitramfsReport is the result of VerifyInitramfs.
type InitramfsReport struct {
	Image   string            `json:"image"`
	Kernel  string            `json:"kernel"`
	Reader  string            `json:"reader"`
	Note    string            `json:"note,omitempty"`
	Modules []InitramfsModule `json:"modules"` // stack order; empty when the image has none
	// Fix is the command that regenerates the image ("" when not needed).
	Fix string `json:"fix,omitempty"`
}

// Failed reports whether the image carries a module other than the
// installed one.
func (rep *InitramfsReport) Failed() bool { return rep.Fix != "" }

// VerifyInitramfs lists the stack's modules inside the initramfs and
// compares each with the installed file and the loaded module.
func VerifyInitramfs(ctx context.Context, r Root, ex Executor, o InitramfsOptions) (*InitramfsReport, error) {
	if o.Kernel != "" {
		if err := detect.CheckRelease(o.Kernel); err != nil {
			return nil, fmt.Errorf("--kernel: %w", err)
		}
	}
	reader, read, note, err := pickReader(ex, o.Reader)
	if err != nil {
		return nil, err
	}
	running, _ := r.Release()
	image, err := initramfsImage(r, o, running)
	if err != nil {
		return nil, err
	}
	files, err := read(ctx, ex, image, isStackModulePath)
	if err != nil {
		return nil, fmt.Errorf("reading the initramfs %s with %s: %w", image, reader, err)
	}
	kernel, err := imageKernel(files, o.Kernel, running)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", image, err)
	}
	rep := &InitramfsReport{Image: image, Kernel: kernel, Reader: reader, Note: note, Modules: []InitramfsModule{}}
	kr := r
	kr.KernelRelease = kernel
	inst, err := InstalledModules(kr)
	if err != nil {
		// Every module found is then compared with nothing, and says so.
		rep.Note = strings.TrimPrefix(rep.Note+"; "+err.Error(), "; ")
	}
	for _, f := range files {
		if f.Data == nil {
			continue
		}
		if k, _, _, _ := splitModulePath(f.Name); k != kernel {
			continue
		}
		m := checkInitramfsModule(f, inst)
		if kernel == running {
			addLoaded(r, &m)
		}
		rep.Modules = append(rep.Modules, m)
	}
	sortStackOrder(rep.Modules)
	if needsRegeneration(rep.Modules) {
		rep.Fix = regenerateCommand(ex, kernel)
	}
	return rep, nil
}

// initramfsImage is o.Image, or the image of the kernel under BootRoot:
// Debian and Ubuntu name it initrd.img-K, dracut initramfs-K.img.
func initramfsImage(r Root, o InitramfsOptions, running string) (string, error) {
	if o.Image != "" {
		if _, err := os.Stat(o.Image); err != nil {
			return "", fmt.Errorf("--image: %w", err)
		}
		return o.Image, nil
	}
	k := o.Kernel
	if k == "" {
		if err := detect.CheckRelease(running); err != nil {
			return "", fmt.Errorf("the running kernel release: %w: give --kernel or --image", err)
		}
		k = running
	}
	names := []string{"initrd.img-" + k, "initramfs-" + k + ".img"}
	for _, n := range names {
		p := filepath.Join(r.BootRoot, n)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no initramfs for kernel %s in %s (looked for %s): give the image with --image PATH",
		k, r.BootRoot, strings.Join(names, ", "))
}

// splitModulePath splits "usr/lib/modules/K/kernel/net/sunrpc/sunrpc.ko"
// into the kernel release, the path under the module tree and the module
// name; ok is false for anything else. The image keeps the module tree
// under lib/ or, merged-/usr, under usr/lib/.
func splitModulePath(p string) (kernel, rel, name string, ok bool) {
	p = strings.TrimPrefix(p, "usr/")
	rest, found := strings.CutPrefix(p, "lib/modules/")
	if !found {
		return "", "", "", false
	}
	kernel, rel, found = strings.Cut(rest, "/")
	if !found || !strings.Contains(filepath.Base(rel), ".ko") {
		return "", "", "", false
	}
	return kernel, rel, modinfo.NameFromFile(rel), true
}

// isStackModulePath selects the files whose data the readers keep.
func isStackModulePath(p string) bool {
	_, _, name, ok := splitModulePath(p)
	return ok && slices.Contains(stack.Names(false), name)
}

// imageKernel is the release the image is checked for: --kernel, else the
// one kernel whose module tree the image carries, else the running one.
func imageKernel(files []cpioFile, flag, running string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	set := map[string]bool{}
	for _, f := range files {
		if k, _, _, ok := splitModulePath(f.Name); ok {
			set[k] = true
		}
	}
	var ks []string
	for k := range set {
		ks = append(ks, k)
	}
	switch len(ks) {
	case 0:
		return running, nil
	case 1:
		if err := detect.CheckRelease(ks[0]); err != nil {
			return "", fmt.Errorf("the image's module tree: %w", err)
		}
		return ks[0], nil
	}
	return "", fmt.Errorf("the image holds modules of %d kernels: say which with --kernel", len(ks))
}

// checkInitramfsModule compares the image's copy with the installed file.
func checkInitramfsModule(f cpioFile, inst map[string]string) InitramfsModule {
	_, rel, name, _ := splitModulePath(f.Name)
	m := InitramfsModule{Module: name, Path: f.Name, InstalledPath: inst[name]}
	sv, err := srcversionOf(f.Data)
	if err != nil {
		m.State, m.Detail = InitramfsError, err.Error()
		return m
	}
	m.Srcversion = sv
	if m.InstalledPath != "" {
		if mi, err := modinfo.ReadFile(m.InstalledPath); err == nil {
			m.Installed = mi.First("srcversion")
		}
	}
	switch {
	case m.InstalledPath == "":
		m.State, m.Detail = InitramfsStale, "no installed file for this module"
	case sameModule(m, rel):
		m.State = InitramfsOK
	case strings.HasPrefix(rel, "kernel/"):
		m.State, m.Detail = InitramfsInbox, "the kernel's own module; the installed one is "+m.InstalledPath
	default:
		m.State, m.Detail = InitramfsStale, "another build than the installed file"
	}
	return m
}

// sameModule: the srcversions match, or, for modules without one (inbox
// modules of some kernels), both are the same file of the module tree.
func sameModule(m InitramfsModule, rel string) bool {
	if m.Srcversion != "" || m.Installed != "" {
		return m.Srcversion == m.Installed
	}
	return strings.HasSuffix(m.InstalledPath, "/"+rel)
}

func srcversionOf(data []byte) (string, error) {
	plain, err := modinfo.Decompress(data)
	if err != nil {
		return "", err
	}
	mi, err := modinfo.Read(bytes.NewReader(plain))
	if err != nil {
		return "", err
	}
	return mi.First("srcversion"), nil
}

// addLoaded records the loaded module's srcversion; when it is the
// image's copy and not the installed file, that explains why it runs.
func addLoaded(r Root, m *InitramfsModule) {
	if !exists(r.Sys("module", m.Module, "initstate")) {
		return
	}
	m.Loaded, _ = readTrim(r.Sys("module", m.Module, "srcversion"))
	if m.State != InitramfsOK && m.Loaded != "" && m.Loaded == m.Srcversion {
		m.Detail += "; the loaded module is this copy"
	}
}

func sortStackOrder(ms []InitramfsModule) {
	order := stack.Names(false)
	sort.SliceStable(ms, func(i, j int) bool {
		return slices.Index(order, ms[i].Module) < slices.Index(order, ms[j].Module)
	})
}

func needsRegeneration(ms []InitramfsModule) bool {
	for _, m := range ms {
		if m.State != InitramfsOK {
			return true
		}
	}
	return false
}

// regenerateCommand names the command that rebuilds the kernel's image
// with the installed modules, for the generator this system has. kernel
// has passed detect.CheckRelease.
func regenerateCommand(ex Executor, kernel string) string {
	deb := "update-initramfs -u -k " + kernel
	rh := "dracut -f --kver " + kernel
	switch {
	case lookAll(ex, "update-initramfs"):
		return deb
	case lookAll(ex, "dracut"):
		return rh
	}
	return deb + " (Debian, Ubuntu) or " + rh + " (RHEL, Fedora, SUSE)"
}

// Print writes one line per module, then the verdict.
func (rep *InitramfsReport) Print(w io.Writer) {
	fmt.Fprintf(w, "initramfs: %s (kernel %s, read with %s)\n", rep.Image, rep.Kernel, rep.Reader)
	if len(rep.Modules) == 0 {
		fmt.Fprintln(w, "no NFS module in the initramfs: the installed stack loads from /lib/modules after boot")
		return
	}
	for _, m := range rep.Modules {
		line := fmt.Sprintf("%-24s %-6s initramfs=%s installed=%s loaded=%s", m.Module, m.State,
			dash(m.Srcversion), dash(m.Installed), dash(m.Loaded))
		if m.Detail != "" {
			line += " (" + m.Detail + ")"
		}
		fmt.Fprintln(w, line)
	}
}

// Problem is the one-paragraph explanation of a failed check.
func (rep *InitramfsReport) Problem() error {
	if !rep.Failed() {
		return nil
	}
	var inbox, other []string
	for _, m := range rep.Modules {
		switch m.State {
		case InitramfsOK:
		case InitramfsInbox:
			inbox = append(inbox, m.Module)
		default:
			other = append(other, m.Module)
		}
	}
	what := "modules other than the installed ones (" + strings.Join(other, " ") + ")"
	if len(inbox) > 0 {
		what = "the inbox NFS stack (" + strings.Join(inbox, " ") + ")"
	}
	return errors.New("the initramfs of " + rep.Kernel + " still carries " + what +
		": loaded at boot, it runs instead of nfsbundle. Regenerate it: " + rep.Fix)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
