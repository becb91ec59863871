// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
	"github.com/nfsbundle/nfsbundle/internal/run"
	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// PynfsEnv names the pynfs source (a directory or a .tar.gz) when
// --pynfs is not given.
const PynfsEnv = "NFSBUNDLE_PYNFS"

// python is Debian's interpreter: pynfs's setup runs "python3" from PATH
// for its sub-projects, so no other Python may come first.
const python = "/usr/bin/python3"

// Suite is one pynfs suite: its test server script and the directory it
// works in under the guest's export.
type Suite struct {
	Name   string // pynfs40, pynfs41
	Script string // relative to the pynfs tree
	Dir    string // under the export; pynfs --maketree fills it
}

// Suites are the pynfs suites, in run order.
var Suites = []Suite{
	{Name: "pynfs40", Script: "nfs4.0/testserver.py", Dir: "pynfs40"},
	{Name: "pynfs41", Script: "nfs4.1/testserver.py", Dir: "pynfs41"},
}

// SuiteFio is the fio data verification (checks inside the guest).
const SuiteFio = "fio"

// FioChecks are the guest checks the fio suite must produce on ours.
var FioChecks = []string{proto.CheckFioNfsdV3, proto.CheckFioNfsdV42, proto.CheckFioControl, proto.CheckFioGoNFS}

// FindSuite returns the pynfs suite called name.
func FindSuite(name string) (Suite, bool) {
	for _, s := range Suites {
		if s.Name == name {
			return s, true
		}
	}
	return Suite{}, false
}

// PreparePynfs copies pynfs from src (a directory or a .tar.gz) into the
// cache, keyed by its content, and builds it there; it returns the built
// tree. A cache entry exists only once it is complete.
func PreparePynfs(ctx context.Context, src, cache string) (string, error) {
	if src == "" {
		return "", fmt.Errorf("pynfs is needed for the pynfs suites: give --pynfs DIR|TARBALL or set %s (get it from git://git.linux-nfs.org/projects/cdmackay/pynfs.git; or run only --suite fio)", PynfsEnv)
	}
	st, err := os.Stat(src)
	if err != nil {
		return "", fmt.Errorf("pynfs source %s: %w", src, err)
	}
	if !st.IsDir() && !strings.HasSuffix(src, ".tar.gz") && !strings.HasSuffix(src, ".tgz") {
		return "", fmt.Errorf("pynfs source %s: give a directory or a .tar.gz", src)
	}
	key, err := contentKey(src, st.IsDir())
	if err != nil {
		return "", err
	}
	final := filepath.Join(cache, "pynfs", key)
	if tree, err := pynfsRoot(final); err == nil {
		if _, err := os.Stat(filepath.Join(final, ".complete")); err == nil {
			return tree, nil
		}
	}
	if _, err := os.Stat(python); err != nil {
		return "", fmt.Errorf("pynfs needs Debian's %s with python3-ply and python3-gssapi: apt-get install python3 python3-ply python3-gssapi", python)
	}
	t := time.Now()
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), key+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if st.IsDir() {
		_, err = run.Output(ctx, "cp", "-a", "--", filepath.Clean(src)+"/.", tmp)
	} else {
		_, err = run.Output(ctx, "tar", "-xzf", src, "-C", tmp)
	}
	if err != nil {
		return "", fmt.Errorf("copying pynfs from %s: %w", src, err)
	}
	tree, err := pynfsRoot(tmp)
	if err != nil {
		return "", fmt.Errorf("%s: %w", src, err)
	}
	env := []string{"PATH=/usr/bin:" + os.Getenv("PATH")}
	if out, err := run.OutputIn(ctx, tree, env, python, "setup.py", "build"); err != nil {
		if strings.Contains(string(out)+err.Error(), "No module named 'ply'") {
			return "", errors.New("building pynfs: python3-ply is missing: apt-get install python3-ply python3-gssapi")
		}
		return "", fmt.Errorf("building pynfs (%s setup.py build): %w", python, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	os.RemoveAll(final)
	if err := os.Rename(tmp, final); err != nil {
		return "", err
	}
	logrus.Debugf("conformance: pynfs from %s built in %s", src, cli.Seconds(time.Since(t)))
	return pynfsRoot(final)
}

// pynfsRoot finds the directory holding nfs4.0/ and nfs4.1/ (the top of
// the tree, or its only subdirectory as in a release tarball).
func pynfsRoot(dir string) (string, error) {
	cands := []string{dir}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			cands = append(cands, filepath.Join(dir, e.Name()))
		}
	}
	for _, cand := range cands {
		ok := true
		for _, s := range Suites {
			if _, err := os.Stat(filepath.Join(cand, s.Script)); err != nil {
				ok = false
			}
		}
		if ok {
			return cand, nil
		}
	}
	return "", errors.New("not a pynfs tree: nfs4.0/testserver.py and nfs4.1/testserver.py are missing")
}

// contentKey hashes a tarball, or a directory's names, modes and contents.
func contentKey(src string, dir bool) (string, error) {
	if !dir {
		sum, err := fileutil.SHA256(src)
		if err != nil {
			return "", err
		}
		return sum[:16], nil
	}
	h := sha256.New()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "build" || d.Name() == "__pycache__") {
			return filepath.SkipDir
		}
		fmt.Fprintf(h, "%s\x00%v\x00", rel, d.Type())
		if d.Type().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(h, f)
			return err
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("reading pynfs source %s: %w", src, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
