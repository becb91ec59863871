// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package cli

import (
	"fmt"
	"time"
)

// Seconds is the one way durations are printed, in logs, summaries and
// reports: tenths of a second, "12.3s".
func Seconds(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }
