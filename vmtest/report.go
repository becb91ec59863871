// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"time"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// CheckVM is the check that fails when the guest never reported completion
// (kernel panic, helper crash, time limit).
const CheckVM = "vm"

// absorb turns the guest's events into stages and checks.
func (r *Report) absorb(res *qemuResult) {
	if res.Boot > 0 {
		r.Stages = append(r.Stages, Stage{"boot", res.Boot})
	}
	done := false
	for _, ev := range res.Events {
		switch ev.Kind {
		case proto.EvStage:
			r.Stages = append(r.Stages, Stage{ev.Name, time.Duration(ev.MS) * time.Millisecond})
		case proto.EvCheck:
			r.Checks = append(r.Checks, Check{Name: ev.Name, Passed: ev.OK, Detail: ev.Detail,
				Duration: time.Duration(ev.MS) * time.Millisecond})
		case proto.EvOutput:
			code := -1
			if ev.Exit != nil {
				code = *ev.Exit
			}
			r.Outputs = append(r.Outputs, Output{Name: ev.Name, Output: ev.Output, Exit: code})
		case proto.EvContext:
			r.DmesgTail, r.HelperLog = ev.Dmesg, ev.Log
		case proto.EvDone:
			done = true
		}
	}
	r.Stages = append(r.Stages, Stage{"vm", res.Wall})
	if !done {
		r.Checks = append(r.Checks, Check{Name: CheckVM, Detail: "the guest did not finish (" + res.Exit + "); see the console log"})
		if len(r.DmesgTail) == 0 {
			r.DmesgTail = res.ConsoleTail
		}
	}
}

func (r *Report) save(path string) error {
	return fileutil.WriteJSON(path, r)
}
