// Command orgwizard sets up an AWS multi-account organization: a clean
// management account, an AWS Organization, and one member account per
// workload, environment and data-residency region.
package main

import (
	"context"
	"os"

	"github.com/orgwizard/orgwizard/cli"
)

// Set by the release build with -ldflags "-X main.version=... -X main.commit=...".
var (
	version = ""
	commit  = ""
)

func main() {
	os.Exit(cli.Main(context.Background(), cli.Build{Version: version, Commit: commit}, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
