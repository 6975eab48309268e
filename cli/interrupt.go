package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/orgwizard/orgwizard/ui"
	"github.com/orgwizard/orgwizard/wizard"
)

// interruptibleInput is the accessible wizard's input. Its prompts read
// lines with no way to cancel, and on a read error they take the default
// answer and go on: ctrl+c must neither hang in a read nor answer for the
// user. Once ctx is done a read never returns and waiting is closed, so
// the command can end with exit 130 while the prompt waits.
type interruptibleInput struct {
	ctx     context.Context
	src     io.Reader
	start   sync.Once
	chunks  chan chunk
	rest    []byte
	waiting chan struct{}
	once    sync.Once
}

type chunk struct {
	data []byte
	err  error
}

func newInterruptibleInput(ctx context.Context, src io.Reader) *interruptibleInput {
	return &interruptibleInput{ctx: ctx, src: src, chunks: make(chan chunk), waiting: make(chan struct{})}
}

// pump reads src on a goroutine of its own, since a read of a terminal
// cannot be cancelled; it stops at the first error.
func (in *interruptibleInput) pump() {
	for {
		buf := make([]byte, 4096)
		n, err := in.src.Read(buf)
		in.chunks <- chunk{buf[:n], err}
		if err != nil {
			return
		}
	}
}

func (in *interruptibleInput) Read(p []byte) (int, error) {
	if len(in.rest) > 0 {
		n := copy(p, in.rest)
		in.rest = in.rest[n:]
		return n, nil
	}
	in.start.Do(func() { go in.pump() })
	if in.ctx.Err() == nil {
		select {
		case c := <-in.chunks:
			n := copy(p, c.data)
			in.rest = c.data[n:]
			if len(in.rest) > 0 {
				return n, nil
			}
			return n, c.err
		case <-in.ctx.Done():
		}
	}
	in.once.Do(func() { close(in.waiting) })
	select {} // the command ends; an answer must not be made up
}

// runAccessible runs the accessible wizard. ctrl+c during an apply stops it
// safely, and the wizard says so itself; ctrl+c while a prompt waits for an
// answer ends the wizard at once, with what was saved (exit 130).
func (o *wizardOptions) runAccessible(ctx context.Context, opt ui.Options) (ui.Result, error) {
	in := newInterruptibleInput(ctx, o.io.In)
	type ended struct {
		res ui.Result
		err error
	}
	done := make(chan ended, 1)
	go func() {
		res, err := ui.RunAccessible(ctx, opt, in, o.io.Out)
		done <- ended{res, err}
	}()
	select {
	case e := <-done:
		return e.res, e.err
	case <-in.waiting:
		msg := "Interrupted; nothing was saved yet."
		if _, err := os.Stat(o.design); err == nil {
			msg = fmt.Sprintf("Interrupted. Your design is saved in %s as of the last step you finished; run %s to go on.", o.design, wizard.RerunCommand(o.design, append([]string{"--accessible"}, targetArgs(o.target.spec)...)))
		}
		return ui.Result{Interrupted: true, Message: "\n" + msg}, nil
	}
}
