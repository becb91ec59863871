// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// runCLI runs the root command with args and returns what it printed on stdout.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	rootCmd.SetOut(&buf)
	defer rootCmd.SetOut(nil)
	rootCmd.SetArgs(args)
	err := rootCmd.Execute()
	return buf.String(), err
}

func requireHost(t *testing.T) {
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("reads the live host's kernel headers: runs under ./build.sh test")
	}
}

func TestDetectJSON(t *testing.T) {
	requireHost(t)
	out, err := runCLI(t, "detect", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("detect --json is not valid JSON: %v\n%s", err, out)
	}
	v := map[string]map[string]any{}
	for _, k := range []string{"distro", "kernel", "config", "compiler", "ofed", "secure_boot"} {
		obj, ok := raw[k].(map[string]any)
		if !ok {
			t.Fatalf("detect --json lacks the object %q:\n%s", k, out)
		}
		v[k] = obj
	}
	if v["distro"]["family"] != "deb" || v["kernel"]["headers_dir"] == "" || v["config"]["module_sig_hash"] != "sha256" || v["compiler"]["expected"] == "" {
		t.Errorf("unexpected facts: %v", v)
	}
}

func TestUnknownKernelFailsFast(t *testing.T) {
	requireHost(t)
	start := time.Now()
	_, err := runCLI(t, "bin", "--kernel", "9.9.9-nope")
	if err == nil || !strings.Contains(err.Error(), "9.9.9-nope") || !strings.Contains(err.Error(), "apt-get install linux-headers-9.9.9-nope") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Logf("took %s (the acceptance target is under 5 s; see bench/)", d)
	}
}
