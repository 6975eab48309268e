package ui

import (
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/wizard"
)

// A step's questions are defined once, in package wizard. The functions here
// render them: field, yesNo, choice and choices as the full-screen form's
// fields; (*accessible).answer as plain prompts. Neither adds words or checks
// of its own, so both renderings ask the same and take the same answers.

// field is q as a text field of a full-screen form, its answer kept in v.
func field(q wizard.Question, v *string) *huh.Input {
	f := huh.NewInput().Title(q.Title).Value(v)
	if help := q.Help; help != "" {
		if len(q.Suggestions) > 0 {
			help = strings.TrimSuffix(help, ".") + "; tab completes."
		}
		f.Description(help)
	}
	if q.Example != "" {
		f.Placeholder(example(q))
	}
	if len(q.Suggestions) > 0 {
		f.Suggestions(q.Suggestions)
	}
	if q.Check != nil {
		f.Validate(q.Check)
	}
	return f
}

// fieldOf is a text field whose question changes with another field's
// answer (binding): the question is read again whenever binding changes.
func fieldOf(q func() wizard.Question, binding any, v *string) *huh.Input {
	return huh.NewInput().
		TitleFunc(func() string { return q().Title }, binding).
		PlaceholderFunc(func() string { return example(q()) }, binding).
		Value(v).
		Validate(func(s string) error { return q().Valid(s) })
}

func example(q wizard.Question) string { return "e.g. " + q.Example }

// yesNo is q as a yes or no field.
func yesNo(q wizard.Question, v *bool) *huh.Confirm {
	f := huh.NewConfirm().Title(q.Title).Value(v)
	if q.Help != "" {
		f.Description(q.Help)
	}
	return f
}

// options are c's options for a huh field; each field needs its own, since
// huh marks the selection on them.
func options[T ~string](c wizard.Choice) []huh.Option[T] {
	opts := make([]huh.Option[T], len(c.Options))
	for i, o := range c.Options {
		opts[i] = huh.NewOption(o.Label, T(o.Value))
	}
	return opts
}

// choice is c as a field that picks one option, kept in v as a string or
// a string type (a layout, a way out).
func choice[T ~string](c wizard.Choice, v *T) *huh.Select[T] {
	f := huh.NewSelect[T]().Title(c.Title).Options(options[T](c)...).Value(v)
	if c.Help != "" {
		f.Description(c.Help)
	}
	if c.Check != nil {
		f.Validate(func(s T) error { return c.Check([]string{string(s)}) })
	}
	return f
}

// choices is c as a field that picks several options.
func choices(c wizard.Choice, v *[]string) *huh.MultiSelect[string] {
	f := huh.NewMultiSelect[string]().Title(c.Title).Options(options[string](c)...).Value(v)
	if c.Help != "" {
		f.Description(c.Help)
	}
	if c.Check != nil {
		f.Validate(c.Check)
	}
	return f
}

// said is q as one spoken prompt: huh's accessible mode says a field's
// title only, so the example and the help go into it.
func said(q wizard.Question) string {
	s := q.Title
	if q.Example != "" && !strings.Contains(q.Help, "such as") {
		s += " (such as " + q.Example + ")"
	}
	if q.Help != "" {
		sep := ". "
		if strings.HasSuffix(s, "?") {
			sep = " "
		}
		s += sep + strings.TrimSuffix(q.Help, ".")
	}
	return s
}

// saidChoice is c's title with its help, for accessible mode.
func saidChoice(c wizard.Choice) string {
	if c.Help == "" {
		return c.Title
	}
	return c.Title + ". " + strings.TrimSuffix(c.Help, ".")
}

// group is a form as a group of the screen's form, then more fields.
func group(form []wizard.Field, more ...huh.Field) *huh.Group {
	var fields []huh.Field
	for _, f := range form {
		if f.Yes != nil {
			fields = append(fields, yesNo(f.Question, f.Yes))
		} else {
			fields = append(fields, field(f.Question, f.Text))
		}
	}
	return huh.NewGroup(append(fields, more...)...)
}

// answer asks a form as plain prompts, one after the other. A question
// that has an answer already says so, and an empty answer keeps it (huh's
// accessible prompts check the raw answer before falling back to the
// default); an optional one is cleared by "none".
func (a *accessible) answer(form ...wizard.Field) error {
	fields := make([]huh.Field, len(form))
	current := make([]string, len(form))
	for i, x := range form {
		if x.Yes != nil {
			fields[i] = huh.NewConfirm().Title(said(x.Question)).Value(x.Yes)
			continue
		}
		q, had := x.Question, *x.Text
		current[i] = had
		title := said(q)
		switch {
		case had != "" && q.Optional:
			title += " (enter keeps " + had + "; none removes it)"
		case had != "":
			title += " (enter keeps " + had + ")"
		}
		fields[i] = huh.NewInput().Title(title).Value(x.Text).Validate(func(s string) error {
			if s == "" && had != "" || q.Optional && had != "" && strings.TrimSpace(s) == "none" {
				return nil
			}
			return q.Valid(s)
		})
	}
	err := a.ask(fields...)
	for i, x := range form {
		if x.Text != nil && x.Optional && current[i] != "" && strings.TrimSpace(*x.Text) == "none" {
			*x.Text = ""
		}
	}
	return err
}

// indexed is c as a field that picks one of labels, found at run time (the
// targets, the profiles), by its index.
func indexed(c wizard.Choice, labels []string, v *int) *huh.Select[int] {
	opts := make([]huh.Option[int], len(labels))
	for i, l := range labels {
		opts[i] = huh.NewOption(l, i)
	}
	f := huh.NewSelect[int]().Title(c.Title).Options(opts...).Value(v)
	if c.Help != "" {
		f.Description(c.Help)
	}
	return f
}

// wayOutChoice is wizard.WayOutChoice with migrate's ways out as options.
func wayOutChoice() wizard.Choice {
	c := wizard.WayOutChoice
	c.Options = nil
	for i, w := range migrate.WaysOut {
		c.Options = append(c.Options, wizard.Option{Label: fmt.Sprintf("(%c) %s", 'a'+i, w.Title), Value: w.Name})
	}
	c.Options = append(c.Options, wizard.Option{Label: "(c) " + wizard.ContinueTitle, Value: string(wizard.WayContinue)})
	return c
}

// labels are the choices' labels, in order.
func labels(choices []TargetChoice) []string {
	out := make([]string, len(choices))
	for i, c := range choices {
		out[i] = c.Label
	}
	return out
}
