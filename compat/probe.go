// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package compat learns what a target kernel provides. Each probe under
// compat/probes/ is one small C file about one kernel API variant, named
// after the API, with a comment naming the kernel version and upstream
// commit that changed it, and directives in comments:
//
//	// probe: compile                 the file compiles against the headers
//	// probe: symbol NAME             ... and NAME is exported (Module.symvers)
//	// probe: gpl-symbol NAME         ... and NAME is exported GPL-only
//	// probe: member STRUCT FIELD     struct STRUCT has FIELD (after the includes)
//	// probe: header PATH             <PATH> exists
//	// define: HAVE_X                 the macro the result defines
//	// werror                         compile this probe with -Werror
//
// The engine (Run) compiles the probes with the target kernel's own flags,
// batched (many probes per translation unit, in parallel) and caches the
// results; it writes autoconf.h and compat.mk for the C tree and Kbuild.
package compat

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

//go:embed probes/*.c
var builtinProbes embed.FS

// Kinds of probe.
const (
	KindCompile   = "compile"
	KindSymbol    = "symbol"
	KindGPLSymbol = "gpl-symbol"
	KindMember    = "member"
	KindHeader    = "header"
)

// Probe is one parsed probe file.
type Probe struct {
	Name     string   // file name without .c
	File     string   // file name as shown in diagnostics
	Kind     string   // one of the Kind* constants
	Args     []string // symbol name; struct and field; header path
	Define   string   // HAVE_...
	Werror   bool     // compile with -Werror
	Includes []string // <...> includes in order (plus the header of a header probe)
	Source   []byte   // the file as written

	checkHeader bool // a header probe whose file does not include its header
}

var (
	reDirective = regexp.MustCompile(`^\s*//\s*(probe|define|werror)\b:?\s*(.*?)\s*$`)
	reInclude   = regexp.MustCompile(`^\s*#\s*include\s*<([^>]+)>`)
	reDefine    = regexp.MustCompile(`^HAVE_[A-Z0-9_]+$`)
	reName      = regexp.MustCompile(`^[a-z0-9_]+$`)
	reIdent     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reHeader    = regexp.MustCompile(`^[A-Za-z0-9_./-]+\.h$`)
)

// ParseProbe parses one probe file's text. name is the file name without
// the .c suffix.
func ParseProbe(name string, src []byte) (*Probe, error) {
	if !reName.MatchString(name) {
		return nil, fmt.Errorf("probe %q: file names are lower_case_with_underscores.c", name)
	}
	p := &Probe{Name: name, File: "probes/" + name + ".c", Source: src}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if m := reInclude.FindStringSubmatch(text); m != nil {
			p.Includes = append(p.Includes, m[1])
			continue
		}
		m := reDirective.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		where := fmt.Sprintf("%s:%d", p.File, line)
		args := strings.Fields(m[2])
		switch m[1] {
		case "probe":
			if p.Kind != "" {
				return nil, fmt.Errorf("%s: a second `probe:` directive (one probe per file)", where)
			}
			if len(args) == 0 {
				return nil, fmt.Errorf("%s: `probe:` needs a kind (compile, symbol, gpl-symbol, member, header)", where)
			}
			p.Kind, p.Args = args[0], args[1:]
			want := map[string]int{KindCompile: 0, KindSymbol: 1, KindGPLSymbol: 1, KindMember: 2, KindHeader: 1}
			n, ok := want[p.Kind]
			if !ok {
				return nil, fmt.Errorf("%s: unknown probe kind %q (compile, symbol, gpl-symbol, member, header)", where, p.Kind)
			}
			if len(p.Args) != n {
				return nil, fmt.Errorf("%s: `probe: %s` takes %d argument(s), got %d", where, p.Kind, n, len(p.Args))
			}
			for _, a := range p.Args {
				ok := reIdent.MatchString(a)
				if p.Kind == KindHeader {
					ok = reHeader.MatchString(a) && !strings.Contains(a, "..")
				}
				if !ok {
					return nil, fmt.Errorf("%s: invalid argument %q for `probe: %s`", where, a, p.Kind)
				}
			}
		case "define":
			if p.Define != "" {
				return nil, fmt.Errorf("%s: a second `define:` directive", where)
			}
			if len(args) != 1 || !reDefine.MatchString(args[0]) {
				return nil, fmt.Errorf("%s: `define:` takes one HAVE_UPPER_CASE macro name, got %q", where, m[2])
			}
			p.Define = args[0]
		case "werror":
			if len(args) != 0 {
				return nil, fmt.Errorf("%s: `werror` takes no arguments", where)
			}
			p.Werror = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if p.Kind == "" {
		return nil, fmt.Errorf("%s: no `// probe: KIND` directive", p.File)
	}
	if p.Define == "" {
		return nil, fmt.Errorf("%s: no `// define: HAVE_X` directive", p.File)
	}
	// A header probe tests existence with __has_include rather than by
	// including it: some headers are not self-contained.
	p.checkHeader = p.Kind == KindHeader && !contains(p.Includes, p.Args[0])
	return p, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Symbol is the exported symbol a symbol or gpl-symbol probe checks.
func (p *Probe) Symbol() string {
	if p.Kind == KindSymbol || p.Kind == KindGPLSymbol {
		return p.Args[0]
	}
	return ""
}

// Code is the probe as compiled on its own: the file as written, plus the
// generated test of a member or header probe.
func (p *Probe) Code() string {
	var b strings.Builder
	b.Write(p.Source)
	if !bytes.HasSuffix(p.Source, []byte("\n")) {
		b.WriteByte('\n')
	}
	if p.checkHeader {
		fmt.Fprintf(&b, "#if !__has_include(<%s>)\n#error \"<%s> does not exist\"\n#endif\n", p.Args[0], p.Args[0])
	}
	b.WriteString(p.generated())
	return b.String()
}

// generated is code the engine adds after the probe text (same in batched
// and isolated mode).
func (p *Probe) generated() string {
	if p.Kind != KindMember {
		return ""
	}
	return fmt.Sprintf("static void __attribute__((unused)) nfsb_member_%s(void)\n{\n\tstruct %s *nfsb_p = NULL;\n\t(void)sizeof(nfsb_p->%s);\n}\n",
		p.Name, p.Args[0], p.Args[1])
}

// LoadProbes parses every *.c in dir, or the built-in probe set when dir is
// empty. Probes come back sorted by name; two probes may not share a name
// or a define.
func LoadProbes(dir string) ([]*Probe, error) {
	var fsys fs.FS = builtinProbes
	glob := "probes/*.c"
	if dir != "" {
		fsys, glob = os.DirFS(dir), "*.c"
	}
	files, err := fs.Glob(fsys, glob)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no probes (*.c) in %s", firstNonEmpty(dir, "the built-in set"))
	}
	sort.Strings(files)
	var probes []*Probe
	defines := map[string]string{}
	for _, f := range files {
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		p, err := ParseProbe(strings.TrimSuffix(filepath.Base(f), ".c"), src)
		if err != nil {
			return nil, err
		}
		if other, dup := defines[p.Define]; dup {
			return nil, fmt.Errorf("%s and %s both define %s", other, p.File, p.Define)
		}
		defines[p.Define] = p.File
		probes = append(probes, p)
	}
	return probes, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
