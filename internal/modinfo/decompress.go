// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package modinfo

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// MaxModule bounds decompressed modules (the largest NFS module with debug
// info is well under this).
const MaxModule = 512 << 20

// Decompress returns data uncompressed when it is an xz, zstd or gzip
// compressed module (as CONFIG_MODULE_COMPRESS_* installs them, whatever the
// file is called), else data itself. The signature of a compressed module
// sits inside the compressed stream.
func Decompress(data []byte) ([]byte, error) {
	var r io.Reader
	var err error
	var kind string
	switch {
	case bytes.HasPrefix(data, []byte("\xfd7zXZ\x00")):
		kind = "xz"
		r, err = xz.NewReader(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		kind = "zstd"
		var d *zstd.Decoder
		d, err = zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1))
		if err == nil {
			defer d.Close()
			r = d
		}
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		kind = "gzip"
		r, err = gzip.NewReader(bytes.NewReader(data))
	default:
		return data, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening %s stream: %w", kind, err)
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxModule+1))
	if err != nil {
		return nil, fmt.Errorf("decompressing %s: %w", kind, err)
	}
	if len(out) > MaxModule {
		return nil, fmt.Errorf("decompressing %s: more than %d bytes", kind, MaxModule)
	}
	return out, nil
}

// ReadModule returns the bytes of the module file at path, decompressed
// when they are xz, zstd or gzip (.ko.xz, .ko.zst, .ko.gz). Errors name path.
func ReadModule(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	data, err := Decompress(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// Open reads the module file at path (see ReadModule) as ELF.
func Open(path string) (*elf.File, error) {
	data, err := ReadModule(path)
	if err != nil {
		return nil, err
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: not an ELF module: %w", path, err)
	}
	return f, nil
}
