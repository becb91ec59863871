// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package modinfo

import (
	"bufio"
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

// NewReader returns a reader of the stream r starts with, uncompressed when
// r starts with the magic number of xz, zstd or gzip, and the name of that
// compression ("" when r is not compressed: then the reader is r itself).
// Peeking needs a *bufio.Reader, so that no byte is lost. Close the returned
// closer when done (it frees the zstd decoder's goroutines).
func NewReader(r *bufio.Reader) (out io.Reader, kind string, closer func(), err error) {
	magic, _ := r.Peek(6)
	closer = func() {}
	switch {
	case bytes.HasPrefix(magic, []byte("\xfd7zXZ\x00")):
		kind = "xz"
		out, err = xz.NewReader(r)
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		kind = "zstd"
		var d *zstd.Decoder
		d, err = zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err == nil {
			out, closer = d, d.Close
		}
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		kind = "gzip"
		out, err = gzip.NewReader(r)
	default:
		return r, "", closer, nil
	}
	if err != nil {
		return nil, kind, closer, fmt.Errorf("opening %s stream: %w", kind, err)
	}
	return out, kind, closer, nil
}

// Decompress returns data uncompressed when it is an xz, zstd or gzip
// compressed module (as CONFIG_MODULE_COMPRESS_* installs them, whatever the
// file is called), else data itself. The signature of a compressed module
// sits inside the compressed stream.
func Decompress(data []byte) ([]byte, error) {
	r, kind, closer, err := NewReader(bufio.NewReader(bytes.NewReader(data)))
	defer closer()
	if err != nil {
		return nil, err
	}
	if kind == "" {
		return data, nil
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
