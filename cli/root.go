// Package cli is orgwizard's command line: one cobra command per file, each an
// options struct with its dependencies injected, and the exit codes of cli.md
// decided in one place.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"charm.land/fang/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
)

// Build identifies the binary. Version and Commit may be set by a release
// build (-ldflags "-X main.version=... -X main.commit=..."), which then win;
// otherwise they come from the module's build information, where go build
// and go install record the Git revision (vcs.revision, vcs.time,
// vcs.modified) when they run in a Git clone.
type Build struct {
	Version string
	Commit  string
	// Time is the commit's time and Modified says the working tree had
	// uncommitted changes; both from the build information.
	Time     string
	Modified bool
}

func (b Build) resolved() Build {
	info, _ := debug.ReadBuildInfo()
	return b.from(info)
}

// from fills what the release build left empty from info (nil when the
// binary has no build information).
func (b Build) from(info *debug.BuildInfo) Build {
	if info != nil {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		if b.Commit == "" {
			for _, s := range info.Settings {
				switch s.Key {
				case "vcs.revision":
					b.Commit = s.Value
				case "vcs.time":
					b.Time = s.Value
				case "vcs.modified":
					b.Modified = s.Value == "true"
				}
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// commitLine is the version command's second line.
func (b Build) commitLine() string {
	if b.Commit == "" {
		return "commit unknown: built without Git information (outside a Git clone, from a Git worktree, or with -buildvcs=false)"
	}
	var notes []string
	if b.Time != "" {
		notes = append(notes, b.Time)
	}
	if b.Modified {
		notes = append(notes, "with uncommitted changes")
	}
	if len(notes) == 0 {
		return "commit " + b.Commit
	}
	return "commit " + b.Commit + " (" + strings.Join(notes, ", ") + ")"
}

// IO is where a command reads and writes; tests pass buffers.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// NewRootCommand builds the whole command tree. Only commands that work are
// registered: a feature that is not there yet is absent from --help.
func NewRootCommand(build Build, streams IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "orgwizard",
		Short: "Set up an AWS multi-account organization the way the best AWS teams do",
		Long: `orgwizard turns a short design file into an AWS Organization: a management account
that only governs, one member account per workload and environment, and for
production one per data-residency region, with guardrails attached.

Run it with no arguments in a terminal for the wizard, which writes the design
file step by step and builds it. Or write a design file (see
examples/acme.yaml), check it with 'orgwizard validate', look at the
tree it makes with 'orgwizard preview', and build it with 'orgwizard apply',
in the embedded sandbox first.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
	}
	// The wizard's flags are the root's own, not persistent: every
	// subcommand defines the ones it takes.
	wiz := &wizardOptions{io: streams}
	addDesignFlag(root, &wiz.design)
	addTargetFlags(root, &wiz.target)
	root.Flags().BoolVar(&wiz.accessible, "accessible", false, "plain prompts for screen readers (also ACCESSIBLE=1)")
	root.RunE = func(cmd *cobra.Command, _ []string) error { return wiz.run(cmd.Context()) }
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)

	root.AddCommand(
		newValidateCommand(streams),
		newPreviewCommand(streams),
		newPlanCommand(streams),
		newApplyCommand(streams),
		newTreeCommand(streams),
		newAccessCommand(streams),
		newAuditCommand(streams),
		newMigrateCommand(streams),
		newSandboxCommand(streams),
		newExportCommand(streams),
		newCostsCommand(streams),
		newIAMPolicyCommand(streams),
		newVersionCommand(build, streams),
	)
	return root
}

// Main runs orgwizard with args and returns the process exit code.
func Main(ctx context.Context, build Build, args []string, in io.Reader, out, errOut io.Writer) int {
	build = build.resolved()
	streams := IO{In: in, Out: out, ErrOut: errOut}
	root := NewRootCommand(build, streams)
	root.SetArgs(args)
	// An error the command has reported in full never reaches fang: its
	// error path asks the terminal for its background colour first, which
	// waits up to 2 s when something else reads the terminal (the
	// accessible wizard after ctrl+c).
	var done *ExitError
	keepReported(root, &done)
	err := fang.Execute(ctx, root,
		fang.WithVersion(build.Version),
		fang.WithCommit(build.Commit),
		fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM),
		fang.WithErrorHandler(func(w io.Writer, styles fang.Styles, err error) {
			var ee *ExitError
			if errors.As(err, &ee) && ee.Reported {
				return
			}
			if !isTerminal(streams.ErrOut) {
				// Logs and CI read one plain line, as cli.md asks.
				fmt.Fprintf(w, "orgwizard: %v\n", err)
				return
			}
			fang.DefaultErrorHandler(w, styles, err)
		}),
	)
	if err == nil && done != nil {
		return done.Code
	}
	return exitCode(err)
}

// keepReported makes every command hand an error it has already reported
// to *done instead of returning it.
func keepReported(cmd *cobra.Command, done **ExitError) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			err := run(c, args)
			var ee *ExitError
			if errors.As(err, &ee) && ee.Reported {
				*done = ee
				return nil
			}
			return err
		}
	}
	for _, sub := range cmd.Commands() {
		keepReported(sub, done)
	}
}

// isTerminalReader reports whether r is a terminal a person can type into.
func isTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// isTerminal reports whether w is a terminal, where colours and styling belong.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func newVersionCommand(build Build, streams IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(streams.Out, "orgwizard %s\n%s\n%s %s/%s\n",
				build.Version, build.commitLine(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
