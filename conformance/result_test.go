// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseReport(t *testing.T) {
	b, err := os.ReadFile("testdata/pynfs-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	tests, counts, err := ParseReport(string(b))
	if err != nil {
		t.Fatal(err)
	}
	want := []Test{
		{Code: "COUR2", Name: "st_courtesy.testLockSleepLock", Status: Pass},
		{Code: "XATT5", Name: "st_xattr.testUpdateOfMissingAttr", Status: Fail,
			Message: "OP_SETXATTR should return NFS4ERR_NOXATTR, instead got NFS4ERR_NOTSUPP"},
		{Code: "DELEG2", Name: "st_delegation.testWriteDeleg", Status: Fail,
			Message: "AttributeError: 'Event' object has no attribute 'stateid'"},
		{Code: "RD10", Name: "st_read.testStaleHandle", Status: Warning,
			Message: "READ with a stale handle returned NFS4ERR_BADHANDLE"},
		{Code: "LKU10", Name: "st_locku.testTimedoutUnlock", Status: Warning, Message: "courtesy locks not supported"},
		{Code: "GSS1", Name: "st_gss.testBadGssSeqnum", Status: Omit, Message: "Dependency function _using_gss failed"},
		{Code: "EXID1", Name: "st_exchange_id.testSupported", Status: Pass},
	}
	if !reflect.DeepEqual(tests, want) {
		t.Errorf("tests =\n%+v\nwant\n%+v", tests, want)
	}
	if got := CountLine(counts); got != "run 7: PASS 2, FAIL 2, WARNING 2, OMIT 1" {
		t.Errorf("CountLine = %q", got)
	}
}

func TestParseReportRefusesWhatItCannotCount(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/pynfs-report-miscount.txt":  "format changed",
		"testdata/pynfs-report-truncated.txt": "did not finish",
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := ParseReport(string(b)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to say %q", file, err, want)
		}
	}
}

func loadAB(t *testing.T) (ref, ours *StackResult) {
	t.Helper()
	ref, err := LoadStackResult("testdata/ab-inbox.json")
	if err != nil {
		t.Fatal(err)
	}
	ours, err = LoadStackResult("testdata/ab-ours.json")
	if err != nil {
		t.Fatal(err)
	}
	return ref, ours
}

func codes(ds []Diff) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

// The A/B rules on fixture results: a regression (also failing when run
// again), a flaky test (failing in the suite, passing alone), a test not run
// on ours, an improvement; both failing, PASS -> WARNING and a test the
// reference omitted are no findings.
func TestCompare(t *testing.T) {
	ref, ours := loadAB(t)
	v := Compare("inbox test", ref, ours)
	if got := codes(v.Regressions); !reflect.DeepEqual(got, []string{"GONE1", "REG1"}) {
		t.Errorf("regressions = %v", got)
	}
	if got := codes(v.Flaky); !reflect.DeepEqual(got, []string{"FLK1"}) {
		t.Errorf("flaky = %v", got)
	}
	if got := codes(v.Improvements); !reflect.DeepEqual(got, []string{"IMP1"}) {
		t.Errorf("improvements = %v", got)
	}
	if !v.Failed() || len(v.Missing) != 0 {
		t.Errorf("Failed() = %v, missing %v", v.Failed(), v.Missing)
	}
	for _, d := range v.Regressions {
		s := d.String()
		switch d.Code {
		case "REG1":
			if !strings.Contains(s, "PASS on the reference, FAIL on ours, FAIL when run again: OP_Y") {
				t.Errorf("REG1 = %q", s)
			}
		case "GONE1":
			if d.Ours != NotRun {
				t.Errorf("GONE1 ours = %s", d.Ours)
			}
		}
	}
}

// Against a newer inbox stack, a regression ours also fails on every
// baseline (ours on the tree's own series) is the code base's; one a
// baseline passes stays a regression, and so does one a baseline lacks.
func TestAttributeToCodeBase(t *testing.T) {
	ref, ours := loadAB(t)
	suite := "pynfs41"
	base := func(status string) *StackResult {
		return &StackResult{KVer: "6.1", Stack: StackOurs, Suites: []SuiteResult{{Suite: suite, Tests: []Test{{Code: "REG1", Status: status}}}}}
	}
	v := Compare("inbox newer", ref, ours)
	v.AttributeToCodeBase([]*StackResult{base(Fail)})
	if got := codes(v.CodeBase); !reflect.DeepEqual(got, []string{"REG1"}) {
		t.Errorf("code base = %v, want REG1", got)
	}
	if got := codes(v.Regressions); !reflect.DeepEqual(got, []string{"GONE1"}) {
		t.Errorf("regressions = %v, want GONE1 (no baseline ran it)", got)
	}
	if !v.Failed() {
		t.Error("GONE1 is still a regression")
	}
	v = Compare("inbox newer", ref, ours)
	v.AttributeToCodeBase([]*StackResult{base(Fail), base(Pass)})
	if len(v.CodeBase) != 0 || len(v.Regressions) != 2 {
		t.Errorf("a baseline passes REG1: code base %v, regressions %v", codes(v.CodeBase), codes(v.Regressions))
	}
	v = Compare("inbox newer", ref, ours)
	v.AttributeToCodeBase(nil)
	if len(v.CodeBase) != 0 || len(v.Regressions) != 2 {
		t.Errorf("no baselines: nothing moves: %v", codes(v.CodeBase))
	}
}

func TestCompareCleanAndMissing(t *testing.T) {
	ref, _ := loadAB(t)
	if v := Compare("self", ref, ref); v.Failed() || len(v.Improvements) != 0 || len(v.Flaky) != 0 {
		t.Errorf("a result against itself: %+v", v)
	}
	// A suite ours ran that the reference lacks has nothing to hold it to;
	// one that did not complete on ours is a failure.
	ours := &StackResult{KVer: "k", Stack: StackOurs, Suites: []SuiteResult{
		{Suite: "pynfs40", Error: "pynfs crashed"}, {Suite: "pynfs99"}}}
	v := Compare("inbox", ref, ours)
	if len(v.Missing) != 2 || !v.Failed() {
		t.Errorf("missing = %v", v.Missing)
	}
	if got := codes(v.Regressions); !reflect.DeepEqual(got, []string{"ACC1"}) {
		t.Errorf("an incomplete suite's reference passes are regressions (not run): %v", got)
	}
}

func TestCandidates(t *testing.T) {
	ref, ours := loadAB(t)
	got := []string{}
	for _, c := range Candidates(ref.Suite("pynfs41"), ours.Suite("pynfs41")) {
		got = append(got, c.Code)
	}
	if !reflect.DeepEqual(got, []string{"REG1", "FLK1", "GONE1"}) {
		t.Errorf("candidates = %v", got)
	}
}

func TestLoadStackResultRejectsOtherJSON(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.json")
	os.WriteFile(p, []byte(`{"suites": []}`), 0o644)
	if _, err := LoadStackResult(p); err == nil || !strings.Contains(err.Error(), "not a conformance result") {
		t.Errorf("err = %v", err)
	}
}

func TestPreparePynfsErrors(t *testing.T) {
	cache := t.TempDir()
	ctx := context.Background()
	if _, err := PreparePynfs(ctx, "", cache); err == nil || !strings.Contains(err.Error(), "--pynfs") || !strings.Contains(err.Error(), PynfsEnv) {
		t.Errorf("no source: %v", err)
	}
	if _, err := PreparePynfs(ctx, "testdata/pynfs-report.txt", cache); err == nil || !strings.Contains(err.Error(), ".tar.gz") {
		t.Errorf("a text file: %v", err)
	}
	if _, err := PreparePynfs(ctx, "testdata", cache); err == nil || !strings.Contains(err.Error(), "not a pynfs tree") {
		t.Errorf("not pynfs: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(cache, "pynfs")); len(ents) != 0 {
		t.Errorf("a failed prepare left %d entries in the cache", len(ents))
	}
}

func TestContentKeyFollowsContent(t *testing.T) {
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, "a"), []byte("1"), 0o644)
	k1, _ := contentKey(d, true)
	os.WriteFile(filepath.Join(d, "a"), []byte("2"), 0o644)
	k2, _ := contentKey(d, true)
	if k1 == k2 || len(k1) != 16 {
		t.Errorf("keys %q %q", k1, k2)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{
		{Top: "/x", KVer: "6.1.0-57-amd64", Stacks: []string{"theirs"}},
		{Top: "/x", KVer: "6.1.0-57-amd64", Suites: []string{"pynfs42"}},
		{Top: "/x", KVer: "6.1.0-57-amd64", Subset: "some"},
		{Top: "/x"},
	} {
		if err := o.defaults(); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	o := Options{Top: "/x", KVer: "k", Stacks: []string{StackOurs, StackInbox, StackOurs}}
	if err := o.defaults(); err != nil || !reflect.DeepEqual(o.Stacks, []string{StackInbox, StackOurs}) {
		t.Errorf("stacks %v (%v): the reference must run first, once", o.Stacks, err)
	}
}

func TestAddTimesAndSlowest(t *testing.T) {
	b, _ := os.ReadFile("testdata/pynfs-report.txt")
	tests, _, err := ParseReport(string(b))
	if err != nil {
		t.Fatal(err)
	}
	j, _ := os.ReadFile("testdata/pynfs-report.json")
	if err := addTimes(tests, j); err != nil {
		t.Fatal(err)
	}
	s := Slowest(tests, 2)
	if len(s) != 2 || s[0].Code != "COUR2" || s[0].Seconds != 31.5 || s[1].Code != "EXID1" {
		t.Errorf("slowest = %+v", s)
	}
	if err := addTimes(tests, []byte("{")); err == nil {
		t.Error("broken JSON: no error")
	}
}
