// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

var versionRe = regexp.MustCompile(`(\d+)\.(\d+)(\.\d+)?`)

var parenRe = regexp.MustCompile(`\([^)]*\)`)

// CompilerMajor returns the major version in a compiler banner such as
// "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0". Distributions put their own
// versions in parentheses, so those are dropped before taking the first x.y.
func CompilerMajor(banner string) int {
	m := versionRe.FindStringSubmatch(parenRe.ReplaceAllString(banner, ""))
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// ExpectedCC returns the compiler command the headers tree asks for: Debian
// records it in .kernelvariables ("CC = ... gcc-12"); else "" (plain gcc).
func ExpectedCC(headersDir string) string {
	f, err := os.Open(filepath.Join(headersDir, ".kernelvariables"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok || strings.TrimSpace(k) != "CC" {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			return ""
		}
		// "$(if ...) $(CROSS_COMPILE)gcc-12": keep the last word, drop make variables.
		last := fields[len(fields)-1]
		return regexp.MustCompile(`\$\([^)]*\)`).ReplaceAllString(last, "")
	}
	return ""
}

// CompareCompiler fills in the mismatch verdict.
func CompareCompiler(expected, found, path string) Compiler {
	c := Compiler{Expected: expected, Found: found, Path: path,
		ExpectedMajor: CompilerMajor(expected), FoundMajor: CompilerMajor(found)}
	c.Mismatch = c.ExpectedMajor != 0 && c.FoundMajor != 0 && c.ExpectedMajor != c.FoundMajor
	return c
}
