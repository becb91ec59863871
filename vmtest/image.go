// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/debian"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Image is a distribution kernel: its boot image and its module tree.
type Image struct {
	KVer    string
	Root    string // filesystem root holding boot/ and lib/modules/<kver>
	Vmlinuz string // the bzImage
	ModDir  string // <Root>/lib/modules/<kver>
	Source  string // "installed" or "downloaded: <deb>"
}

// EnsureImage finds the kernel image for kver: the installed
// /boot/vmlinuz-<kver> with its /lib/modules tree, else the distribution
// package fetched with apt-get download from the kernel's own Debian
// release (debian.ForKernel: a trixie kernel from trixie on a bookworm host)
// and unpacked with dpkg-deb -x into <cache>/images/<kver> (once; later runs
// reuse it).
func EnsureImage(ctx context.Context, cache, kver string, noCache bool) (*Image, error) {
	if img := imageAt("/", kver); img != nil {
		img.Source = "installed"
		return img, nil
	}
	dir := filepath.Join(cache, "images", kver)
	root := filepath.Join(dir, "root")
	if !noCache {
		if img := imageAt(root, kver); img != nil {
			img.Source = "cached " + root
			return img, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(dir, ".fetch-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var deb string
	var errs []error
	apt := debian.ForKernel(cache, kver)
	for _, pkg := range []string{"linux-image-" + kver, "linux-image-" + kver + "-unsigned"} {
		logrus.Infof("vmtest: downloading %s (apt-get download)", pkg)
		debs, err := apt.Download(ctx, tmp, pkg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		deb = debs[0]
		break
	}
	if deb == "" {
		return nil, fmt.Errorf("cannot obtain the kernel image for %s: not installed (/boot/vmlinuz-%s) and apt-get download failed: %w; install linux-image-%s or check the APT sources",
			kver, kver, errors.Join(errs...), kver)
	}
	troot := filepath.Join(tmp, "root")
	if err := debian.Extract(ctx, deb, troot); err != nil {
		return nil, fmt.Errorf("unpacking %s: %w", deb, err)
	}
	if imageAt(troot, kver) == nil {
		return nil, fmt.Errorf("%s holds no boot/vmlinuz-%s with lib/modules/%s", filepath.Base(deb), kver, kver)
	}
	os.RemoveAll(root)
	if err := os.Rename(troot, root); err != nil {
		return nil, err
	}
	img := imageAt(root, kver)
	img.Source = "downloaded " + filepath.Base(deb)
	return img, nil
}

func imageAt(root, kver string) *Image {
	img := &Image{
		KVer:    kver,
		Root:    root,
		Vmlinuz: filepath.Join(root, "boot", "vmlinuz-"+kver),
	}
	if st, err := os.Stat(img.Vmlinuz); err != nil || st.Size() == 0 {
		return nil
	}
	// Debian 13's packages ship the modules below usr/ (merged /usr).
	for _, dir := range []string{"lib", "usr/lib"} {
		mods := filepath.Join(root, dir, "modules", kver)
		if _, err := os.Stat(filepath.Join(mods, "kernel")); err == nil {
			img.ModDir = mods
			return img
		}
	}
	return nil
}

// PVHKernel returns the uncompressed vmlinux extracted from the bzImage
// (cached next to the image). qemu boots it through its PVH ELF note,
// skipping the in-guest decompressor, which is slow under TCG. It fails
// when the payload's compression is not handled or there is no PVH note;
// callers then boot the bzImage.
func PVHKernel(ctx context.Context, cache string, img *Image) (string, error) {
	out := filepath.Join(cache, "images", img.KVer, "vmlinux")
	if st, err := os.Stat(out); err == nil && st.ModTime().After(modTime(img.Vmlinuz)) {
		return out, nil
	}
	bz, err := os.ReadFile(img.Vmlinuz)
	if err != nil {
		return "", err
	}
	payload, err := bzPayload(bz)
	if err != nil {
		return "", err
	}
	var raw []byte
	switch {
	case bytes.HasPrefix(payload, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		tmp, err := os.CreateTemp("", "vmtest-payload-*.xz")
		if err != nil {
			return "", err
		}
		defer os.Remove(tmp.Name())
		tmp.Write(payload)
		tmp.Close()
		if raw, err = run.Output(ctx, "xz", "-dc", "--single-stream", tmp.Name()); err != nil {
			return "", fmt.Errorf("decompressing the kernel payload: %w", err)
		}
	case bytes.HasPrefix(payload, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		tmp, err := os.CreateTemp("", "vmtest-payload-*.zst")
		if err != nil {
			return "", err
		}
		defer os.Remove(tmp.Name())
		tmp.Write(payload[:len(payload)-4]) // minus the appended size
		tmp.Close()
		if raw, err = run.Output(ctx, "zstd", "-qdc", tmp.Name()); err != nil {
			return "", fmt.Errorf("decompressing the kernel payload: %w", err)
		}
	case bytes.HasPrefix(payload, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(payload))
		if err != nil {
			return "", err
		}
		zr.Multistream(false)
		if raw, err = io.ReadAll(zr); err != nil {
			return "", err
		}
	default:
		return "", fmt.Errorf("kernel payload compression % x not handled", payload[:6])
	}
	if !hasPVHNote(raw) {
		return "", errors.New("vmlinux has no PVH entry note (CONFIG_PVH off)")
	}
	if err := fileutil.WriteAtomic(out, raw, 0o644); err != nil {
		return "", err
	}
	return out, nil
}

func modTime(p string) (t0 time.Time) {
	if st, err := os.Stat(p); err == nil {
		return st.ModTime()
	}
	return t0
}

// bzPayload returns the compressed kernel inside a bzImage (boot protocol
// >= 2.08: payload_offset/payload_length in the setup header).
func bzPayload(bz []byte) ([]byte, error) {
	if len(bz) < 0x250 || string(bz[0x202:0x206]) != "HdrS" {
		return nil, errors.New("not a bzImage (no HdrS)")
	}
	setupSects := int(bz[0x1f1])
	if setupSects == 0 {
		setupSects = 4
	}
	pm := (setupSects + 1) * 512
	off := int(binary.LittleEndian.Uint32(bz[0x248:]))
	n := int(binary.LittleEndian.Uint32(bz[0x24c:]))
	if n == 0 || pm+off+n > len(bz) {
		return nil, errors.New("bzImage payload out of range")
	}
	return bz[pm+off : pm+off+n], nil
}

// hasPVHNote looks for XEN_ELFNOTE_PHYS32_ENTRY (type 18, owner "Xen").
func hasPVHNote(raw []byte) bool {
	f, err := elf.NewFile(bytes.NewReader(raw))
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			continue
		}
		for len(b) >= 12 {
			namesz := int(f.ByteOrder.Uint32(b[0:]))
			descsz := int(f.ByteOrder.Uint32(b[4:]))
			typ := f.ByteOrder.Uint32(b[8:])
			name := b[12:min(len(b), 12+namesz)]
			if typ == 18 && bytes.HasPrefix(name, []byte("Xen")) {
				return true
			}
			next := 12 + (namesz+3)&^3 + (descsz+3)&^3
			if next > len(b) {
				break
			}
			b = b[next:]
		}
	}
	return false
}
