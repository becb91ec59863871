// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package fileutil

import (
	"encoding/json"
)

// WriteJSON writes v to path atomically (mode 0644) as the manifests and
// caches are written: indented by two spaces, with a trailing newline.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteAtomic(path, append(b, '\n'), 0o644)
}
