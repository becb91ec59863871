// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Command vmstages runs the VM test and prints the time per stage (pack,
// boot, load, each scenario) and per check; with -guest-bench it also
// prints the guest's hashing speed under the accelerator in use.
//
//	go run ./bench/vmstages -kernel 6.1.0-56-amd64 [-stock] [-scenario gonfs]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nfsbundle/nfsbundle/internal/paths"
	"github.com/nfsbundle/nfsbundle/vmtest"
)

func main() {
	kver := flag.String("kernel", "", "target kernel release")
	finish := flag.String("finish", os.Getenv("NFSBUNDLE_STAGE"), "finish.json of a staged build")
	stock := flag.Bool("stock", false, "load the kernel's own modules")
	scen := flag.String("scenario", "", "comma-separated scenarios (default all)")
	guestBench := flag.Bool("guest-bench", false, "measure hashing speed inside the guest")
	console := flag.Bool("console", false, "stream the guest console")
	noPVH := flag.Bool("no-pvh", false, "boot the bzImage")
	cpu := flag.String("cpu", "", "qemu -cpu model under TCG (e.g. max)")
	flag.Parse()
	o := vmtest.Options{KVer: *kver, FinishJSON: *finish, Stock: *stock, NoPVH: *noPVH, CPU: *cpu,
		Cache: paths.Cache(), Guest: os.Getenv(vmtest.GuestEnv), Accel: vmtest.AccelChoice("", os.Getenv(vmtest.AccelEnv))}
	if *scen != "" {
		o.Scenarios = strings.Split(*scen, ",")
	}
	if *scen == "none" {
		o.Scenarios = []string{}
	}
	if *guestBench {
		o.ExtraChecks = append(o.ExtraChecks, vmtest.ExtraCheck{Name: "guest-bench", Argv: []string{"/init", "bench"},
			Phase: vmtest.PhaseBeforeLoad, Timeout: 30 * time.Second})
	}
	if *console {
		o.Console = os.Stderr
	}
	t := time.Now()
	rep, err := vmtest.Run(context.Background(), o)
	if rep != nil {
		rep.Summary(os.Stdout)
		fmt.Printf("wall: %.2fs\n", time.Since(t).Seconds())
	}
	var fe *vmtest.FailedError
	if err != nil && !errors.As(err, &fe) {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
