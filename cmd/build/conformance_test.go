// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Bad input to conformance fails before anything boots, naming the flag
// and never echoing the text inside a command.
func TestConformanceRejectsBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"conformance", "--kernel", "6.1.0; touch x"}, "is not one"},
		{[]string{"conformance", "--kernel", "../../etc"}, "is not one"},
		{[]string{"conformance", "--kernel", "6.1.0-57-amd64", "--stack", "theirs"}, "use ours, inbox or both"},
	} {
		_, err := runCLI(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want %q", c.args, err, c.want)
		}
	}
}

// For a kernel outside the main tree's series, ours is also held to our
// own newest result on a kernel of that series.
func TestSeriesBaselines(t *testing.T) {
	top := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	src, _ := filepath.Abs("../../kernel-src")
	must(os.Symlink(src, filepath.Join(top, "kernel-src")))
	for i, k := range []string{"6.1.0-9-amd64", "6.1.0-57-amd64", "6.1.0-50-amd64"} {
		d := filepath.Join(top, "build", k, "conformance")
		must(os.MkdirAll(d, 0o755))
		must(os.WriteFile(filepath.Join(d, "ours.json"), []byte("{}"), 0o644))
		at := time.Unix(1700000000+int64(i%2)*1000, 0) // -57 is the newest run
		must(os.Chtimes(filepath.Join(d, "ours.json"), at, at))
	}
	got, err := seriesBaselines(top, "6.12.117+deb13-amd64")
	want := []string{filepath.Join(top, "build", "6.1.0-57-amd64", "conformance", "ours.json")}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("6.12: %v (%v), want %v", got, err, want)
	}
	if got, err := seriesBaselines(top, "6.1.0-57-amd64"); err != nil || got != nil {
		t.Errorf("6.1 is the tree's own series, no baseline: %v (%v)", got, err)
	}
	if got, err := seriesBaselines(t.TempDir(), "6.12.117+deb13-amd64"); err == nil {
		t.Errorf("no kernel-src: %v, want an error", got)
	}
}

// bin validates --kernel before anything uses or echoes it: one short
// error that does not carry the text.
func TestBinRejectsAReleaseThatIsNotOne(t *testing.T) {
	_, err := runCLI(t, "bin", "--kernel", "6.1.0; touch x")
	if err == nil || strings.Contains(err.Error(), "touch") || strings.Count(err.Error(), "\n") > 1 {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat("x"); err == nil {
		t.Error("a file x appeared")
	}
}
