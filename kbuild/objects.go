// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package kbuild

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nfsbundle/nfsbundle/detect"
)

// CountObjects is how many files kbuild compiles as module objects (its
// "CC [M]" lines) for the tree at src under config (CONFIG_X -> y/m, the
// target's .config with our make-line assignments over it): every member
// object of each obj-m module, plus the module's .mod.o that modpost's
// final stage compiles.
//
// Why read the Makefiles instead of asking make (make -n): a dry run of
// kbuild still runs its recursive makes and costs seconds of CPU before
// the build starts, while the imported tree's Kbuild files are declarative
// (Documentation/kbuild/modules.rst): obj-$(CONFIG_X) += name.o or dir/,
// name-y / name-objs / name-$(CONFIG_X) member lists, and := or +=
// assignments, which this evaluates with config. A construct it does not
// understand (a conditional or a make function around an object list)
// returns an error, and the caller reports progress without a total
// rather than a wrong one. The total is of a clean build: an incremental
// one compiles fewer and ends early.
func CountObjects(src string, config map[string]string) (int, error) {
	objs, err := ModuleObjects(src, config)
	return len(objs), err
}

// ModuleObjects lists the files CountObjects counts, relative to src
// (net/sunrpc/clnt.o, ..., net/sunrpc/sunrpc.mod.o), in Makefile order.
func ModuleObjects(src string, config map[string]string) ([]string, error) {
	return dirObjects(src, "", config, 0)
}

// dirObjects lists the module objects of src/rel and its subdirectories.
func dirObjects(src, rel string, config map[string]string, depth int) ([]string, error) {
	if depth > 16 {
		return nil, fmt.Errorf("%s: directories nest too deep", rel)
	}
	mf, err := kbuildFile(filepath.Join(src, rel))
	if err != nil {
		return nil, err
	}
	vars, err := evalMakefile(mf, config)
	if err != nil {
		return nil, err
	}
	var out []string
	compiled := map[string]bool{} // a member shared by two modules is compiled once
	for _, kind := range []string{"m", "y"} {
		for _, entry := range strings.Fields(vars.get("obj-" + kind)) {
			if strings.HasSuffix(entry, "/") {
				sub, err := dirObjects(src, filepath.Join(rel, entry), config, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
				continue
			}
			if kind != "m" {
				continue // built-in objects print "CC", not "CC [M]"
			}
			name := strings.TrimSuffix(entry, ".o")
			members := strings.Fields(vars.get(name+"-objs") + " " + vars.get(name+"-y") + " " + vars.get(name+"-m"))
			if len(members) == 0 {
				members = []string{entry} // a single-file module
			}
			for _, o := range append(members, name+".mod.o") {
				if p := filepath.Join(rel, o); !compiled[p] {
					compiled[p] = true
					out = append(out, p)
				}
			}
		}
	}
	return out, vars.err
}

// kbuildFile is the file kbuild reads in dir: Kbuild, else Makefile.
func kbuildFile(dir string) (string, error) {
	for _, name := range []string{"Kbuild", "Makefile"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s has no Kbuild or Makefile", dir)
}

// makeVars are one Makefile's variables. dynamic marks those whose value
// came through a make function (or, inside a conditional, may not be
// set): they cannot be trusted as object lists.
type makeVars struct {
	values  map[string]string
	dynamic map[string]bool
	err     error // set when an object list is dynamic
}

// objectVar: the variables that make up object lists.
var objectVar = regexp.MustCompile(`^obj-|-(y|m|objs)$|-objs-`)

func (v *makeVars) get(name string) string {
	if v.dynamic[name] && objectVar.MatchString(name) && v.err == nil {
		v.err = fmt.Errorf("object list %s is computed by make functions or conditionals", name)
	}
	return v.values[name]
}

// assignRe is one assignment: a name (which may hold $(...) references,
// spaces inside them), the operator, the value.
var assignRe = regexp.MustCompile(`^(?:export\s+|override\s+)?((?:\$[({][^)}]*[)}]|[^\s:+?=$])+)\s*(:=|::=|\+=|\?=|=)\s*(.*)$`)

// evalMakefile evaluates the assignments of one Kbuild file: every value
// is expanded when assigned (kbuild's object lists do not depend on later
// definitions), $(CONFIG_X) from config.
func evalMakefile(path string, config map[string]string) (*makeVars, error) {
	lines, err := logicalLines(path)
	if err != nil {
		return nil, err
	}
	v := &makeVars{values: map[string]string{}, dynamic: map[string]bool{}}
	depth := 0
	for _, line := range lines {
		word, _, _ := strings.Cut(line, " ")
		switch word {
		case "ifeq", "ifneq", "ifdef", "ifndef":
			depth++
			continue
		case "endif":
			depth--
			continue
		case "else", "include", "-include", "define", "endef", "unexport":
			continue
		}
		m := assignRe.FindStringSubmatch(line)
		if m == nil {
			continue // a rule or directive: no object list
		}
		name, nameDyn := expand(m[1], v, config)
		value, valDyn := expand(m[3], v, config)
		if nameDyn && objectVar.MatchString(m[1]) {
			return nil, fmt.Errorf("%s: the name of %s is computed by a make function", path, m[1])
		}
		switch m[2] {
		case "+=":
			v.values[name] = strings.TrimSpace(v.values[name] + " " + value)
		case "?=":
			if _, ok := v.values[name]; !ok {
				v.values[name] = value
			}
		default:
			v.values[name] = value
		}
		if valDyn || depth > 0 {
			v.dynamic[name] = true // not trusted should it be an object list
		}
	}
	return v, v.err
}

// expand replaces $(NAME) and ${NAME} with their values: CONFIG_* from
// config, else the Makefile's variables, else "". A make function
// ($(abspath ...), $(src) is a variable) expands to "" and reports dynamic.
func expand(s string, v *makeVars, config map[string]string) (string, bool) {
	var b strings.Builder
	dynamic := false
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		open := s[i+1]
		if open != '(' && open != '{' {
			i++ // $x, $$: single-character variables, none of ours
			continue
		}
		end := matchingParen(s, i+1)
		if end < 0 {
			return b.String(), true
		}
		ref := s[i+2 : end]
		i = end
		if strings.ContainsAny(ref, " \t,$") {
			dynamic = true // a function call or a computed name
			continue
		}
		if val, ok := config[ref]; ok && strings.HasPrefix(ref, "CONFIG_") {
			b.WriteString(val)
			continue
		}
		if v.dynamic[ref] {
			dynamic = true
		}
		b.WriteString(v.values[ref])
	}
	return strings.TrimSpace(b.String()), dynamic
}

// matchingParen is the index of the bracket closing the one at open.
func matchingParen(s string, open int) int {
	closing := map[byte]byte{'(': ')', '{': '}'}[s[open]]
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case s[open]:
			depth++
		case closing:
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// logicalLines reads a Makefile: continuation lines joined, comments and
// blank lines dropped, leading whitespace trimmed (recipe lines are
// dropped: none of them assigns object lists).
func logicalLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "\t") && cur.Len() == 0 {
			continue // a recipe line
		}
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		if l := strings.Join(strings.Fields(cur.String()), " "); l != "" {
			out = append(out, l)
		}
		cur.Reset()
	}
	return out, sc.Err()
}

// configValues is what the tree's Makefiles see as $(CONFIG_X): the
// target's .config, with the make command line's assignments (vars,
// "CONFIG_X=m") over it, as make gives command-line variables precedence.
func configValues(cfg detect.Config, vars []string) map[string]string {
	out := make(map[string]string, len(cfg.Values)+len(vars))
	for k, v := range cfg.Values {
		out[k] = v
	}
	for _, a := range vars {
		if k, v, ok := strings.Cut(a, "="); ok {
			out[k] = v
		}
	}
	return out
}
