// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/internal/ctl"
)

var traceFlags struct {
	backend  string
	duration time.Duration
	outdir   string
	output   string
}

// newTracer checks root, mounts tracefs when it is missing (real system
// only) and picks the backend.
func newTracer() (*ctl.Tracer, error) {
	if err := ctl.RequireRoot("trace"); err != nil {
		return nil, err
	}
	r := sysRoot()
	if _, err := ctl.FindTracefs(r); errors.Is(err, ctl.ErrNoTracefs) && isSystemRoot() {
		if unix.Mount("nodev", "/sys/kernel/tracing", "tracefs", 0, "") == nil {
			fmt.Fprintln(os.Stderr, "nfsbundle-ctl: mounted tracefs on /sys/kernel/tracing")
		}
	}
	return ctl.NewTracer(r, traceFlags.backend, os.Stderr)
}

func parseSpecs(args []string) ([]ctl.BufferSpec, error) {
	if len(args) == 0 {
		args = []string{"meta"}
	}
	var specs []ctl.BufferSpec
	for _, a := range args {
		b, err := ctl.ParseBufferSpec(a)
		if err != nil {
			return nil, err
		}
		specs = append(specs, b)
	}
	return specs, nil
}

func liveContext() (context.Context, context.CancelFunc) {
	ctx, cancel := signalContext()
	if traceFlags.duration > 0 {
		c2, cancel2 := context.WithTimeout(ctx, traceFlags.duration)
		return c2, func() { cancel2(); cancel() }
	}
	return ctx, cancel
}

func runLive(class string) error {
	t, err := newTracer()
	if err != nil {
		return err
	}
	ctx, cancel := liveContext()
	defer cancel()
	return t.Live(ctx, class, os.Stdout)
}

func runCollect(specs []ctl.BufferSpec, outdir string) error {
	t, err := newTracer()
	if err != nil {
		return err
	}
	if outdir == "" {
		return t.Collect(specs)
	}
	ctx, cancel := liveContext()
	defer cancel()
	return t.CollectToDir(ctx, specs, outdir)
}

func runSave(output string) error {
	t, err := newTracer()
	if err != nil {
		return err
	}
	_, err = t.Save(context.Background(), output)
	if err == nil {
		fmt.Fprintln(os.Stderr, "Done. To start a new session use 'collect' again.")
	}
	return err
}

func init() {
	traceCmd := &cobra.Command{
		Use:   "trace",
		Short: "Trace the NFS stack with kernel trace events (presets: meta, io, all)",
		Long: `trace enables kernel trace events of the NFS stack (systems sunrpc, rpcgss,
rpcrdma, nfs, nfs4, nfsd, lockd) by preset class:
  meta  mount, transport, connection and error events
  io    the data path: RPC tasks, transmit/receive, read/write/commit, layouts
  all   every event of those systems
or by explicit system:glob patterns (e.g. sunrpc:xprt_*,nfs:nfs_mount_*).
It uses trace-cmd when installed and tracefs directly otherwise (--backend).

Modes:
  trace live [CLASS]                       stream events until Ctrl-C (or --duration)
  trace collect [BUF...]                   collect into RAM buffers in the background
  trace collect [BUF...] --outdir DIR      collect into files in DIR until Ctrl-C
  trace show                               print what the RAM buffers hold now
  trace save [-o FILE.tar.gz]              save the RAM buffers to a tarball and drop them
  trace stop                               drop the RAM buffers
BUF is CLASS[:MB] or NAME=CLASS[:MB] (default meta:100).
The seed's syntax works too: trace cmd meta | trace cmd collect buffer NAME MB class CLASS ... [outdir DIR] | trace cmd save.`,
	}
	traceCmd.PersistentFlags().StringVar(&traceFlags.backend, "backend", "auto", "auto, trace-cmd or tracefs")

	live := &cobra.Command{
		Use:   "live [CLASS]",
		Short: "Stream events as they happen (good for the mount stage)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			class := "meta"
			if len(args) == 1 {
				class = args[0]
			}
			if _, err := ctl.ClassPatterns(class); err != nil {
				return err
			}
			return runLive(class)
		},
	}
	live.Flags().DurationVar(&traceFlags.duration, "duration", 0, "stop after this long (default: until Ctrl-C)")

	collect := &cobra.Command{
		Use:   "collect [BUF...]",
		Short: "Collect into RAM buffers in the background, or into files with --outdir",
		RunE: func(cmd *cobra.Command, args []string) error {
			specs, err := parseSpecs(args)
			if err != nil {
				return err
			}
			return runCollect(specs, traceFlags.outdir)
		},
	}
	collect.Flags().StringVar(&traceFlags.outdir, "outdir", "", "collect in the foreground into files in this (existing) directory")
	collect.Flags().DurationVar(&traceFlags.duration, "duration", 0, "with --outdir: stop after this long (default: until Ctrl-C)")

	show := &cobra.Command{
		Use:   "show",
		Short: "Print what the RAM buffers hold now (does not consume it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := newTracer()
			if err != nil {
				return err
			}
			return t.Show(os.Stdout)
		},
	}
	save := &cobra.Command{
		Use:   "save",
		Short: "Save the RAM buffers to nfs-traces-<time>.tar.gz and drop them",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runSave(traceFlags.output) },
	}
	save.Flags().StringVarP(&traceFlags.output, "output", "o", "", "tarball path (default nfs-traces-<time>.tar.gz)")
	stop := &cobra.Command{
		Use:   "stop",
		Short: "Drop the RAM buffers without saving",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := newTracer()
			if err != nil {
				return err
			}
			return t.Stop()
		},
	}
	presets := &cobra.Command{
		Use:   "presets [CLASS]",
		Short: "List the events each preset enables on this kernel",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			names := ctl.PresetNames()
			if len(args) == 1 {
				names = args
			}
			tfs, err := ctl.FindTracefs(sysRoot())
			if err != nil {
				return err
			}
			for _, n := range names {
				evs, err := ctl.ExpandClass(tfs, n)
				if err != nil {
					return err
				}
				fmt.Printf("%s (%d events): %s\n", n, len(evs), strings.Join(evs, " "))
			}
			return nil
		},
	}
	seed := &cobra.Command{
		Use:   "cmd ARGS...",
		Short: "The seed's syntax: cmd CLASS | cmd collect buffer NAME MB class CLASS ... [outdir DIR] | cmd save | cmd stop",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := ctl.ParseSeedTraceArgs(args)
			if err != nil {
				return err
			}
			switch sc.Mode {
			case "live":
				return runLive(sc.Class)
			case "collect":
				return runCollect(sc.Buffers, sc.Outdir)
			case "save":
				return runSave("")
			case "stop":
				t, err := newTracer()
				if err != nil {
					return err
				}
				return t.Stop()
			}
			return fmt.Errorf("unknown trace cmd mode %q", sc.Mode)
		},
	}
	traceCmd.AddCommand(live, collect, show, save, stop, presets, seed)
	rootCmd.AddCommand(traceCmd)
}
