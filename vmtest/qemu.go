// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// AccelEnv forces the accelerator (tcg or kvm) where --accel is auto.
const AccelEnv = "NFSBUNDLE_VM_ACCEL"

// AccelChoice is the accelerator asked for: want (--accel), unless it is
// auto (or empty) and env (the value of $NFSBUNDLE_VM_ACCEL, read by the
// driver) names one.
func AccelChoice(want, env string) string {
	if env != "" && (want == "" || want == "auto") {
		return env
	}
	return want
}

type qemuConfig struct {
	Kernel, Initrd, Append, Memory, Accel string
	CPU                                   string // -cpu model ("" = qemu's default; host under KVM)
	ConsoleLog, ReportLog                 string
	Console                               io.Writer
	NIC                                   string // -nic value ("" = none)
	OnEvent                               func(proto.Event)
}

type qemuResult struct {
	Accel       string
	ConsoleLog  string
	Exit        string
	Wall        time.Duration
	Boot        time.Duration // qemu start -> the helper's first console line (0: never)
	Events      []proto.Event
	ConsoleTail []string
}

// detectAccel uses KVM only where it is real hardware virtualisation
// (kvm_intel/kvm_amd) and /dev/kvm opens; a paravirtual /dev/kvm shim
// (kvm_pvm) crashes or crawls, so TCG it is.
func detectAccel(want string) string {
	if want == "tcg" || want == "kvm" {
		return want
	}
	hw := false
	for _, m := range []string{"/sys/module/kvm_intel", "/sys/module/kvm_amd"} {
		if _, err := os.Stat(m); err == nil {
			hw = true
		}
	}
	if _, err := os.Stat("/sys/module/kvm_pvm"); err == nil {
		hw = false
	}
	if !hw {
		return "tcg"
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return "tcg"
	}
	f.Close()
	return "kvm"
}

func qemuArgs(c qemuConfig) []string {
	nic := c.NIC
	if nic == "" {
		nic = "none"
	}
	args := []string{"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-m", c.Memory, "-smp", "1", "-nic", nic,
		"-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con",
		"-serial", "file:" + c.ReportLog,
		"-kernel", c.Kernel, "-initrd", c.Initrd, "-append", c.Append}
	if c.Accel == "kvm" {
		return append([]string{"-accel", "kvm", "-cpu", "host"}, args...)
	}
	if c.CPU != "" {
		args = append([]string{"-cpu", c.CPU}, args...)
	}
	return append([]string{"-accel", "tcg"}, args...)
}

func runQemu(ctx context.Context, c qemuConfig) (*qemuResult, error) {
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		return nil, errors.New("qemu-system-x86_64 not found: install qemu-system-x86")
	}
	os.Remove(c.ReportLog)
	logf, err := os.Create(c.ConsoleLog)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	res := &qemuResult{Accel: c.Accel, ConsoleLog: c.ConsoleLog}
	args := qemuArgs(c)
	logrus.Debugf("exec: %s %s", qemu, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, qemu, args...)
	cmd.WaitDelay = 5 * time.Second
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	start := time.Now()
	if err := cmd.Start(); err != nil {
		pw.Close()
		pr.Close()
		return nil, fmt.Errorf("starting qemu: %w", err)
	}
	pw.Close()
	var tail []string
	var fallback []proto.Event
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			l := strings.TrimRight(sc.Text(), "\r")
			fmt.Fprintln(logf, l)
			if c.Console != nil {
				fmt.Fprintln(c.Console, l)
			}
			if res.Boot == 0 && strings.Contains(l, proto.ConsoleMarker) {
				res.Boot = time.Since(start)
			}
			if i := strings.Index(l, "VMTEST-EV "); i >= 0 {
				var ev proto.Event
				if json.Unmarshal([]byte(l[i+len("VMTEST-EV "):]), &ev) == nil {
					fallback = append(fallback, ev)
				}
			}
			tail = append(tail, l)
			if len(tail) > 30 {
				tail = tail[1:]
			}
		}
		pr.Close()
	}()
	stopTail, tailed := make(chan struct{}), make(chan int, 1)
	if c.OnEvent != nil {
		go func() { tailed <- tailEvents(c.ReportLog, c.OnEvent, stopTail) }()
	} else {
		tailed <- 0
	}
	werr := cmd.Wait()
	<-done
	close(stopTail)
	seen := <-tailed
	res.Wall = time.Since(start)
	res.ConsoleTail = tail
	switch {
	case ctx.Err() != nil:
		res.Exit = fmt.Sprintf("killed: the run's time limit passed after %s", cli.Seconds(res.Wall))
	case werr != nil:
		res.Exit = "qemu: " + werr.Error()
	default:
		res.Exit = "exit 0"
	}
	b, _ := os.ReadFile(c.ReportLog)
	res.Events = parseEvents(b)
	if len(res.Events) == 0 {
		res.Events = fallback
	}
	if c.OnEvent != nil {
		for _, ev := range res.Events[min(seen, len(res.Events)):] {
			c.OnEvent(ev)
		}
	}
	return res, nil
}

// tailEvents hands fn each complete event line of the report log as it
// appears, until stop; it returns how many it handed over.
func tailEvents(path string, fn func(proto.Event), stop <-chan struct{}) int {
	seen := 0
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return seen
		case <-tick.C:
		}
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			evs := parseEvents(b[:i+1])
			for _, ev := range evs[min(seen, len(evs)):] {
				fn(ev)
			}
			seen = max(seen, len(evs))
		}
	}
}

// parseEvents reads the report port's JSON lines (tolerating \r and noise).
func parseEvents(b []byte) []proto.Event {
	var evs []proto.Event
	for _, l := range bytes.Split(b, []byte{'\n'}) {
		l = bytes.TrimSpace(bytes.Trim(l, "\x00"))
		i := bytes.IndexByte(l, '{')
		if i < 0 {
			continue
		}
		var ev proto.Event
		if json.Unmarshal(l[i:], &ev) == nil && ev.Kind != "" {
			evs = append(evs, ev)
		}
	}
	return evs
}
