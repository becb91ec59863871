// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

// DepmodConf lets the integration tests (package pkg_test) run depmod over
// the depmod.d file.
var DepmodConf = depmodConf
