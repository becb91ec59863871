// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package compat

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Cmd is a compiler command line Kbuild recorded in a .<obj>.cmd file.
type Cmd struct {
	CC   string   `json:"cc"`   // e.g. gcc-12
	Args []string `json:"args"` // flags, without -Wp,-MMD..., -c, -o OUT and the source
}

// ReadCmd reads Kbuild's record of how it compiled an object
// (cmd_<obj> := ... or savedcmd_<obj> := ... in .<obj>.cmd).
func ReadCmd(path string) (*Cmd, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("compat: reading Kbuild's compile command: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "cmd_") && !strings.HasPrefix(line, "savedcmd_") {
			continue
		}
		i := strings.Index(line, " := ")
		if i < 0 {
			continue
		}
		return ParseCmd(line[i+4:])
	}
	return nil, fmt.Errorf("compat: %s has no cmd_ line", path)
}

// ParseCmd splits a Kbuild compile command (a shell command, possibly
// followed by "; objtool ...") and keeps the compiler flags.
func ParseCmd(s string) (*Cmd, error) {
	// .cmd files escape make's specials.
	s = strings.ReplaceAll(s, "$$", "$")
	s = strings.ReplaceAll(s, `\#`, "#")
	words, err := ShellSplit(s)
	if err != nil {
		return nil, err
	}
	var argv []string
	for _, w := range words {
		if w == ";" || w == "&&" {
			break
		}
		argv = append(argv, w)
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("compat: empty compile command")
	}
	c := &Cmd{CC: argv[0]}
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "-c":
		case a == "-o":
			i++
		case strings.HasPrefix(a, "-Wp,-M"):
		case !strings.HasPrefix(a, "-") && strings.HasSuffix(a, ".c"):
		default:
			c.Args = append(c.Args, a)
		}
	}
	return c, nil
}

// ShellSplit splits a POSIX shell word list with ', " and \ quoting; a
// bare ; or && ends up as its own word.
func ShellSplit(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in := false
	flush := func() {
		if in {
			words = append(words, cur.String())
			cur.Reset()
			in = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			flush()
		case c == ';':
			flush()
			words = append(words, ";")
		case c == '\'':
			in = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			in = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated \" in %q", s)
			}
		case c == '\\' && i+1 < len(s):
			in = true
			i++
			cur.WriteByte(s[i])
		default:
			in = true
			cur.WriteByte(c)
		}
	}
	flush()
	return words, nil
}

// runDirect compiles each probe on its own with the compiler command Kbuild
// used (no make), opts.Jobs at a time: the fallback for a batch unit whose
// errors cannot be attributed.
func runDirect(ctx context.Context, opts Options, flags *Cmd, dir string, probes []*Probe) (map[string]outcome, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	vals := map[string]outcome{}
	var mu sync.Mutex
	sem := make(chan struct{}, opts.Jobs)
	var wg sync.WaitGroup
	var firstErr error
	for _, p := range probes {
		src := filepath.Join(dir, "p_"+p.Name+".c")
		if err := os.WriteFile(src, []byte(p.Code()), 0o644); err != nil {
			return nil, err
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(p *Probe) {
			defer func() { <-sem; wg.Done() }()
			ok, log, err := compileOne(ctx, opts, flags, src, p.Werror)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				firstErr = err
			case ok:
				vals[p.Name] = outcome{ok: true}
			default:
				vals[p.Name] = outcome{detail: firstError(log, "p_"+p.Name+".c")}
			}
		}(p)
	}
	wg.Wait()
	return vals, firstErr
}
