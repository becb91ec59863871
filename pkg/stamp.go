// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Stamp records what a package stage produced from which inputs, so an
// unchanged rebuild can keep the packages it already wrote: they would come
// out byte-identical anyway (packages are reproducible).
type Stamp struct {
	Key     string            `json:"key"`
	Package string            `json:"package"` // the package among the outputs
	Outputs map[string]string `json:"outputs"` // path -> sha256: the package and its companions
}

// InputKey hashes everything a binary package is made from: the input
// description (with SOURCE_DATE_EPOCH and the signing key's name), the
// format, the content of every staged module, nfsbundle-ctl, the target's
// Module.symvers, the signing key, and the packaging program itself
// (extraFiles, e.g. the running driver).
func InputKey(in Input, extraFiles ...string) (string, error) {
	h := sha256.New()
	desc, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	h.Write(desc)
	if in.Packager != nil {
		io.WriteString(h, "\nformat="+in.Packager.Format())
	}
	if k := in.RPM.SignKey; k != "" { // the user named it: say which file is wrong
		sum, err := fileutil.SHA256(k)
		if err != nil {
			return "", fmt.Errorf("RPM signing key: %w", err)
		}
		io.WriteString(h, "\n"+k+"="+sum)
	}
	files := append([]string{in.CtlBinary, in.RPM.KernelSymvers}, extraFiles...)
	for _, m := range in.Stage.Modules {
		files = append(files, m.Path)
	}
	for _, f := range files {
		if f == "" {
			continue
		}
		sum, err := fileutil.SHA256(f)
		if err != nil {
			return "", err
		}
		io.WriteString(h, "\n"+f+"="+sum)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReadStamp returns the package recorded under key and its companions
// when every one of them is still there, unchanged; ok is false otherwise.
func ReadStamp(path, key string) (r *Result, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var s Stamp
	if json.Unmarshal(data, &s) != nil || s.Key != key || s.Outputs[s.Package] == "" {
		return nil, false
	}
	r = &Result{Path: s.Package, UpToDate: true}
	for out, sum := range s.Outputs {
		if got, err := fileutil.SHA256(out); err != nil || got != sum {
			return nil, false
		}
		if out != s.Package {
			r.Companions = append(r.Companions, out)
		}
	}
	sort.Strings(r.Companions)
	return r, true
}

// WriteStamp records the package r wrote, and its companions, as made
// from key.
func WriteStamp(path, key string, r *Result) error {
	s := Stamp{Key: key, Package: r.Path, Outputs: map[string]string{}}
	for _, o := range append([]string{r.Path}, r.Companions...) {
		sum, err := fileutil.SHA256(o)
		if err != nil {
			return err
		}
		s.Outputs[o] = sum
	}
	data, _ := json.MarshalIndent(s, "", "  ")
	return fileutil.WriteAtomic(path, data, 0o644)
}

// StampPath is where BuildOnce records the packages of one format.
func StampPath(buildDir, format string) string {
	return filepath.Join(buildDir, "package-"+format+".stamp.json")
}

// BuildOnce is Build unless the same inputs (and the same driver, the
// running program) already produced the packages still there, recorded in
// the stamp file: those would come out byte-identical anyway.
func BuildOnce(ctx context.Context, in Input, stamp string) (*Result, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("package: finding this driver's own file for the build stamp: %w (is /proc mounted?)", err)
	}
	key, err := InputKey(in, self)
	if err != nil {
		return nil, err
	}
	if r, ok := ReadStamp(stamp, key); ok {
		logrus.Debugf("package: %s up to date", r.Path)
		return r, nil
	}
	r, err := Build(ctx, in)
	if err != nil {
		return nil, err
	}
	return r, WriteStamp(stamp, key, r)
}

// DefaultSourceDateEpoch is the package timestamp: fromEnv (the value of
// $SOURCE_DATE_EPOCH, which the caller reads) when set, else the time of
// the commit being built in top, so packages are reproducible and carry a
// real date rather than 1970. Without git (a source release) it is 0.
func DefaultSourceDateEpoch(ctx context.Context, top, fromEnv string) int64 {
	if fromEnv == "" {
		out, err := run.Output(ctx, "git", "-C", top, "log", "-1", "--format=%ct")
		if err != nil {
			return 0
		}
		fromEnv = strings.TrimSpace(string(out))
	}
	return ParseSourceDateEpoch(fromEnv)
}

// ParseSourceDateEpoch reads a SOURCE_DATE_EPOCH value: 0 when empty or invalid.
func ParseSourceDateEpoch(s string) int64 {
	var v int64
	if _, err := fmt.Sscanf(s, "%d", &v); err != nil || v < 0 {
		return 0
	}
	return v
}
