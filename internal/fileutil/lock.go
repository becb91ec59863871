// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package fileutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// lockPoll is how often Lock retries a lock another process holds.
const lockPoll = 500 * time.Millisecond

// Lock takes an exclusive flock on path, creating it and its directory if
// needed, and waits while another process holds it until ctx is done. The
// returned func releases the lock; the kernel also releases it when the
// process exits, so a crashed holder never leaves it stuck.
func Lock(ctx context.Context, path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		// Non-blocking, so that waiting can end with ctx.
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}
