package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

const defaultDesignFile = "orgwizard.yaml"

// addDesignFlag registers --design on cmd.
func addDesignFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, "design", defaultDesignFile, "the design file")
}

// readDesign reads a design file, never more than orgmodel.MaxDesignBytes
// (plus one, to tell that it is too large) into memory. The file may be a
// pipe or a FIFO (--design /dev/stdin), where opening and reading wait for a
// writer: ctrl+c and SIGTERM interrupt that wait (exit 130).
func readDesign(path string) ([]byte, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	// A blocked open or read of a FIFO cannot be cancelled; the goroutine
	// is left behind when the signal comes, and the process ends.
	go func() {
		data, err := readDesignFile(path)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		return nil, &ExitError{Code: ExitInterrupted, Err: fmt.Errorf("interrupted while reading the design from %s; nothing was changed", path)}
	}
}

func readDesignFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, userError("no design file at %s; pass --design FILE (README.md shows the format, and orgwizard validate checks it)", path)
		}
		return nil, userError("cannot read the design file: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, orgmodel.MaxDesignBytes+1))
	if err != nil {
		return nil, userError("cannot read the design file %s: %v", path, err)
	}
	return data, nil
}

// loadDesign reads, decodes and validates a design file. On problems it prints
// every one of them to errOut, prefixed with the file name and line, and
// returns an error that is already reported.
func loadDesign(path string, errOut io.Writer) (*orgmodel.Design, error) {
	data, err := readDesign(path)
	if err != nil {
		return nil, err
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		var errs orgmodel.Errors
		if !errors.As(err, &errs) {
			return nil, userError("%s: %v", path, err)
		}
		printDesignErrors(errOut, path, errs)
		return nil, reported(ExitUser, err)
	}
	return d, nil
}

func printDesignErrors(w io.Writer, path string, errs orgmodel.Errors) {
	for _, e := range errs {
		loc := path
		if e.Line > 0 {
			loc = fmt.Sprintf("%s:%d", path, e.Line)
		}
		if e.Path != "" {
			fmt.Fprintf(w, "%s: %s: %s\n", loc, e.Path, e.Message)
		} else {
			fmt.Fprintf(w, "%s: %s\n", loc, e.Message)
		}
	}
	// The command names the file unless it is the default, which the
	// bare command reads.
	again := wizard.Command(append([]string{"validate"}, wizard.DesignArgs(path)...)...)
	if len(errs) == 1 {
		fmt.Fprintf(w, "%s: 1 problem; fix it and run %s again\n", path, again)
		return
	}
	fmt.Fprintf(w, "%s: %d problems; fix them and run %s again\n", path, len(errs), again)
}
