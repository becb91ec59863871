// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The kernel starts /init with HOME=/ and TERM=linux (plus unknown
// name=value boot parameters) and no PATH. The helper leaves its own
// environment as it is: every command it runs is looked up in searchPath
// and gets childEnv, as if PATH and HOME had been set for the whole VM.

// searchPath is where the helper finds the commands it runs, and the PATH
// its children see.
const searchPath = "/usr/sbin:/usr/bin:/sbin:/bin"

// childEnv is the environment of every child: the helper's own with
// PATH=searchPath and HOME=/, then extra (later entries win).
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "PATH="+searchPath, "HOME=/")
	return append(env, extra...)
}

// command is exec.Command with name looked up in searchPath (not in the
// helper's PATH, which is unset) and the environment childEnv.
func command(name string, args ...string) *exec.Cmd {
	return commandContext(context.Background(), name, args...)
}

// commandContext is command that ctx can kill. The child's argv[0] stays
// name, as with a PATH lookup.
func commandContext(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, lookIn(searchPath, name), args...)
	cmd.Args[0] = name
	cmd.Env = childEnv()
	return cmd
}

// lookIn finds name in the directories of path as exec.LookPath does in
// $PATH (the helper runs as root: any execute bit will do). A name with a
// slash is used as it is; a name not found is returned unchanged, so
// exec reports it as not found.
func lookIn(path, name string) string {
	if strings.Contains(name, "/") {
		return name
	}
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return name
}
