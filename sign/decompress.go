// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import "github.com/nfsbundle/nfsbundle/internal/modinfo"

// Decompress returns data uncompressed when it is an xz, zstd or gzip
// compressed module (as CONFIG_MODULE_COMPRESS_* installs them), else data
// itself. The signature sits inside the compressed stream.
func Decompress(data []byte) ([]byte, error) { return modinfo.Decompress(data) }
