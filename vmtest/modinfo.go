// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/run"
)

// moduleName is the kernel's name for a module file: basename without
// .ko[.xz|.zst|.gz], dashes as underscores.
func moduleName(path string) string {
	b := filepath.Base(path)
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		b = strings.TrimSuffix(b, ext)
	}
	return normName(strings.TrimSuffix(b, ".ko"))
}

func normName(s string) string { return strings.ReplaceAll(s, "-", "_") }

// readModule returns a module file's ELF bytes, decompressed when the name
// says so (busybox-free finit_module in the guest wants plain ELF).
func readModule(ctx context.Context, path string) ([]byte, error) {
	switch {
	case strings.HasSuffix(path, ".gz"):
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return io.ReadAll(zr)
	case strings.HasSuffix(path, ".xz"):
		return run.Output(ctx, "xz", "-dc", "--", path)
	case strings.HasSuffix(path, ".zst"):
		return run.Output(ctx, "zstd", "-qdc", "--", path)
	}
	return os.ReadFile(path)
}

// ModInfo is what the harness needs from a module's ELF file.
type ModInfo struct {
	Name       string
	Depends    []string
	SrcVersion string
	BuildID    string
}

// parseModInfo reads .modinfo (key=value\0...) and the GNU build-id note.
func parseModInfo(data []byte) (*ModInfo, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not an ELF module: %w", err)
	}
	defer f.Close()
	mi := &ModInfo{}
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("no .modinfo section")
	}
	raw, err := sec.Data()
	if err != nil {
		return nil, err
	}
	for _, kv := range bytes.Split(raw, []byte{0}) {
		k, v, ok := strings.Cut(string(kv), "=")
		if !ok {
			continue
		}
		switch k {
		case "name":
			mi.Name = normName(v)
		case "depends":
			for _, d := range strings.Split(v, ",") {
				if d != "" {
					mi.Depends = append(mi.Depends, normName(d))
				}
			}
		case "srcversion":
			mi.SrcVersion = v
		}
	}
	if s := f.Section(".note.gnu.build-id"); s != nil {
		if b, err := s.Data(); err == nil {
			mi.BuildID = noteDesc(b, f.ByteOrder)
		}
	}
	return mi, nil
}

func noteDesc(b []byte, bo interface{ Uint32([]byte) uint32 }) string {
	if len(b) < 12 {
		return ""
	}
	namesz, descsz := bo.Uint32(b[0:]), bo.Uint32(b[4:])
	off := 12 + (int(namesz)+3)&^3
	if off+int(descsz) > len(b) {
		return ""
	}
	return hex.EncodeToString(b[off : off+int(descsz)])
}
