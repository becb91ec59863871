// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/nfsbundle/nfsbundle/internal/ctl"
)

// traceOptions are the flags the trace subcommands share.
type traceOptions struct {
	backend  string
	duration time.Duration // live, and collect --outdir
}

// newTracer checks root, mounts tracefs when it is missing (real system
// only) and picks the backend.
func (o *traceOptions) newTracer() (*ctl.Tracer, error) {
	if err := ctl.RequireRoot("trace"); err != nil {
		return nil, err
	}
	r := sysRoot()
	if _, err := ctl.FindTracefs(r); errors.Is(err, ctl.ErrNoTracefs) && isSystemRoot() {
		if unix.Mount("nodev", "/sys/kernel/tracing", "tracefs", 0, "") == nil {
			fmt.Fprintln(os.Stderr, "nfsbundle-ctl: mounted tracefs on /sys/kernel/tracing")
		}
	}
	return ctl.NewTracer(r, o.backend, os.Stderr)
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

func (o *traceOptions) liveContext() (context.Context, context.CancelFunc) {
	ctx, cancel := signalContext()
	if o.duration > 0 {
		c2, cancel2 := context.WithTimeout(ctx, o.duration)
		return c2, func() { cancel2(); cancel() }
	}
	return ctx, cancel
}

func (o *traceOptions) runLive(class string, w io.Writer) error {
	t, err := o.newTracer()
	if err != nil {
		return err
	}
	ctx, cancel := o.liveContext()
	defer cancel()
	return t.Live(ctx, class, w)
}

func (o *traceOptions) runCollect(specs []ctl.BufferSpec, outdir string) error {
	t, err := o.newTracer()
	if err != nil {
		return err
	}
	if outdir == "" {
		return t.Collect(specs)
	}
	ctx, cancel := o.liveContext()
	defer cancel()
	return t.CollectToDir(ctx, specs, outdir)
}

func (o *traceOptions) runSave(output string) error {
	t, err := o.newTracer()
	if err != nil {
		return err
	}
	_, err = t.Save(context.Background(), output)
	if err == nil {
		fmt.Fprintln(os.Stderr, "Done. To start a new session use 'collect' again.")
	}
	return err
}

func (o *traceOptions) runStop() error {
	t, err := o.newTracer()
	if err != nil {
		return err
	}
	return t.Stop()
}

func init() { rootCmd.AddCommand(newTraceCmd()) }

func newTraceCmd() *cobra.Command {
	o := &traceOptions{}
	cmd := &cobra.Command{
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
	cmd.PersistentFlags().StringVar(&o.backend, "backend", "auto", "auto, trace-cmd or tracefs")
	cmd.AddCommand(newTraceLiveCmd(o), newTraceCollectCmd(o), newTraceShowCmd(o), newTraceSaveCmd(o),
		newTraceStopCmd(o), newTracePresetsCmd(), newTraceSeedCmd(o))
	return cmd
}

func newTraceLiveCmd(o *traceOptions) *cobra.Command {
	cmd := &cobra.Command{
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
			return o.runLive(class, cmd.OutOrStdout())
		},
	}
	cmd.Flags().DurationVar(&o.duration, "duration", 0, "stop after this long (default: until Ctrl-C)")
	return cmd
}

func newTraceCollectCmd(o *traceOptions) *cobra.Command {
	var outdir string
	cmd := &cobra.Command{
		Use:   "collect [BUF...]",
		Short: "Collect into RAM buffers in the background, or into files with --outdir",
		RunE: func(cmd *cobra.Command, args []string) error {
			specs, err := parseSpecs(args)
			if err != nil {
				return err
			}
			return o.runCollect(specs, outdir)
		},
	}
	cmd.Flags().StringVar(&outdir, "outdir", "", "collect in the foreground into files in this (existing) directory")
	cmd.Flags().DurationVar(&o.duration, "duration", 0, "with --outdir: stop after this long (default: until Ctrl-C)")
	return cmd
}

func newTraceShowCmd(o *traceOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Print what the RAM buffers hold now (does not consume it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := o.newTracer()
			if err != nil {
				return err
			}
			return t.Show(cmd.OutOrStdout())
		},
	}
}

func newTraceSaveCmd(o *traceOptions) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "save",
		Short: "Save the RAM buffers to nfs-traces-<time>.tar.gz and drop them",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return o.runSave(output) },
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "tarball path (default nfs-traces-<time>.tar.gz)")
	return cmd
}

func newTraceStopCmd(o *traceOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "stop",
		Short: "Drop the RAM buffers without saving",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return o.runStop() },
	}
}

func newTracePresetsCmd() *cobra.Command {
	return &cobra.Command{
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
				fmt.Fprintf(cmd.OutOrStdout(), "%s (%d events): %s\n", n, len(evs), strings.Join(evs, " "))
			}
			return nil
		},
	}
}

// newTraceSeedCmd accepts the seed's syntax and runs the matching mode.
func newTraceSeedCmd(o *traceOptions) *cobra.Command {
	return &cobra.Command{
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
				return o.runLive(sc.Class, cmd.OutOrStdout())
			case "collect":
				return o.runCollect(sc.Buffers, sc.Outdir)
			case "save":
				return o.runSave("")
			case "stop":
				return o.runStop()
			}
			return fmt.Errorf("unknown trace cmd mode %q", sc.Mode)
		},
	}
}
