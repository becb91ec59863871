// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Command ctlstub stands in for nfsbundle-ctl in the package tests: a static
// Go binary like the real one.
package main

import "fmt"

func main() { fmt.Println("nfsbundle-ctl test stub") }
