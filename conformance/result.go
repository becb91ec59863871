// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Test outcomes, as pynfs names them in its report (FAILURE is FAIL here;
// UNSUPPORTED counts as WARNING, as pynfs's own totals count it).
const (
	Pass    = "PASS"
	Fail    = "FAIL"
	Warning = "WARNING"
	Omit    = "OMIT"
	NotRun  = "NOTRUN" // expected from the reference, absent here
)

// Test is one pynfs test's outcome.
type Test struct {
	Code    string  `json:"code"`
	Name    string  `json:"name"`
	Status  string  `json:"status"`
	Message string  `json:"message,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
}

// OK is a passing outcome: PASS, or WARNING ("technically a PASS").
func (t Test) OK() bool { return t.Status == Pass || t.Status == Warning }

// SuiteResult is one suite's run on one stack.
type SuiteResult struct {
	Suite   string         `json:"suite"`
	Args    []string       `json:"args"`
	Seconds float64        `json:"seconds"`
	Counts  map[string]int `json:"counts"`
	Tests   []Test         `json:"tests"`
	// Reruns are regression candidates run again, alone (with their
	// dependencies), on the same guest.
	Reruns []Test `json:"reruns,omitempty"`
	Error  string `json:"error,omitempty"` // the suite did not complete
}

// Check is one guest check (the fio ones, and the VM's own).
type Check struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail,omitempty"`
}

// StackResult is everything measured on one stack: build/<kver>/conformance/<stack>.json.
type StackResult struct {
	KVer    string        `json:"kver"`
	Stack   string        `json:"stack"`
	Version string        `json:"version,omitempty"` // nfs_bundle_version (ours)
	Suites  []SuiteResult `json:"suites"`
	Checks  []Check       `json:"checks,omitempty"`
	Seconds float64       `json:"seconds"`
}

// Suite returns the named suite's result, or nil.
func (r *StackResult) Suite(name string) *SuiteResult {
	for i := range r.Suites {
		if r.Suites[i].Suite == name {
			return &r.Suites[i]
		}
	}
	return nil
}

// LoadStackResult reads a result file written by Run.
func LoadStackResult(path string) (*StackResult, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r StackResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Stack == "" || r.KVer == "" {
		return nil, fmt.Errorf("%s: not a conformance result (no stack or kernel)", path)
	}
	return &r, nil
}

// A result line of pynfs's text report: "CODE     st_x.testY    : PASS".
var resultLine = regexp.MustCompile(`^(\S+)\s+(\S+)\s+: (PASS|FAILURE|WARNING|UNSUPPORTED|OMIT)\s*$`)

// Its totals: "Of those: 8 Skipped, 12 Failed, 1 Warned, 185 Passed".
var totalsLine = regexp.MustCompile(`^Of those: (\d+) Skipped, (\d+) Failed, (\d+) Warned, (\d+) Passed`)

// ParseReport reads pynfs's text report (testserver.py --showomit) into
// tests, checking the parsed counts against pynfs's own totals so a change
// of format is an error rather than a silent miscount.
func ParseReport(out string) ([]Test, map[string]int, error) {
	var tests []Test
	var msg []string
	flush := func() {
		if len(tests) > 0 && len(msg) > 0 {
			tests[len(tests)-1].Message = strings.Join(msg, " ")
		}
		msg = nil
	}
	inReport, totals := false, []int(nil)
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "*****"):
			flush()
			inReport = !inReport
		case !inReport:
			if m := totalsLine.FindStringSubmatch(l); m != nil {
				totals = nil
				for _, s := range m[1:] {
					n, _ := strconv.Atoi(s)
					totals = append(totals, n)
				}
			}
		case resultLine.MatchString(l):
			flush()
			m := resultLine.FindStringSubmatch(l)
			tests = append(tests, Test{Code: m[1], Name: m[2], Status: status(m[3])})
		case strings.HasPrefix(l, "  ") && len(tests) > 0:
			msg = append(msg, strings.TrimSpace(l))
		}
	}
	flush()
	if totals == nil {
		return nil, nil, fmt.Errorf("no pynfs totals line (\"Of those: ...\") in its output: the run did not finish")
	}
	counts := Counts(tests)
	if counts[Fail] != totals[1] || counts[Warning] != totals[2] || counts[Pass] != totals[3] {
		return nil, nil, fmt.Errorf("parsed %d failed, %d warned, %d passed but pynfs counted %d, %d, %d: its report format changed",
			counts[Fail], counts[Warning], counts[Pass], totals[1], totals[2], totals[3])
	}
	return tests, counts, nil
}

func status(s string) string {
	switch s {
	case "FAILURE":
		return Fail
	case "UNSUPPORTED":
		return Warning
	}
	return s
}

// Counts tallies tests per status.
func Counts(tests []Test) map[string]int {
	c := map[string]int{Pass: 0, Fail: 0, Warning: 0, Omit: 0}
	for _, t := range tests {
		c[t.Status]++
	}
	return c
}

// CountLine is "run N: PASS a, FAIL b, WARNING c, OMIT d".
func CountLine(c map[string]int) string {
	n := 0
	for _, v := range c {
		n += v
	}
	return fmt.Sprintf("run %d: PASS %d, FAIL %d, WARNING %d, OMIT %d", n, c[Pass], c[Fail], c[Warning], c[Omit])
}

// Diff is one test whose outcome differs between a reference and ours.
type Diff struct {
	Suite     string `json:"suite"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	Reference string `json:"reference"`
	Ours      string `json:"ours"`
	Rerun     string `json:"rerun,omitempty"` // ours, run again alone
	Message   string `json:"message,omitempty"`
}

func (d Diff) String() string {
	s := fmt.Sprintf("%s %s (%s): %s on the reference, %s on ours", d.Suite, d.Code, d.Name, d.Reference, d.Ours)
	if d.Rerun != "" {
		s += ", " + d.Rerun + " when run again"
	}
	if d.Message != "" {
		s += ": " + d.Message
	}
	return s
}

// Verdict is the A/B comparison of ours against one reference.
type Verdict struct {
	Reference string `json:"reference"` // what was compared against, e.g. "inbox 6.1.0-57-amd64"
	// Regressions pass on the reference and fail (or are missing) on ours,
	// also when run again alone.
	Regressions []Diff `json:"regressions"`
	// Flaky failed on ours in the suite run but passed when run again.
	Flaky []Diff `json:"flaky"`
	// Improvements pass on ours and fail on the reference.
	Improvements []Diff `json:"improvements"`
	// Missing names suites ours ran that the reference lacks, or that did
	// not complete on ours while they did on the reference.
	Missing []string `json:"missing,omitempty"`
	// CodeBase are regressions against the kernel's own, newer NFS code
	// that ours also fails on a kernel of our tree's own series: what our
	// code base does not have yet (write delegations before 6.6), not what
	// the compat layer broke. Reported, and they do not fail the run.
	CodeBase []Diff `json:"code_base,omitempty"`
}

// Failed says whether the verdict fails the run.
func (v *Verdict) Failed() bool { return len(v.Regressions) > 0 || len(v.Missing) > 0 }

// AttributeToCodeBase moves to CodeBase each regression that ours fails on
// every one of baselines too (our results on a kernel of the tree's own
// series). A regression some baseline passes stays one: the compat layer
// is the suspect.
func (v *Verdict) AttributeToCodeBase(baselines []*StackResult) {
	if len(baselines) == 0 {
		return
	}
	kept := []Diff{}
	for _, d := range v.Regressions {
		if failsOnAll(baselines, d.Suite, d.Code) {
			v.CodeBase = append(v.CodeBase, d)
		} else {
			kept = append(kept, d)
		}
	}
	v.Regressions = kept
}

// failsOnAll says whether every baseline ran suite's test code and did not
// pass it.
func failsOnAll(baselines []*StackResult, suite, code string) bool {
	for _, b := range baselines {
		s := b.Suite(suite)
		if s == nil {
			return false
		}
		t, ok := index(s.Tests)[code]
		if !ok || t.OK() {
			return false
		}
	}
	return true
}

// Candidates are the tests of one suite that pass on ref and do not on
// ours: the ones to run again before calling them regressions.
func Candidates(ref, ours *SuiteResult) []Test {
	have := index(ours.Tests)
	var out []Test
	for _, r := range ref.Tests {
		o, ok := have[r.Code]
		if r.OK() && (!ok || !o.OK()) {
			out = append(out, r)
		}
	}
	return out
}

// Compare holds ours against ref, suite by suite. Expected failures come
// only from the reference's measured results: a test both fail is no
// finding; one ref passes and ours fails is a regression unless its rerun
// on ours passed (then flaky).
func Compare(refName string, ref, ours *StackResult) *Verdict {
	v := &Verdict{Reference: refName, Regressions: []Diff{}, Flaky: []Diff{}, Improvements: []Diff{}}
	for _, ou := range ours.Suites {
		rs := ref.Suite(ou.Suite)
		if rs == nil {
			v.Missing = append(v.Missing, fmt.Sprintf("%s ran on ours but not on %s: no reference to hold it to", ou.Suite, refName))
			continue
		}
		if ou.Error != "" && rs.Error == "" {
			v.Missing = append(v.Missing, fmt.Sprintf("%s did not complete on ours: %s", ou.Suite, ou.Error))
		}
		have, reruns := index(ou.Tests), index(ou.Reruns)
		for _, r := range Candidates(rs, &ou) {
			d := Diff{Suite: ou.Suite, Code: r.Code, Name: r.Name, Reference: r.Status, Ours: NotRun}
			if o, ok := have[r.Code]; ok {
				d.Ours, d.Message = o.Status, o.Message
			}
			if rr, ok := reruns[r.Code]; ok {
				d.Rerun = rr.Status
				if rr.OK() {
					v.Flaky = append(v.Flaky, d)
					continue
				}
			}
			v.Regressions = append(v.Regressions, d)
		}
		refIdx := index(rs.Tests)
		for _, o := range ou.Tests {
			if r, ok := refIdx[o.Code]; ok && o.OK() && r.Status == Fail {
				v.Improvements = append(v.Improvements, Diff{Suite: ou.Suite, Code: o.Code, Name: o.Name,
					Reference: r.Status, Ours: o.Status, Message: r.Message})
			}
		}
	}
	for _, l := range [][]Diff{v.Regressions, v.Flaky, v.Improvements} {
		sort.Slice(l, func(i, j int) bool { return l[i].Suite+l[i].Code < l[j].Suite+l[j].Code })
	}
	return v
}

func index(tests []Test) map[string]Test {
	m := make(map[string]Test, len(tests))
	for _, t := range tests {
		m[t.Code] = t
	}
	return m
}

// addTimes takes each test's duration from pynfs's --json report (which
// has no WARNING outcome, so the text report stays the source of status).
func addTimes(tests []Test, b []byte) error {
	var rep struct {
		Testcase []struct {
			Code string `json:"code"`
			Time string `json:"time"`
		} `json:"testcase"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return err
	}
	at := map[string]float64{}
	for _, c := range rep.Testcase {
		if f, err := strconv.ParseFloat(c.Time, 64); err == nil {
			at[c.Code] = f
		}
	}
	for i := range tests {
		tests[i].Seconds = at[tests[i].Code]
	}
	return nil
}

// Slowest returns the n slowest tests.
func Slowest(tests []Test, n int) []Test {
	s := append([]Test(nil), tests...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Seconds > s[j].Seconds })
	if len(s) > n {
		s = s[:n]
	}
	return s
}
