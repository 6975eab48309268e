package ui

import (
	"context"
	"errors"
	"io"

	tea "charm.land/bubbletea/v2"
)

// Run runs the wizard on a terminal until the user quits, and says how it
// ended.
func Run(ctx context.Context, opt Options, in io.Reader, out io.Writer) (Result, error) {
	m := New(ctx, opt)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	_, err := p.Run()
	res := m.Result()
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted) {
		res.Interrupted = true
		err = nil
	}
	return res, err
}

// Accessible reports whether accessible mode is asked for by flag or by the
// ACCESSIBLE environment variable.
func Accessible(flag bool) bool { return flag || accessibleEnv() }
