// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"

	"github.com/nfsbundle/nfsbundle/detect"
)

// fetchMissingHeaders is called when detection found no headers. Until the
// headers fetcher is wired in it returns the detection error unchanged.
func fetchMissingHeaders(ctx context.Context, o detect.Options, t detect.Target, err error) (detect.Target, error) {
	return t, err
}
