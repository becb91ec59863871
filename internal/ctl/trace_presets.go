// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// TraceSystems are the trace event systems of the NFS stack.
var TraceSystems = []string{"sunrpc", "rpcgss", "rpcrdma", "nfs", "nfs4", "nfsd", "lockd"}

// Presets map a class name to "system:glob" event patterns. Patterns that
// match nothing on the running kernel are skipped (event names move
// between kernel versions; a class is what the kernel has of it).
var Presets = map[string][]string{
	// mount, transport, connection and error events: few, always useful
	"meta": {
		"sunrpc:rpc_clnt_*", "sunrpc:xprt_create", "sunrpc:xprt_connect", "sunrpc:xprt_disconnect_*",
		"sunrpc:xprt_destroy", "sunrpc:xprt_timer", "sunrpc:xprt_ping", "sunrpc:rpc_socket_*",
		"sunrpc:rpc_connect_status", "sunrpc:rpc_timeout_status", "sunrpc:rpc_refresh_status",
		"sunrpc:rpc_retry_refresh_status", "sunrpc:rpc_call_rpcerror", "sunrpc:rpc_bad_*",
		"sunrpc:rpc__*", "sunrpc:rpcb_*", "sunrpc:pmap_register", "sunrpc:rpc_task_signalled",
		"sunrpc:rpc_task_timeout", "sunrpc:rpc_xdr_overflow", "sunrpc:rpc_xdr_alignment",
		"sunrpc:svc_xprt_create_err", "sunrpc:svc_xprt_accept", "sunrpc:svcsock_new_socket",
		"sunrpc:svcsock_*_err", "sunrpc:svcsock_tcp_state", "sunrpc:svc_register", "sunrpc:svc_noregister",
		"rpcgss:*",
		"rpcrdma:*connect*", "rpcrdma:*_err", "rpcrdma:*error*", "rpcrdma:xprtrdma_op_*",
		"rpcrdma:*qp_event", "rpcrdma:*device_removal", "rpcrdma:*inline_thresh",
		"nfs:nfs_mount_*", "nfs:nfs_xdr_*", "nfs:*_error", "nfs:nfs_set_inode_stale", "nfs:nfs_fh_to_dentry",
		"nfs4:nfs4_setclientid*", "nfs4:nfs4_*exchange_id", "nfs4:nfs4_create_session",
		"nfs4:nfs4_destroy_*", "nfs4:nfs4_bind_conn_to_session", "nfs4:nfs4_renew*",
		"nfs4:nfs4_reclaim_complete", "nfs4:nfs4_state_mgr*", "nfs4:nfs4_xdr_*", "nfs4:nfs4_cb_*",
		"nfs4:nfs_cb_*", "nfs4:nfs4_*_root", "nfs4:nfs4_*fsinfo", "nfs4:nfs4_*secinfo*",
		"nfs4:nfs4_*_error", "nfs4:*_err", "nfs4:nfs4_sequence_done",
		"nfsd:nfsd_cb_*", "nfsd:nfsd_clid_*", "nfsd:*_err", "nfsd:*_error", "nfsd:nfsd_garbage_args_err",
		"lockd:*",
	},
	// the data path: RPC tasks, transmit/receive, reads, writes, commits, layouts
	"io": {
		"sunrpc:rpc_task_*", "sunrpc:rpc_request", "sunrpc:rpc_*_status", "sunrpc:rpc_stats_latency",
		"sunrpc:rpc_buf_alloc", "sunrpc:xprt_transmit", "sunrpc:xprt_retransmit", "sunrpc:xprt_reserve*",
		"sunrpc:xprt_release*", "sunrpc:xprt_*_cong", "sunrpc:xprt_lookup_rqst", "sunrpc:xs_*",
		"sunrpc:rpc_xdr_*", "sunrpc:svc_*", "sunrpc:svcsock_*",
		"rpcrdma:*",
		"nfs:nfs_initiate_*", "nfs:nfs_readpage_*", "nfs:nfs_writeback_*", "nfs:nfs_commit_*",
		"nfs:nfs_pgio_error", "nfs:nfs_direct_*", "nfs:nfs_aop_*", "nfs:nfs_size_*", "nfs:nfs_fscache_*",
		"nfs4:nfs4_read", "nfs4:nfs4_write", "nfs4:nfs4_commit", "nfs4:nfs4_pnfs_*", "nfs4:*layout*",
		"nfs4:ff_layout_*", "nfs4:fl_*", "nfs4:pnfs_*", "nfs4:nfs4_sequence_done", "nfs4:nfs4_setup_sequence",
		"nfsd:nfsd_read*", "nfsd:nfsd_write*", "nfsd:nfsd_commit*", "nfsd:nfsd_compound*",
	},
	"all": {
		"sunrpc:*", "rpcgss:*", "rpcrdma:*", "nfs:*", "nfs4:*", "nfsd:*", "lockd:*",
	},
}

// PresetNames lists the presets, sorted.
func PresetNames() []string {
	var out []string
	for k := range Presets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ErrUnknownPreset is wrapped by ClassPatterns for an unknown class.
type ErrUnknownPreset struct{ Name string }

func (e *ErrUnknownPreset) Error() string {
	return fmt.Sprintf("unknown trace preset %q (presets: %s; or give events as system:glob, e.g. sunrpc:xprt_*)",
		e.Name, strings.Join(PresetNames(), ", "))
}

// ClassPatterns returns the patterns of a class: a preset name, or one or
// more comma-separated "system:glob" patterns.
func ClassPatterns(class string) ([]string, error) {
	if p, ok := Presets[class]; ok {
		return p, nil
	}
	var out []string
	for _, s := range strings.Split(class, ",") {
		sys, ev, ok := strings.Cut(s, ":")
		if !ok || sys == "" || ev == "" {
			return nil, &ErrUnknownPreset{Name: class}
		}
		if _, err := path.Match(ev, ""); err != nil {
			return nil, fmt.Errorf("bad event pattern %q: %w", s, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// AvailableEvents lists "system:event" for the NFS systems under
// tracefs/events (what the loaded modules provide).
func AvailableEvents(tracefs string, systems []string) []string {
	var out []string
	for _, sys := range systems {
		ents, err := os.ReadDir(filepath.Join(tracefs, "events", sys))
		if err != nil {
			continue
		}
		for _, e := range ents {
			if e.IsDir() {
				out = append(out, sys+":"+e.Name())
			}
		}
	}
	sort.Strings(out)
	return out
}

// ExpandClass returns the events of the running kernel that class selects,
// sorted and without duplicates.
func ExpandClass(tracefs, class string) ([]string, error) {
	pats, err := ClassPatterns(class)
	if err != nil {
		return nil, err
	}
	systems := map[string]bool{}
	for _, p := range pats {
		sys, _, _ := strings.Cut(p, ":")
		systems[sys] = true
	}
	var sysList []string
	for s := range systems {
		sysList = append(sysList, s)
	}
	sort.Strings(sysList)
	var out []string
	for _, ev := range AvailableEvents(tracefs, sysList) {
		for _, p := range pats {
			if matchEvent(p, ev) {
				out = append(out, ev)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("trace class %q matches no event under %s/events: is the NFS stack loaded? (nfsbundle-ctl status)", class, tracefs)
	}
	return out, nil
}

func matchEvent(pattern, event string) bool {
	ps, pe, _ := strings.Cut(pattern, ":")
	es, ee, _ := strings.Cut(event, ":")
	if ok, _ := path.Match(ps, es); !ok {
		return false
	}
	ok, _ := path.Match(pe, ee)
	return ok
}

// SeedTraceArgs is the seed's `trace cmd` syntax, parsed.
type SeedTraceArgs struct {
	Mode    string // live, collect, save, stop
	Class   string // live
	Buffers []BufferSpec
	Outdir  string
}

// ParseSeedTraceArgs parses "CLASS", "collect buffer NAME MB class CLASS
// [buffer ...] [outdir DIR]", "save" and "stop".
func ParseSeedTraceArgs(args []string) (SeedTraceArgs, error) {
	var sc SeedTraceArgs
	if len(args) == 0 {
		return sc, fmt.Errorf("trace cmd: want a class (%s), collect, save or stop", strings.Join(PresetNames(), ", "))
	}
	switch args[0] {
	case "save", "stop":
		if len(args) > 1 {
			return sc, fmt.Errorf("trace cmd %s takes no arguments", args[0])
		}
		sc.Mode = args[0]
		return sc, nil
	case "collect":
		sc.Mode = "collect"
		rest := args[1:]
		for len(rest) > 0 {
			switch rest[0] {
			case "buffer":
				if len(rest) < 5 || rest[3] != "class" {
					return sc, fmt.Errorf("trace cmd collect: want `buffer NAME SIZE_MB class CLASS`, got %q", strings.Join(rest, " "))
				}
				b, err := ParseBufferSpec(rest[1] + "=" + rest[4] + ":" + rest[2])
				if err != nil {
					return sc, err
				}
				sc.Buffers = append(sc.Buffers, b)
				rest = rest[5:]
			case "outdir":
				if len(rest) < 2 {
					return sc, fmt.Errorf("trace cmd collect: outdir needs a directory")
				}
				sc.Outdir, rest = rest[1], rest[2:]
			default:
				return sc, fmt.Errorf("trace cmd collect: unexpected %q (want buffer or outdir)", rest[0])
			}
		}
		if len(sc.Buffers) == 0 {
			b, _ := ParseBufferSpec("meta")
			sc.Buffers = []BufferSpec{b}
		}
		return sc, nil
	}
	if len(args) > 1 {
		return sc, fmt.Errorf("trace cmd %s: unexpected %q", args[0], strings.Join(args[1:], " "))
	}
	if _, err := ClassPatterns(args[0]); err != nil {
		return sc, err
	}
	sc.Mode, sc.Class = "live", args[0]
	return sc, nil
}
