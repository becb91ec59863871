// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// The built-in initramfs reader, used when neither lsinitramfs nor lsinitrd
// is installed. An initramfs is a sequence of newc cpio archives, each
// optionally compressed, that the kernel unpacks in order: mkinitramfs and
// dracut put an uncompressed "early" archive (CPU microcode, ACPI tables)
// first and the compressed main archive after it.

const (
	cpioHeaderLen = 110
	cpioTrailer   = "TRAILER!!!"
	// cpioMaxName bounds a name: PATH_MAX, a corrupt header must not make
	// us allocate gigabytes.
	cpioMaxName  = 4096
	modeTypeMask = 0o170000
	modeRegular  = 0o100000
)

// cpioFile is one regular file of an initramfs.
type cpioFile struct {
	Name string
	Data []byte // only for the files the caller asked for
}

// scanInitramfs reads every archive of the image in r and returns its
// regular files, in order; the data of those want accepts is kept.
func scanInitramfs(r io.Reader, want func(name string) bool) ([]cpioFile, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var out []cpioFile
	for {
		if err := skipZeros(br); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		magic, _ := br.Peek(6)
		if string(magic) == "070701" || string(magic) == "070702" {
			files, err := readArchive(br, want)
			out = append(out, files...)
			if err != nil {
				return out, err
			}
			continue
		}
		// A compressed segment runs to the end of the image: the
		// decompressed stream may itself hold several archives.
		dec, kind, closer, err := modinfo.NewReader(br)
		if err != nil {
			return out, err
		}
		defer closer()
		if kind == "" {
			return out, fmt.Errorf("unknown data at a segment start (magic %x): compressed with lz4, bzip2 or lzma? install lsinitramfs (initramfs-tools) or lsinitrd (dracut), which read every format", magic)
		}
		files, err := scanInitramfs(dec, want)
		return append(out, files...), err
	}
}

// skipZeros drops the zero padding between archives; io.EOF at the end.
func skipZeros(br *bufio.Reader) error {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return err
		}
		if b != 0 {
			return br.UnreadByte()
		}
	}
}

// readArchive reads one newc archive up to and including its trailer.
// Every entry starts 4-byte aligned relative to the archive's start, which
// is where br stands.
func readArchive(br *bufio.Reader, want func(string) bool) ([]cpioFile, error) {
	var out []cpioFile
	for {
		var hdr [cpioHeaderLen]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return out, fmt.Errorf("cpio header: %w", truncated(err))
		}
		mode, err1 := cpioField(hdr[:], 1)
		size, err2 := cpioField(hdr[:], 6)
		nameLen, err3 := cpioField(hdr[:], 11)
		if err := errors.Join(err1, err2, err3); err != nil || nameLen == 0 || nameLen > cpioMaxName {
			return out, fmt.Errorf("corrupt cpio header %q", hdr[:14])
		}
		name := make([]byte, nameLen+pad4(cpioHeaderLen+nameLen))
		if _, err := io.ReadFull(br, name); err != nil {
			return out, fmt.Errorf("cpio name: %w", truncated(err))
		}
		n := strings.TrimPrefix(strings.TrimRight(string(name[:nameLen]), "\x00"), "./")
		if n == cpioTrailer {
			return out, nil
		}
		data, err := readEntryData(br, size, mode&modeTypeMask == modeRegular && want(n))
		if err != nil {
			return out, fmt.Errorf("%s: %w", n, err)
		}
		if mode&modeTypeMask == modeRegular {
			out = append(out, cpioFile{Name: n, Data: data})
		}
	}
}

// readEntryData reads (keep) or skips an entry's data and its padding.
func readEntryData(br *bufio.Reader, size uint64, keep bool) ([]byte, error) {
	if size > modinfo.MaxModule && keep {
		return nil, fmt.Errorf("%d bytes: larger than any kernel module", size)
	}
	total := int64(size) + int64(pad4(size))
	if !keep {
		_, err := io.CopyN(io.Discard, br, total)
		return nil, truncated(err)
	}
	buf := make([]byte, total)
	if _, err := io.ReadFull(br, buf); err != nil {
		return nil, truncated(err)
	}
	return buf[:size], nil
}

// cpioField is the i-th 8-hex-digit field after the 6-byte magic.
func cpioField(hdr []byte, i int) (uint64, error) {
	off := 6 + 8*i
	return strconv.ParseUint(string(hdr[off:off+8]), 16, 32)
}

func pad4(n uint64) uint64 { return (4 - n%4) % 4 }

// truncated names an early end of the image.
func truncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("image truncated")
	}
	return err
}
