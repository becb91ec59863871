// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// Stamp records what a package stage produced from which inputs, so an
// unchanged rebuild can keep the packages it already wrote: they would come
// out byte-identical anyway (packages are reproducible).
type Stamp struct {
	Key     string            `json:"key"`
	Outputs map[string]string `json:"outputs"` // path -> sha256
}

// InputKey hashes everything a binary package is made from: the input
// description, the content of every staged module, nfsbundle-ctl, the
// target's Module.symvers, the environment that changes the output, and
// the packaging program itself (extraFiles, e.g. the running driver).
func InputKey(in Input, extraFiles ...string) (string, error) {
	h := sha256.New()
	desc, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	h.Write(desc)
	for _, env := range []string{"SOURCE_DATE_EPOCH", "NFSBUNDLE_RPM_SIGN_KEY"} {
		fmt.Fprintf(h, "\n%s=%s", env, os.Getenv(env))
	}
	files := append([]string{in.CtlBinary, in.KernelSymvers, in.RPMSignKey}, extraFiles...)
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

// ReadStamp returns the outputs recorded under key when every one of them
// is still there, unchanged; ok is false otherwise.
func ReadStamp(path, key string) (outputs []string, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var s Stamp
	if json.Unmarshal(data, &s) != nil || s.Key != key || len(s.Outputs) == 0 {
		return nil, false
	}
	for out, sum := range s.Outputs {
		if got, err := fileutil.SHA256(out); err != nil || got != sum {
			return nil, false
		}
		outputs = append(outputs, out)
	}
	return outputs, true
}

// WriteStamp records outputs as made from key.
func WriteStamp(path, key string, outputs []string) error {
	s := Stamp{Key: key, Outputs: map[string]string{}}
	for _, o := range outputs {
		sum, err := fileutil.SHA256(o)
		if err != nil {
			return err
		}
		s.Outputs[o] = sum
	}
	data, _ := json.MarshalIndent(s, "", "  ")
	return fileutil.WriteAtomic(path, data, 0o644)
}
