// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// maxModule bounds decompressed modules (the largest NFS module with debug
// info is well under this).
const maxModule = 512 << 20

// Decompress returns data uncompressed when it is an xz, zstd or gzip
// compressed module (as CONFIG_MODULE_COMPRESS_* installs them), else data
// itself. The signature sits inside the compressed stream.
func Decompress(data []byte) ([]byte, error) {
	var r io.Reader
	var err error
	var kind string
	switch {
	case len(data) >= 6 && string(data[:6]) == "\xfd7zXZ\x00":
		kind = "xz"
		r, err = xz.NewReader(bytes.NewReader(data))
	case len(data) >= 4 && string(data[:4]) == "\x28\xb5\x2f\xfd":
		kind = "zstd"
		var d *zstd.Decoder
		d, err = zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1))
		if err == nil {
			defer d.Close()
			r = d
		}
	case len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b:
		kind = "gzip"
		r, err = gzip.NewReader(bytes.NewReader(data))
	default:
		return data, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening %s stream: %w", kind, err)
	}
	out, err := io.ReadAll(io.LimitReader(r, maxModule+1))
	if err != nil {
		return nil, fmt.Errorf("decompressing %s: %w", kind, err)
	}
	if len(out) > maxModule {
		return nil, fmt.Errorf("decompressing %s: more than %d bytes", kind, maxModule)
	}
	return out, nil
}
