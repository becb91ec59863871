// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package tree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTree(t *testing.T, root, name, kernels string, legacy bool) {
	t.Helper()
	dir := filepath.Join(root, name)
	os.MkdirAll(dir, 0o755)
	l := "false"
	if legacy {
		l = "true"
	}
	os.WriteFile(filepath.Join(dir, "tree.json"), []byte(`{"name":"`+name+`","upstream_series":"x","kernels":"`+kernels+`","legacy":`+l+`}`), 0o644)
}

func TestSelect(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, "main", ">= 6.1, < 6.2", false)
	writeTree(t, root, "legacy", ">= 5.4, < 6.1", true)
	trees, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]string{"6.1.192": "main", "6.1.0": "main", "5.10.226": "legacy", "5.4.0": "legacy"} {
		s, err := Select(trees, v, "")
		if err != nil || s.Tree.Name != want {
			t.Errorf("%s: got %v %v, want %s", v, s.Tree, err, want)
		}
	}
	if _, err := Select(trees, "4.18.0", ""); err == nil || !strings.Contains(err.Error(), "not supported by any source tree") {
		t.Errorf("too old: %v", err)
	}
	s, err := Select(trees, "6.12.48", "main")
	if err != nil || !strings.Contains(s.Reason, "outside its range") {
		t.Errorf("forced: %v %v", s, err)
	}
	if _, err := Select(trees, "6.1.0", "nope"); err == nil {
		t.Error("unknown --tree must fail")
	}
}

func TestRepositoryTrees(t *testing.T) {
	trees, err := Load("../kernel-src")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Select(trees, "6.1.192", "")
	if err != nil || s.Tree.Name != "main" || s.Tree.UpstreamSeries != "6.1" {
		t.Fatalf("%v %v", s, err)
	}
	for _, tr := range trees {
		for _, p := range []string{tr.PathsFile(), tr.KbuildFile(), tr.PatchesDir()} {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("tree %s: %v", tr.Name, err)
			}
		}
	}
}

func TestBadTreeFile(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, "main", "not a constraint", false)
	if _, err := Load(root); err == nil {
		t.Fatal("bad constraint must fail")
	}
}

// writeTreeJSON writes root/<name>/tree.json with the given body.
func writeTreeJSON(t *testing.T, root, name, body string) {
	t.Helper()
	os.MkdirAll(filepath.Join(root, name), 0o755)
	if err := os.WriteFile(filepath.Join(root, name, "tree.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

const goodSum = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestPinGrammar(t *testing.T) {
	for _, c := range []struct {
		upstream string
		err      string // "" for valid
	}{
		{`{"version":"6.1.192","subset_sha256":"` + goodSum + `"}`, ""},
		{`{"version":"6.1","subset_sha256":"` + goodSum + `"}`, "not a Linux release version"},
		{`{"version":"6.1.192-1","subset_sha256":"` + goodSum + `"}`, "not a Linux release version"},
		{`{"version":"6.12.48","subset_sha256":"` + goodSum + `"}`, "not of the tree's upstream series 6.1"},
		{`{"version":"6.1.192","subset_sha256":"` + strings.ToUpper(goodSum) + `"}`, "64 lowercase hex"},
		{`{"version":"6.1.192","subset_sha256":"` + goodSum[:63] + `"}`, "64 lowercase hex"},
		{`{"version":"6.1.192"}`, "64 lowercase hex"},
		{`{"version":"6.1.192","sha256":"` + goodSum + `"}`, "unknown field"},
	} {
		root := t.TempDir()
		writeTreeJSON(t, root, "main", `{"name":"main","upstream_series":"6.1","upstream":`+c.upstream+`,"kernels":">= 6.1"}`)
		trees, err := Load(root)
		if c.err == "" {
			if err != nil || trees[0].Upstream == nil || trees[0].Upstream.Version != "6.1.192" {
				t.Errorf("%s: %v", c.upstream, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: got %v, want %q", c.upstream, err, c.err)
		}
	}
}

func TestUnknownFieldRejected(t *testing.T) {
	root := t.TempDir()
	writeTreeJSON(t, root, "main", `{"name":"main","upstream_series":"6.1","upstrem":{},"kernels":">= 6.1"}`)
	if _, err := Load(root); err == nil || !strings.Contains(err.Error(), `unknown field "upstrem"`) {
		t.Fatalf("got %v", err)
	}
}

// TestRepositoryTreesRoundTrip: SetPin rewrites tree.json from the parsed
// tree, so the parsed tree must encode back to the file byte for byte, or a
// re-pin would reformat the file or drop a field.
func TestRepositoryTreesRoundTrip(t *testing.T) {
	trees, err := Load("../kernel-src")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trees {
		want, _ := os.ReadFile(filepath.Join(tr.Dir, "tree.json"))
		got, err := tr.encode()
		if err != nil || string(got) != string(want) {
			t.Errorf("tree %s encodes as\n%s\nnot as its file\n%s", tr.Name, got, want)
		}
	}
}

func TestSetPin(t *testing.T) {
	root := t.TempDir()
	writeTreeJSON(t, root, "main", "{\n  \"name\": \"main\",\n  \"upstream_series\": \"6.1\",\n  \"kernels\": \">= 6.1, < 6.2\",\n  \"legacy\": false\n}\n")
	trees, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if trees[0].Upstream != nil {
		t.Fatal("a tree without \"upstream\" must have no pin")
	}
	if err := trees[0].SetPin(Pin{Version: "6.2.1", SubsetSHA256: goodSum}); err == nil {
		t.Fatal("a pin of another series must be refused")
	}
	if err := trees[0].SetPin(Pin{Version: "6.1.192", SubsetSHA256: goodSum}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(root, "main", "tree.json"))
	want := "{\n  \"name\": \"main\",\n  \"description\": \"\",\n  \"upstream_series\": \"6.1\",\n  \"upstream\": {\n    \"version\": \"6.1.192\",\n" +
		"    \"subset_sha256\": \"" + goodSum + "\"\n  },\n  \"kernels\": \">= 6.1, < 6.2\",\n  \"legacy\": false\n}\n"
	if string(data) != want {
		t.Fatalf("tree.json:\n%s\nwant\n%s", data, want)
	}
	again, err := Load(root)
	if err != nil || *again[0].Upstream != (Pin{Version: "6.1.192", SubsetSHA256: goodSum}) {
		t.Fatalf("reloaded: %+v %v", again[0].Upstream, err)
	}
}

func TestRangeBounds(t *testing.T) {
	for text, want := range map[string][2]string{
		">= 6.1, < 6.2":    {"6.1", "6.2"},
		">= 6.1, < 6.13":   {"6.1", "6.13"},
		">= 5.10.0, < 6.1": {"5.10", "6.1"},
		">= 6.1":           {"6.1", ""},
	} {
		r, err := ParseRange(text)
		if err != nil {
			t.Fatal(err)
		}
		min, max, err := r.Bounds()
		if err != nil || min != want[0] || max != want[1] {
			t.Errorf("%q: min %q max %q (%v), want %v", text, min, max, err, want)
		}
	}
	for _, text := range []string{">= 6.1.50, < 6.2", "> 6.1", "<= 6.12", ">= 6.1, >= 6.2", "~> 6.1", "= 6.1"} {
		r, err := ParseRange(text)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Bounds(); err == nil || !strings.Contains(err.Error(), "X.Y") {
			t.Errorf("%q: %v, want an error saying which bounds DKMS takes", text, err)
		}
	}
	// The repository's trees all translate: the DKMS package is derived
	// from them.
	trees, err := Load("../kernel-src")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trees {
		if _, _, err := tr.Range.Bounds(); err != nil {
			t.Errorf("tree %s: %v", tr.Name, err)
		}
	}
}
