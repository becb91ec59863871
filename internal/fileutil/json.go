// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package fileutil

import (
	"encoding/json"
)

// MarshalJSON renders v as the manifests and caches are written: indented
// by two spaces, with a trailing newline.
func MarshalJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteJSON writes v to path atomically (mode 0644) in MarshalJSON's form.
func WriteJSON(path string, v any) error {
	b, err := MarshalJSON(v)
	if err != nil {
		return err
	}
	return WriteAtomic(path, b, 0o644)
}
