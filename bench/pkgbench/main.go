// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Command pkgbench times how long pkg takes to emit the RPM and the deb from
// the staged modules of a build (finish.json) and prints the package sizes.
//
//	go run ./bench/pkgbench [-n 3] [build/<kver>/finish.json]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/deb"
	"github.com/nfsbundle/nfsbundle/pkg/rpm"
)

func main() {
	n := flag.Int("n", 3, "runs per format (the median is reported)")
	flag.Parse()
	manifest := flag.Arg(0)
	if manifest == "" {
		m, _ := filepath.Glob("build/*/finish.json")
		if len(m) == 0 {
			fmt.Fprintln(os.Stderr, "pkgbench: no build/*/finish.json: run ./build.sh bin first or name a manifest")
			os.Exit(2)
		}
		manifest = m[0]
	}
	logrus.SetLevel(logrus.WarnLevel)
	st, err := finish.Load(manifest)
	check(err)
	tg, err := detect.Load(detect.TargetPath(filepath.Dir(manifest)))
	check(err)
	var staged int64
	for _, m := range st.Modules {
		if fi, err := os.Stat(m.Path); err == nil {
			staged += fi.Size()
		}
	}
	fmt.Printf("staged: %d modules, %.1f MB (%s)\n", len(st.Modules), float64(staged)/1e6, manifest)
	var total time.Duration
	target := pkg.Target{DistroID: tg.Distro.ID, DistroFamily: tg.Distro.Family, DistroLike: tg.Distro.Like,
		Arch: tg.Arch, KernelRelease: tg.Kernel.Release, HeadersDir: tg.Kernel.HeadersDir}
	for _, pk := range []pkg.Packager{rpm.Packager{}, deb.Packager{}} {
		format := pk.Format()
		var times []time.Duration
		var out string
		for i := 0; i < *n; i++ {
			dist, err := os.MkdirTemp("", "pkgbench-")
			check(err)
			start := time.Now()
			r, err := pkg.Build(context.Background(), pkg.Input{Dist: dist, Version: "1.0.0", Packager: pk, Target: target, Stage: *st, SourceDateEpoch: 1700000000})
			times = append(times, time.Since(start))
			check(err)
			fi, err := os.Stat(r.Path)
			check(err)
			out = fmt.Sprintf("%s %.2f MB", filepath.Base(r.Path), float64(fi.Size())/1e6)
			os.RemoveAll(dist)
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		med := times[len(times)/2]
		total += med
		fmt.Printf("%-4s median %6.2fs (min %.2fs, max %.2fs) -> %s\n", format, med.Seconds(), times[0].Seconds(), times[len(times)-1].Seconds(), out)
	}
	fmt.Printf("rpm+deb: %.2fs (target < 3 s)\n", total.Seconds())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "pkgbench:", err)
		os.Exit(1)
	}
}
