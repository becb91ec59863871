// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Command signbench times signing the NFS modules natively (package sign)
// against running the kernel's scripts/sign-file once per module, in one
// run, with the same throwaway key, and checks that both give the same
// bytes. Modules come from --modules DIR, else $NFSBUNDLE_STAGE
// (finish.json), else build/*/finish.json, else the stock Debian
// linux-image-6.1.0-56-amd64 NFS modules (downloaded with apt-get).
//
//	go run ./bench/signbench [--rounds 5] [--sign-file PATH] [--modules DIR]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/internal/run"
	"github.com/nfsbundle/nfsbundle/sign"
)

const debianImage = "linux-image-6.1.0-56-amd64"

type module struct {
	name string
	data []byte // uncompressed, unsigned
}

func main() {
	rounds := flag.Int("rounds", 5, "timing rounds (the median is reported)")
	signFile := flag.String("sign-file", "", "scripts/sign-file to compare with (default: linux-kbuild or headers copy)")
	modDir := flag.String("modules", "", "directory of .ko files to sign (default: staged build, else stock Debian modules)")
	hash := flag.String("hash", "sha256", "digest")
	flag.Parse()
	if err := bench(*rounds, *signFile, *modDir, *hash); err != nil {
		fmt.Fprintln(os.Stderr, "signbench:", err)
		os.Exit(1)
	}
}

func bench(rounds int, signFile, modDir, hash string) error {
	if rounds < 1 {
		rounds = 1
	}
	if signFile == "" {
		signFile = findSignFile()
		if signFile == "" {
			return errors.New("scripts/sign-file not found: install linux-kbuild-6.1 or pass --sign-file")
		}
	}
	mods, source, err := loadModules(modDir)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "signbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work) // also removes the throwaway key (mode 0600)
	keyPath, certPath, err := sign.GenerateKey(filepath.Join(work, "key"), "signbench throwaway key", 2048)
	if err != nil {
		return err
	}
	var total int64
	for _, m := range mods {
		total += int64(len(m.data))
	}
	fmt.Printf("modules: %d from %s, %.1f MB total, hash %s\n", len(mods), source, float64(total)/1e6, hash)
	fmt.Printf("sign-file: %s\n", signFile)

	var native, inMemory, external []time.Duration
	var identical int
	for r := 0; r < rounds; r++ {
		a := filepath.Join(work, fmt.Sprintf("native%d", r))
		b := filepath.Join(work, fmt.Sprintf("signfile%d", r))
		pa, err := writeModules(a, mods)
		if err != nil {
			return err
		}
		pb, err := writeModules(b, mods)
		if err != nil {
			return err
		}

		start := time.Now()
		s, err := sign.LoadSigner(keyPath, certPath, "")
		if err != nil {
			return err
		}
		for _, p := range pa {
			if err := s.SignFile(p, hash); err != nil {
				return err
			}
		}
		native = append(native, time.Since(start))

		start = time.Now()
		for _, m := range mods {
			if _, err := s.Sign(m.data, hash); err != nil {
				return err
			}
		}
		inMemory = append(inMemory, time.Since(start))

		start = time.Now()
		for _, p := range pb {
			if _, err := run.Output(context.Background(), signFile, hash, keyPath, certPath, p); err != nil {
				return err
			}
		}
		external = append(external, time.Since(start))

		if r == 0 {
			for i := range pa {
				x, _ := os.ReadFile(pa[i])
				y, _ := os.ReadFile(pb[i])
				if bytes.Equal(x, y) {
					identical++
				}
			}
		}
		os.RemoveAll(a)
		os.RemoveAll(b)
	}
	n, e := median(native), median(external)
	fmt.Printf("native (load key + SignFile all, atomic+fsync): median %5.1f ms  (%.2f ms/module)  min %.1f ms\n",
		ms(n), ms(n)/float64(len(mods)), ms(minDur(native)))
	fmt.Printf("native, in memory only (no file I/O/fsync): median %7.1f ms  (%.2f ms/module)\n",
		ms(median(inMemory)), ms(median(inMemory))/float64(len(mods)))
	fmt.Printf("sign-file (one process per module):         median %8.1f ms  (%.2f ms/module)  min %.1f ms\n",
		ms(e), ms(e)/float64(len(mods)), ms(minDur(external)))
	fmt.Printf("speedup: %.1fx over %d rounds; outputs byte-identical: %d/%d\n", float64(e)/float64(n), rounds, identical, len(mods))
	if identical != len(mods) {
		return fmt.Errorf("%d modules differ from sign-file's output", len(mods)-identical)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func minDur(d []time.Duration) time.Duration {
	m := d[0]
	for _, x := range d {
		m = min(m, x)
	}
	return m
}

func writeModules(dir string, mods []module) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out []string
	for i, m := range mods {
		p := filepath.Join(dir, fmt.Sprintf("%02d-%s", i, filepath.Base(m.name)))
		if err := os.WriteFile(p, m.data, 0o644); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func findSignFile() string {
	for _, pat := range []string{"/usr/lib/linux-kbuild-*/scripts/sign-file", "/usr/src/linux-headers-*/scripts/sign-file"} {
		m, _ := filepath.Glob(pat)
		for _, p := range m {
			if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
				return p
			}
		}
	}
	return ""
}

func loadModules(dir string) ([]module, string, error) {
	if dir != "" {
		return fromDir(dir)
	}
	manifest := os.Getenv("NFSBUNDLE_STAGE")
	if top, err := paths.Top(); manifest == "" && err == nil {
		m, _ := filepath.Glob(filepath.Join(top, "build", "*", "finish.json"))
		if len(m) > 0 {
			manifest = m[0]
		}
	}
	if manifest != "" {
		return fromManifest(manifest)
	}
	cache := filepath.Join(os.TempDir(), "nfsbundle-sign-it")
	root := filepath.Join(cache, "img", "lib", "modules", "6.1.0-56-amd64", "kernel")
	if _, err := os.Stat(filepath.Join(root, "net", "sunrpc", "sunrpc.ko")); err != nil {
		fmt.Printf("downloading %s into %s\n", debianImage, cache)
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return nil, "", err
		}
		ctx := context.Background()
		debs, err := debian.Host.Download(ctx, cache, debianImage)
		if err != nil {
			return nil, "", err
		}
		if err := debian.Extract(ctx, debs[0], filepath.Join(cache, "img")); err != nil {
			return nil, "", err
		}
		for _, d := range debs {
			os.Remove(d)
		}
	}
	var mods []module
	for _, sub := range []string{"net/sunrpc", "fs/nfs", "fs/nfs_common", "fs/lockd", "fs/nfsd"} {
		m, _, err := fromDir(filepath.Join(root, sub))
		if err != nil {
			return nil, "", err
		}
		mods = append(mods, m...)
	}
	return mods, "stock Debian " + debianImage + " (signatures stripped)", nil
}

func fromDir(dir string) ([]module, string, error) {
	var mods []module
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isModule(p) {
			return err
		}
		m, err := readModule(p)
		if err != nil {
			return err
		}
		mods = append(mods, module{name: p, data: m})
		return nil
	})
	if err == nil && len(mods) == 0 {
		err = fmt.Errorf("no .ko files under %s", dir)
	}
	return mods, dir, err
}

func isModule(p string) bool {
	for _, suf := range []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"} {
		if strings.HasSuffix(p, suf) {
			return true
		}
	}
	return false
}

func readModule(p string) ([]byte, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if data, err = sign.Decompress(data); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return sign.Strip(data), nil
}

func fromManifest(manifest string) ([]module, string, error) {
	m, err := finish.Load(manifest)
	if err != nil {
		return nil, "", err
	}
	var mods []module
	for _, e := range m.Modules {
		data, err := readModule(e.Path)
		if err != nil {
			return nil, "", err
		}
		mods = append(mods, module{name: e.Path, data: data})
	}
	if len(mods) == 0 {
		return nil, "", fmt.Errorf("%s lists no modules", manifest)
	}
	return mods, "staged build " + manifest, nil
}
