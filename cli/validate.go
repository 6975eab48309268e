package cli

import (
	"fmt"
	"io"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/spf13/cobra"
)

type validateOptions struct {
	design string
	io     IO
}

func newValidateCommand(streams IO) *cobra.Command {
	opts := &validateOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the design file; list every problem with its field path",
		Long: `Check the design file against the design file reference and AWS's limits
(account names and emails, region codes, policy sizes), with no AWS call.
Exits 0 when the design is valid, 1 with every problem listed otherwise.`,
		Example: "  orgwizard validate --design acme.yaml",
		Args:    cobra.NoArgs,
		RunE:    func(*cobra.Command, []string) error { return opts.run() },
	}
	addDesignFlag(cmd, &opts.design)
	return cmd
}

func (o *validateOptions) run() error {
	d, err := loadDesign(o.design, o.io.ErrOut)
	if err != nil {
		return err
	}
	t, err := d.Expand()
	if err != nil {
		return err // cannot happen: loadDesign validated
	}
	if _, err := fmt.Fprintf(o.io.Out, "%s is valid: %s\n", o.design, summary(t)); err != nil {
		return err
	}
	printDesignWarnings(o.io.ErrOut, o.design, d.Warnings())
	return nil
}

// printDesignWarnings lists what the design allows but should rarely do, as
// problems are listed, each marked as a warning: it does not fail validate.
func printDesignWarnings(w io.Writer, path string, warnings orgmodel.Errors) {
	for _, e := range warnings {
		loc := path
		if e.Line > 0 {
			loc = fmt.Sprintf("%s:%d", path, e.Line)
		}
		fmt.Fprintf(w, "%s: %s: warning: %s\n", loc, e.Path, e.Message)
	}
}
