package cli

import "github.com/orgwizard/orgwizard/internal/atomicfile"

// writeUserFile writes a file the user reads, edits and shares (the design,
// the runbook, an export) so that a crash never leaves half of it: created
// 0666 less the umask like any other program's files, or with the mode the
// file already has.
func writeUserFile(path string, data []byte) error {
	return atomicfile.WriteFile(path, data, 0o666)
}
