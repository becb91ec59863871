// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// How an initramfs is read. The distribution's own tool comes first: it
// knows every compression and layout its generator writes.
const (
	ReaderAuto        = "auto"
	ReaderLsinitramfs = "lsinitramfs" // Debian, Ubuntu: initramfs-tools
	ReaderLsinitrd    = "lsinitrd"    // RHEL, Fedora, SUSE: dracut
	ReaderBuiltin     = "builtin"     // our own cpio reader (gzip, xz, zstd)
)

// InitramfsReaders are the values --reader accepts.
var InitramfsReaders = []string{ReaderAuto, ReaderLsinitramfs, ReaderLsinitrd, ReaderBuiltin}

// readImageFunc returns an image's regular files, with the data of the
// ones want accepts.
type readImageFunc func(ctx context.Context, ex Executor, image string, want func(string) bool) ([]cpioFile, error)

// pickReader resolves ReaderAuto to the first tool installed; note says
// when it had to fall back to the built-in reader.
func pickReader(ex Executor, name string) (reader string, read readImageFunc, note string, err error) {
	if name == "" || name == ReaderAuto {
		switch {
		case lookAll(ex, "lsinitramfs", "unmkinitramfs"):
			name = ReaderLsinitramfs
		case lookAll(ex, "lsinitrd"):
			name = ReaderLsinitrd
		default:
			name = ReaderBuiltin
			note = "neither lsinitramfs (initramfs-tools) nor lsinitrd (dracut) is installed: reading the image with the built-in reader (gzip, xz, zstd)"
		}
	}
	switch name {
	case ReaderLsinitramfs:
		return name, readWithInitramfsTools, note, nil
	case ReaderLsinitrd:
		return name, readWithLsinitrd, note, nil
	case ReaderBuiltin:
		return name, readBuiltin, note, nil
	}
	return "", nil, "", fmt.Errorf("unknown initramfs reader: use one of %s", strings.Join(InitramfsReaders, ", "))
}

func lookAll(ex Executor, names ...string) bool {
	for _, n := range names {
		if _, err := ex.LookPath(n); err != nil {
			return false
		}
	}
	return true
}

// readBuiltin parses the image itself.
func readBuiltin(_ context.Context, _ Executor, image string, want func(string) bool) ([]cpioFile, error) {
	f, err := os.Open(image)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	files, err := scanInitramfs(f, want)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", image, err)
	}
	return files, nil
}

// readWithInitramfsTools lists with lsinitramfs and, when a wanted file is
// there, unpacks the image with unmkinitramfs to read it: lsinitramfs has
// no way to print one file.
func readWithInitramfsTools(ctx context.Context, ex Executor, image string, want func(string) bool) ([]cpioFile, error) {
	out, err := ex.Output(ctx, "lsinitramfs", image)
	if err != nil {
		return nil, err
	}
	var files []cpioFile
	var wanted []int
	seen := map[string]bool{}
	for _, n := range strings.Split(string(out), "\n") {
		n = strings.TrimPrefix(strings.TrimSpace(n), "./")
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		if want(n) {
			wanted = append(wanted, len(files))
		}
		// lsinitramfs prints no file types: directories are listed too,
		// which is harmless as no directory is called *.ko.
		files = append(files, cpioFile{Name: n})
	}
	if len(wanted) == 0 {
		return files, nil
	}
	dir, err := os.MkdirTemp("", "nfsbundle-initramfs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// As non-root, cpio cannot create the image's device nodes and
	// unmkinitramfs fails after unpacking the files: judge by the files.
	_, unpackErr := ex.Output(ctx, "unmkinitramfs", image, dir)
	for _, i := range wanted {
		data, err := readUnpacked(dir, files[i].Name)
		if err != nil {
			return nil, errors.Join(err, unpackErr)
		}
		files[i].Data = data
	}
	return files, nil
}

// readUnpacked finds name in what unmkinitramfs wrote: the archive's files
// directly in dir when the image has one archive, else in dir/early,
// dir/early2, ... and dir/main. The main archive wins.
func readUnpacked(dir, name string) ([]byte, error) {
	segs, _ := filepath.Glob(filepath.Join(dir, "early*"))
	slices.Reverse(segs)
	for _, d := range append([]string{filepath.Join(dir, "main"), dir}, segs...) {
		if data, err := os.ReadFile(filepath.Join(d, name)); err == nil {
			return data, nil
		}
	}
	return nil, fmt.Errorf("unmkinitramfs did not unpack %s", name)
}

// readWithLsinitrd lists with `lsinitrd IMAGE` (cpio -tv lines) and reads
// each wanted file with `lsinitrd -f NAME IMAGE`.
func readWithLsinitrd(ctx context.Context, ex Executor, image string, want func(string) bool) ([]cpioFile, error) {
	out, err := ex.Output(ctx, "lsinitrd", image)
	if err != nil {
		return nil, err
	}
	files := parseLsinitrd(out)
	for i := range files {
		if !want(files[i].Name) {
			continue
		}
		data, err := ex.Output(ctx, "lsinitrd", "-f", files[i].Name, image)
		if err != nil {
			return nil, err
		}
		files[i].Data = data
	}
	return files, nil
}

// parseLsinitrd keeps the regular files of `lsinitrd` output: lines of
// `cpio -tv` ("-rw-r--r--   1 root root 952 Dec  2 05:09 path"), between
// banner lines that do not start with a file mode.
func parseLsinitrd(out []byte) []cpioFile {
	var files []cpioFile
	seen := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 9 || len(f[0]) != 10 || f[0][0] != '-' {
			continue
		}
		n := strings.TrimPrefix(strings.Join(f[8:], " "), "./")
		if !seen[n] {
			seen[n] = true
			files = append(files, cpioFile{Name: n})
		}
	}
	return files
}
