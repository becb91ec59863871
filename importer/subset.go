// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// SubsetSHA256 is the content hash of an extracted upstream subset, which a
// tree pins (tree.Pin): the sha256 of a manifest with one line
// "<sha256 of the file>  <path>\n" per regular file, paths relative to dir
// with '/' separators, in byte order. Only paths and contents enter it, so
// the same code packed in another tarball (other compression, top
// directory, member order, mtimes or modes) hashes the same. The manifest
// is sha256sum's output, so the hash can be checked without nfsbundle:
//
//	cd DIR && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum
func SubsetSHA256(dir string) (string, error) {
	files, err := regularFiles(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, rel := range files {
		sum, err := fileutil.SHA256(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s  %s\n", sum, rel)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// regularFiles lists dir's regular files, '/'-separated and sorted. Other
// entries (symlinks) are left out as the import leaves them out (copyTree).
func regularFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		// A newline would let two different trees write the same manifest
		// (and sha256sum escapes such names, so the hashes would part).
		if strings.ContainsAny(rel, "\n\\") {
			return fmt.Errorf("upstream subset %s: file name %q has a newline or backslash", dir, rel)
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	// WalkDir's per-directory order is not the byte order of whole paths
	// ("a-b" sorts before "a/c").
	sort.Strings(files)
	return files, err
}
