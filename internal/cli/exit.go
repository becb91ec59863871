// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package cli

// The exit statuses of `build.sh bin` (and the other build commands), stable
// so that a CI script can act on them: retry on Interrupted, install
// headers on HeadersMissing, skip a kernel on NoTree. README's table is
// checked against ExitCodes by a test in cmd/build.
const (
	ExitOK             = 0
	ExitFailure        = 1 // anything not listed below
	ExitUsage          = 2 // unknown flag or argument, or an input that fails its grammar
	ExitHeadersMissing = 3 // no kernel headers for the target, and none could be fetched
	ExitNoTree         = 4 // the target kernel is outside every source tree's range
	ExitSigningKey     = 5 // the signing key or certificate cannot be used
	ExitHostTools      = 6 // host tools missing and not installed (--no-install, not root, not Debian)
	ExitCompile        = 7 // the kernel module build (kbuild) failed
	ExitPackage        = 8 // writing the package failed
	// ExitInterrupted is 128+SIGINT, what a shell reports for a command
	// killed by Ctrl-C: the build stopped cleanly on SIGINT or SIGTERM.
	ExitInterrupted = 130
)

// ExitCodes lists every status above with its meaning, in order: the one
// table README documents.
var ExitCodes = []struct {
	Code    int
	Meaning string
}{
	{ExitOK, "success"},
	{ExitFailure, "any other failure"},
	{ExitUsage, "usage: unknown flag or argument, or an input that is not valid (kernel release, ID_OVERRIDE, a path, a version)"},
	{ExitHeadersMissing, "no kernel headers for the target kernel, and none could be fetched"},
	{ExitNoTree, "the target kernel is outside every source tree's range (--tree forces one)"},
	{ExitSigningKey, "the signing key or certificate cannot be used"},
	{ExitHostTools, "host tools are missing and were not installed"},
	{ExitCompile, "the kernel module build failed"},
	{ExitPackage, "writing the package failed"},
	{ExitInterrupted, "interrupted (SIGINT or SIGTERM)"},
}

// WithCode gives err the exit status code, unless it already carries one
// (the innermost decision wins: a stage knows best why it failed).
func WithCode(code int, err error) error {
	if err == nil {
		return nil
	}
	if ExitCode(err) != ExitFailure {
		return err
	}
	return &ExitError{Code: code, Err: err}
}
