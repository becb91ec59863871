// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// installedModule is one file of the guest's /lib/modules/<kver> tree.
type installedModule struct {
	Rel  string // relative to /lib/modules/<kver>, uncompressed name
	Data []byte // plain ELF
}

// depmodOutputs are the files depmod writes that the guest gets.
var depmodOutputs = []string{
	"modules.dep", "modules.dep.bin", "modules.alias", "modules.alias.bin",
	"modules.softdep", "modules.symbols", "modules.symbols.bin", "modules.builtin.bin",
	"modules.builtin.alias.bin", "modules.devname",
}

// Files copied from the kernel's tree as they are (depmod reads them).
var kernelTreeFiles = []string{"modules.order", "modules.builtin", "modules.builtin.modinfo"}

// installTree lays out /lib/modules/<kver> in the initramfs as the packages
// install it (InstallTree): ours under updates/nfsbundle/, the kernel's own
// stack modules and every module they or ours depend on under kernel/, and
// the depmod index built by `depmod -b` on the host.
func installTree(ctx context.Context, tree *cpioTree, kver, modDir string, stock map[string]string, fin *finish.Manifest) error {
	if fin == nil {
		return errors.New("InstallTree needs the staged build (finish.json): run ./build.sh bin")
	}
	mods, err := treeModules(ctx, modDir, stock, fin)
	if err != nil {
		return err
	}
	base, err := os.MkdirTemp("", "vmtest-modtree-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(base)
	dir := filepath.Join(base, "lib", "modules", kver)
	for _, m := range mods {
		p := filepath.Join(dir, filepath.FromSlash(m.Rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, m.Data, 0o644); err != nil {
			return err
		}
	}
	extra := map[string][]byte{}
	for _, f := range kernelTreeFiles {
		if b, err := os.ReadFile(filepath.Join(modDir, f)); err == nil {
			extra[f] = b
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
				return err
			}
		}
	}
	depmod, err := findDepmod()
	if err != nil {
		return err
	}
	if _, err := run.Output(ctx, depmod, "-b", base, kver); err != nil {
		return fmt.Errorf("depmod for the guest's module tree: %w", err)
	}
	for _, f := range depmodOutputs {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
			extra[f] = b
		}
	}
	if _, ok := extra["modules.dep"]; !ok {
		return fmt.Errorf("depmod -b %s %s wrote no modules.dep", base, kver)
	}
	root := "lib/modules/" + kver + "/"
	for _, m := range mods {
		tree.file(root+m.Rel, m.Data, 0o644)
	}
	for f, b := range extra {
		tree.file(root+f, b, 0o644)
	}
	logrus.Debugf("vmtest: guest module tree /%s: %d modules (%d ours under updates/nfsbundle)", root, len(mods), len(fin.Modules))
	return nil
}

// treeModules picks the files of the guest's module tree.
func treeModules(ctx context.Context, modDir string, stock map[string]string, fin *finish.Manifest) ([]installedModule, error) {
	var out []installedModule
	var queue []string
	for _, m := range fin.Modules {
		data, err := modinfo.ReadModule(m.Path)
		if err != nil {
			return nil, err
		}
		info, err := parseModInfo(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Path, err)
		}
		rel := m.RelPath
		if rel == "" {
			rel = filepath.Base(m.Path)
		}
		out = append(out, installedModule{Rel: path.Join("updates/nfsbundle", plainModuleName(filepath.ToSlash(rel))), Data: data})
		queue = append(queue, m.Name)
		queue = append(queue, info.Depends...)
	}
	seen := map[string]bool{}
	for len(queue) > 0 {
		n := modinfo.NormalizeName(queue[0])
		queue = queue[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		p, ok := stock[n]
		if !ok {
			continue // a module the kernel has no copy of (or builds in)
		}
		rel, err := filepath.Rel(modDir, p)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("module %s is outside %s", p, modDir)
		}
		data, err := modinfo.ReadModule(p)
		if err != nil {
			return nil, err
		}
		info, err := parseModInfo(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, installedModule{Rel: plainModuleName(filepath.ToSlash(rel)), Data: data})
		queue = append(queue, info.Depends...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rel < out[j].Rel })
	return out, nil
}

// plainModuleName drops a compression suffix: the files are stored plain.
func plainModuleName(rel string) string {
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		if strings.HasSuffix(rel, ".ko"+ext) {
			return strings.TrimSuffix(rel, ext)
		}
	}
	return rel
}

func findDepmod() (string, error) {
	if p, ok := run.LookPath("depmod", "/usr/sbin/depmod", "/sbin/depmod"); ok {
		return p, nil
	}
	return "", errors.New("depmod not found: install kmod (the guest's module tree is indexed on the host)")
}
