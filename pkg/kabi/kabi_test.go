// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package kabi

import (
	"reflect"
	"testing"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

func TestModversions(t *testing.T) {
	for _, f := range []string{"testdata/ko/a.ko", "testdata/ko/a.ko.xz"} {
		got, err := Modversions(f)
		if err != nil {
			t.Fatal(err)
		}
		want := []Symbol{{"printk", 1}, {"b_export", 2}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", f, got, want)
		}
	}
}

func TestExports(t *testing.T) {
	got, err := Exports("testdata/ko/b.ko")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []string{"b_export"}) {
		t.Errorf("got %v", got)
	}
	if got, _ := Exports("testdata/ko/a.ko"); len(got) != 0 {
		t.Errorf("a.ko exports %v, want none", got)
	}
}

func TestAnalyze(t *testing.T) {
	mods := []string{"testdata/ko/a.ko", "testdata/ko/b.ko"}
	k, err := Analyze(mods, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Symbol{{"kmalloc", 3}, {"printk", 1}}
	if !reflect.DeepEqual(k.Requires, want) {
		t.Errorf("requires %v, want %v (b_export is the bundle's own)", k.Requires, want)
	}
	kernel, err := modinfo.ReadSymvers("testdata/Module.symvers")
	if err != nil {
		t.Fatal(err)
	}
	k, err = Analyze(mods, kernel)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(k.Requires, []Symbol{{"printk", 1}}) || len(k.Foreign) != 1 || k.Foreign[0].Name != "kmalloc" {
		t.Errorf("with symvers: requires %v foreign %v", k.Requires, k.Foreign)
	}
	if len(k.Mismatch) != 0 {
		t.Errorf("mismatch %v", k.Mismatch)
	}
	kernel["printk"] = modinfo.SymversEntry{CRC: 9, Module: "vmlinux"}
	k, _ = Analyze(mods, kernel)
	if len(k.Mismatch) != 1 {
		t.Errorf("want a CRC mismatch on printk, got %v", k.Mismatch)
	}
}
