// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Command buildinfo prints facts of a staged build for the bench scripts,
// read through the manifests' owners (finish.Load, detect.Load) so that no
// script decodes finish.json or target.json itself.
//
//	go run ./bench/buildinfo build/<kver>/finish.json kver|headers-dir|make-vars
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: buildinfo build/<kver>/finish.json kver|headers-dir|make-vars")
		os.Exit(2)
	}
	out, err := fact(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildinfo:", err)
		os.Exit(1)
	}
	fmt.Println(out)
}

func fact(manifest, what string) (string, error) {
	m, err := finish.Load(manifest)
	if err != nil {
		return "", err
	}
	switch what {
	case "kver":
		return m.KVer, nil
	case "make-vars":
		return strings.Join(m.MakeVars, "\n"), nil
	case "headers-dir":
		t, err := detect.Load(detect.TargetPath(filepath.Dir(manifest)))
		if err != nil {
			return "", err
		}
		return t.Kernel.HeadersDir, nil
	}
	return "", fmt.Errorf("unknown fact %q (want kver, headers-dir or make-vars)", what)
}
