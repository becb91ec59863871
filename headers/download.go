// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package headers

import (
	"context"
	"fmt"

	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Download fetches packages of this suite into dir with apt-get download
// (no root needed, nothing installed), refreshing the private lists first.
func (a *Apt) Download(ctx context.Context, dir string, pkgs ...string) error {
	if err := a.Update(ctx, false); err != nil {
		return err
	}
	if _, err := run.OutputIn(ctx, dir, nil, "apt-get", append(append(a.options(), "-q", "download"), pkgs...)...); err != nil {
		return fmt.Errorf("downloading %v from Debian %s: %w", pkgs, a.Suite, err)
	}
	return nil
}
