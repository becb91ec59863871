// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"errors"

	"github.com/nfsbundle/nfsbundle/detect"
)

// ModuleKey reads the signature of the module at path (plain or
// compressed) as the key detect's MOK check looks for in shim's lists. An
// unsigned module gives a key without id and no error.
func ModuleKey(path string) (detect.ModuleKey, error) {
	info, err := VerifyFile(path, nil)
	if errors.Is(err, ErrNotSigned) {
		return detect.NewModuleKey(path, "", nil, false, ""), nil
	}
	if err != nil {
		return detect.ModuleKey{Path: path}, err
	}
	return detect.NewModuleKey(path, info.Signer, info.KeyID, info.Serial == nil, info.HashAlgo), nil
}
