// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package importer

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// Upstream is an extracted, cached upstream subset.
type Upstream struct {
	Dir             string `json:"-"`
	Tarball         string `json:"tarball"`
	SHA256          string `json:"sha256"`
	UpstreamVersion string `json:"upstream_version"`
	// SubsetSHA256 is the extracted subset's content hash, before our
	// patches: what a tree's pin names (SubsetSHA256).
	SubsetSHA256 string `json:"subset_sha256"`
	CacheHit     bool   `json:"-"`
}

// ReadPaths reads a paths.txt: one path or pattern a line, # comments.
func ReadPaths(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

// Extract unpacks the listed paths of tarball into the cache, once per
// (tarball sha256, path list). An entry appears only when complete: a
// corrupt tarball leaves nothing behind.
func Extract(ctx context.Context, tarball string, paths []string, cacheRoot string) (*Upstream, error) {
	sum, err := tarballSum(tarball, cacheRoot)
	if err != nil {
		return nil, err
	}
	ph := sha256.Sum256([]byte(strings.Join(paths, "\n")))
	entry := filepath.Join(cacheRoot, "upstream", sum[:16]+"-"+hex.EncodeToString(ph[:4]))
	up := &Upstream{Dir: filepath.Join(entry, "tree"), Tarball: tarball, SHA256: sum}
	if data, err := os.ReadFile(filepath.Join(entry, "meta.json")); err == nil && json.Unmarshal(data, up) == nil {
		up.Dir, up.Tarball, up.CacheHit = filepath.Join(entry, "tree"), tarball, true
		if err := backfillSubsetSum(entry, up); err != nil {
			return nil, err
		}
		return up, nil
	}
	top, err := topDir(ctx, tarball)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(entry), ".extract-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	args := []string{"-xf", tarball, "-C", tmp, "--strip-components=1", "--wildcards", "--no-same-owner"}
	for _, p := range paths {
		args = append(args, top+"/"+p)
	}
	cmd := exec.CommandContext(ctx, "tar", args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if strings.Contains(string(out), "Not found in archive") {
			return nil, fmt.Errorf("source tarball %s lacks paths this tree needs:\n%s\nis it the right kernel series?", tarball, strings.TrimSpace(string(out)))
		}
		return nil, corrupt(tarball, string(out))
	}
	if up.UpstreamVersion, err = makefileVersion(filepath.Join(tmp, "Makefile")); err != nil {
		return nil, fmt.Errorf("source tarball %s: %w", tarball, err)
	}
	if up.SubsetSHA256, err = SubsetSHA256(tmp); err != nil {
		return nil, err
	}
	if err := finishEntry(tmp, entry, up); err != nil {
		return nil, err
	}
	return up, nil
}

// tarballSum is the tarball's sha256, remembered per (path, size, mtime) so
// an unchanged rebuild does not read 140 MB again.
func tarballSum(tarball, cacheRoot string) (string, error) {
	st, err := os.Stat(tarball)
	if err != nil {
		return "", err
	}
	id := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d\x00%d", tarball, st.Size(), st.ModTime().UnixNano())))
	memo := filepath.Join(cacheRoot, "tarball-sums", hex.EncodeToString(id[:12]))
	if data, err := os.ReadFile(memo); err == nil && len(data) == 64 {
		return string(data), nil
	}
	sum, err := fileutil.SHA256(tarball)
	if err != nil {
		return "", err
	}
	return sum, fileutil.WriteAtomic(memo, []byte(sum), 0o644)
}

// finishEntry moves the extracted tree into place and writes meta.json last,
// which is what marks the entry complete.
func finishEntry(tree, entry string, up *Upstream) error {
	os.RemoveAll(entry)
	if err := os.MkdirAll(entry, 0o755); err != nil {
		return err
	}
	if err := os.Rename(tree, filepath.Join(entry, "tree")); err != nil {
		return err
	}
	return fileutil.WriteJSON(filepath.Join(entry, "meta.json"), up)
}

// backfillSubsetSum hashes the tree of an entry cached before subsets were
// hashed, and records the hash in its meta.json: cheaper than extracting
// the tarball again.
func backfillSubsetSum(entry string, up *Upstream) error {
	if up.SubsetSHA256 != "" {
		return nil
	}
	sum, err := SubsetSHA256(up.Dir)
	if err != nil {
		return err
	}
	up.SubsetSHA256 = sum
	return fileutil.WriteJSON(filepath.Join(entry, "meta.json"), up)
}

var mkVarRe = regexp.MustCompile(`(?m)^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)[ \t]*=[ \t]*(\S*)`)

// makefileVersion reads VERSION.PATCHLEVEL.SUBLEVEL from a kernel Makefile.
func makefileVersion(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("no top-level Makefile: not a kernel source tree")
	}
	v := map[string]string{}
	for _, m := range mkVarRe.FindAllStringSubmatch(string(data), 4) {
		v[m[1]] = m[2]
	}
	if v["VERSION"] == "" || v["PATCHLEVEL"] == "" {
		return "", fmt.Errorf("top-level Makefile has no VERSION/PATCHLEVEL: not a kernel source tree")
	}
	s := v["VERSION"] + "." + v["PATCHLEVEL"]
	if v["SUBLEVEL"] != "" {
		s += "." + v["SUBLEVEL"]
	}
	return s + v["EXTRAVERSION"], nil
}
