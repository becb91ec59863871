// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package ctl

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Transport is one xprt of an NFS mount.
type Transport struct {
	Proto    string   `json:"proto"` // tcp, udp, rdma, local
	SrcPort  int      `json:"src_port,omitempty"`
	Counters []string `json:"counters"` // the raw numbers of the xprt: line
	Local    string   `json:"local,omitempty"`
	Remote   string   `json:"remote,omitempty"`
	State    string   `json:"state,omitempty"` // from debugfs, e.g. "CONNECTED BOUND"
}

// NFSMountStats is one NFS mount of /proc/self/mountstats.
type NFSMountStats struct {
	Device     string      `json:"device"`
	MountPoint string      `json:"mount_point"`
	FSType     string      `json:"fstype"`
	Opts       string      `json:"opts"`
	SunrpcID   string      `json:"sunrpc_id,omitempty"`
	Transports []Transport `json:"transports"`
	// Extended is true when addresses and states came from
	// debugfs sunrpc/rpc_clnt/<id>/stats.
	Extended bool `json:"extended"`
}

// Opt returns the value of a mount option ("" when absent).
func (m NFSMountStats) Opt(key string) string {
	for _, o := range strings.Split(m.Opts, ",") {
		if k, v, ok := strings.Cut(o, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// ParseMountstats parses the /proc/self/mountstats format and returns the
// NFS mounts (other file systems are skipped).
func ParseMountstats(rd io.Reader) ([]NFSMountStats, error) {
	var out []NFSMountStats
	var cur *NFSMountStats
	var lines []string
	flush := func() {
		if cur != nil {
			cur.Transports = parseXprts(lines)
			if cur.Transports == nil {
				cur.Transports = []Transport{}
			}
			out = append(out, *cur)
		}
		cur, lines = nil, nil
	}
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "device ") {
			flush()
			// device SRC mounted on POINT with fstype TYPE [statvers=X]
			f := strings.Fields(line)
			if len(f) >= 8 && f[2] == "mounted" && f[3] == "on" && f[5] == "with" && f[6] == "fstype" {
				if f[7] == "nfs" || f[7] == "nfs4" {
					cur = &NFSMountStats{Device: f[1], MountPoint: unescapeMount(f[4]), FSType: f[7]}
				}
			}
			continue
		}
		if cur == nil {
			continue
		}
		key, val, ok := cutField(line)
		switch {
		case ok && key == "opts":
			cur.Opts = val
		case ok && key == "sunrpc-id":
			cur.SunrpcID = val
		}
		lines = append(lines, line)
	}
	flush()
	return out, sc.Err()
}

// cutField splits "\tkey:\tvalue" tolerating any whitespace.
func cutField(line string) (key, val string, ok bool) {
	t := strings.TrimSpace(line)
	k, v, ok := strings.Cut(t, ":")
	if !ok || strings.ContainsAny(k, " \t") {
		return "", "", false
	}
	return k, strings.TrimSpace(v), true
}

// parseXprts finds "xprt:" lines, each optionally followed by the
// extended "LOCAL -> REMOTE, state: FLAGS" line.
func parseXprts(lines []string) []Transport {
	var out []Transport
	for _, line := range lines {
		key, val, ok := cutField(line)
		if ok && key == "xprt" {
			f := strings.Fields(val)
			if len(f) == 0 {
				continue
			}
			t := Transport{Proto: f[0], Counters: f[1:]}
			if t.Counters == nil {
				t.Counters = []string{}
			}
			if t.Proto != "local" && len(f) > 1 {
				t.SrcPort, _ = strconv.Atoi(f[1])
			}
			out = append(out, t)
			continue
		}
		t := strings.TrimSpace(line)
		if len(out) > 0 && strings.Contains(t, "->") {
			addrs, state, _ := strings.Cut(t, ",")
			l, r, _ := strings.Cut(addrs, "->")
			x := &out[len(out)-1]
			x.Local, x.Remote = strings.TrimSpace(l), strings.TrimSpace(r)
			state = strings.TrimSpace(state)
			if s, ok := strings.CutPrefix(state, "state:"); ok {
				x.State = strings.TrimSpace(s)
			}
		}
	}
	return out
}

// MountstatsOptions tunes GetMountstats.
type MountstatsOptions struct {
	// ExposeID turns expose_id_in_mountstats on first (needs root).
	ExposeID bool
}

// GetMountstats reads ProcRoot/self/mountstats and, for mounts with a
// sunrpc-id, the extended transport state from debugfs. notes says what
// extended data was unavailable and why.
func GetMountstats(r Root, opt MountstatsOptions) (mounts []NFSMountStats, notes []string, err error) {
	param := r.Sys("module", "sunrpc", "parameters", "expose_id_in_mountstats")
	if opt.ExposeID {
		if !exists(param) {
			return nil, nil, fmt.Errorf("%s is missing: the loaded sunrpc is not nfsbundle's (nfsbundle-ctl status)", param)
		}
		if err := os.WriteFile(param, []byte("1\n"), 0o644); err != nil {
			return nil, nil, fmt.Errorf("cannot enable expose_id_in_mountstats: %w", err)
		}
	}
	f, err := os.Open(r.Proc("self", "mountstats"))
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read mount statistics: %w", err)
	}
	defer f.Close()
	mounts, err = ParseMountstats(f)
	if err != nil {
		return nil, nil, err
	}
	debugfs := filepath.Join(r.Debugfs(), "sunrpc", "rpc_clnt")
	// mountstats' opts lack addr=; mountinfo's super options have it
	superAddr := map[string]string{}
	if mi, err := Mounts(r); err == nil {
		for _, m := range mi {
			if m.IsNFS() {
				superAddr[m.Point] = NFSMountStats{Opts: m.Options}.Opt("addr")
			}
		}
	}
	anyID := false
	for i := range mounts {
		m := &mounts[i]
		remote := m.Opt("addr")
		if remote == "" {
			remote = superAddr[m.MountPoint]
		}
		if remote == "" {
			if host, _, ok := strings.Cut(m.Device, ":/"); ok {
				remote = host
			}
		}
		for j := range m.Transports {
			t := &m.Transports[j]
			if t.Remote == "" {
				t.Remote = remote
			}
			if t.Local == "" && t.SrcPort > 0 {
				t.Local = m.Opt("clientaddr") + ":" + strconv.Itoa(t.SrcPort)
			}
		}
		if m.SunrpcID == "" {
			continue
		}
		anyID = true
		dir := filepath.Join(debugfs, m.SunrpcID)
		if n, err := strconv.ParseUint(m.SunrpcID, 10, 32); err == nil && !exists(dir) {
			dir = filepath.Join(debugfs, strconv.FormatUint(n, 16)) // debugfs names clients in hex
		}
		if b, err := os.ReadFile(filepath.Join(dir, "stats")); err == nil {
			if xs := parseXprts(strings.Split(string(b), "\n")); len(xs) > 0 {
				m.Transports, m.Extended = xs, true
				continue
			}
		}
		// upstream layout: xprt, xprt1, ... -> ../../rpc_xprt/<id>/info
		for j := range m.Transports {
			link := "xprt"
			if j > 0 {
				link = "xprt" + strconv.Itoa(j)
			}
			info, err := os.ReadFile(filepath.Join(dir, link, "info"))
			if err != nil {
				break
			}
			applyXprtInfo(&m.Transports[j], string(info))
			m.Extended = true
		}
	}
	if len(mounts) > 0 {
		v, _ := readTrim(param)
		switch {
		case !exists(param):
			notes = append(notes, "transport addresses and states need nfsbundle's sunrpc (the loaded one has no expose_id_in_mountstats)")
		case !anyID && v != "Y" && v != "1":
			notes = append(notes, "transport states need expose_id_in_mountstats: run with --expose-id, or echo 1 > "+param)
		case anyID && !exists(debugfs):
			notes = append(notes, "transport states need debugfs at "+r.Debugfs()+" (mount -t debugfs none "+r.Debugfs()+", as root)")
		}
	}
	return mounts, notes, nil
}

// PrintMountstats writes mounts in the seed's layout.
func PrintMountstats(w io.Writer, mounts []NFSMountStats) {
	if len(mounts) == 0 {
		fmt.Fprintln(w, "no NFS mounts")
		return
	}
	for i, m := range mounts {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "device %s mounted on %s with fstype %s\n", m.Device, m.MountPoint, m.FSType)
		fmt.Fprintf(w, "\topts:\t%s\n", m.Opts)
		if m.SunrpcID != "" {
			fmt.Fprintf(w, "\tsunrpc-id:\t%s\n", m.SunrpcID)
		}
		fmt.Fprintf(w, "\ttransports:\t%d\n", len(m.Transports))
		for _, t := range m.Transports {
			fmt.Fprintf(w, "\txprt:\t%s %s\n", t.Proto, strings.Join(t.Counters, " "))
			state := t.State
			if state == "" {
				state = "unknown"
			}
			local := t.Local
			if local == "" {
				local = "?"
			}
			remote := t.Remote
			if remote == "" {
				remote = "?"
			}
			fmt.Fprintf(w, "\t\t%s -> %s, state: %s\n", local, remote, state)
		}
	}
}

// xprtStateBits are the XPRT_* bit numbers of include/linux/sunrpc/xprt.h.
var xprtStateBits = []string{"LOCKED", "CONNECTED", "CONNECTING", "CLOSE_WAIT", "BOUND", "BINDING",
	"CLOSING", "OFFLINE", "REMOVE", "CONGESTED", "CWND_WAIT", "WRITE_SPACE", "SND_IS_COOKIE"}

// XprtStateString decodes the xprt state word ("0x12" -> "CONNECTED BOUND").
func XprtStateString(hex string) string {
	v, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(hex), "0x"), 16, 64)
	if err != nil {
		return hex
	}
	var out []string
	for i := 0; i < 64; i++ {
		if v&(1<<i) == 0 {
			continue
		}
		if i < len(xprtStateBits) {
			out = append(out, xprtStateBits[i])
		} else {
			out = append(out, "BIT"+strconv.Itoa(i))
		}
	}
	if len(out) == 0 {
		return "NONE"
	}
	return strings.Join(out, " ")
}

// applyXprtInfo fills t from a debugfs rpc_xprt/<id>/info file
// ("netid: tcp", "addr: 1.2.3.4", "port: 2049", "state: 0x12").
func applyXprtInfo(t *Transport, info string) {
	kv := map[string]string{}
	for _, l := range strings.Split(info, "\n") {
		if k, v, ok := cutField(l); ok {
			kv[k] = v
		}
	}
	if a := kv["addr"]; a != "" {
		t.Remote = a
		if p := kv["port"]; p != "" {
			if strings.Contains(a, ":") {
				t.Remote = "[" + a + "]:" + p
			} else {
				t.Remote = a + ":" + p
			}
		}
	}
	if st := kv["state"]; st != "" {
		t.State = XprtStateString(st)
	}
}
