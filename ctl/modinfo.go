// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// ModuleName turns a module file name into the kernel's module name
// (sunrpc.ko.xz -> sunrpc, nfs-layout.ko -> nfs_layout).
func ModuleName(file string) string {
	b := filepath.Base(file)
	if i := strings.Index(b, ".ko"); i >= 0 {
		b = b[:i]
	}
	return strings.ReplaceAll(b, "-", "_")
}

// InstalledModules maps module name to the absolute path of the file
// modprobe would load for the running kernel, from modules.dep (depmod
// already resolved the updates/ over kernel/ priority). Without modules.dep
// it searches the module directory, preferring updates/, then extra/.
func InstalledModules(r Root) (map[string]string, error) {
	dir, err := r.ModuleDir()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	f, err := os.Open(filepath.Join(dir, "modules.dep"))
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			i := strings.IndexByte(line, ':')
			if i <= 0 {
				continue
			}
			p := line[:i]
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			name := ModuleName(p)
			if _, dup := out[name]; !dup {
				out[name] = p
			}
		}
		return out, sc.Err()
	}
	if !os.IsNotExist(err) {
		return nil, err
	}
	rank := func(p string) int {
		rel, _ := filepath.Rel(dir, p)
		switch {
		case strings.HasPrefix(rel, "updates/"):
			return 0
		case strings.HasPrefix(rel, "extra/"):
			return 1
		}
		return 2
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() || !strings.Contains(d.Name(), ".ko") {
			return nil
		}
		name := ModuleName(p)
		if old, ok := out[name]; !ok || rank(p) < rank(old) {
			out[name] = p
		}
		return nil
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("no modules found under %s (no modules.dep): is the kernel's module tree installed?", dir)
	}
	return out, err
}

// Modinfo is the .modinfo section of a module: key -> values.
type Modinfo map[string][]string

// Get returns the first value of key or "".
func (m Modinfo) Get(key string) string {
	if v := m[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// ReadModinfo reads the .modinfo section of a .ko file, which may be
// compressed with xz, zstd or gzip and may carry an appended signature.
func ReadModinfo(path string) (Modinfo, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	data, err := decompressModule(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ef, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: not an ELF module: %w", path, err)
	}
	sec := ef.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("%s: no .modinfo section", path)
	}
	b, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("%s: .modinfo: %w", path, err)
	}
	return ParseModinfo(b), nil
}

// ParseModinfo splits NUL-separated key=value strings.
func ParseModinfo(b []byte) Modinfo {
	mi := Modinfo{}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if i := bytes.IndexByte(kv, '='); i > 0 {
			k := string(kv[:i])
			mi[k] = append(mi[k], string(kv[i+1:]))
		}
	}
	return mi
}

func decompressModule(raw []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(raw, []byte("\x7fELF")):
		return raw, nil
	case bytes.HasPrefix(raw, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		zr, err := xz.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("xz: %w", err)
		}
		return io.ReadAll(zr)
	case bytes.HasPrefix(raw, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		defer zr.Close()
		return io.ReadAll(zr)
	case bytes.HasPrefix(raw, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return io.ReadAll(zr)
	}
	return nil, fmt.Errorf("unknown module format (not ELF, xz, zstd or gzip)")
}
