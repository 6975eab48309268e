package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

const (
	mailbox  = "mailbox"
	template = "template"
)

// basicsScreen asks the organization's name, mailbox and home region, and
// shows the account emails that result while the user types.
type basicsScreen struct {
	st                  *state
	form                *embeddedForm
	name, mode, address string
	region              string
	// tags is the design's tags as the field shows them: key=value, ...
	tags string
	w, h int
}

func newBasicsScreen(st *state) *basicsScreen {
	o := st.design.Organization
	s := &basicsScreen{st: st, name: o.Name, mode: mailbox, address: o.Email, region: o.HomeRegion, tags: wizard.FormatTags(st.design.Tags)}
	if o.EmailTemplate != "" {
		s.mode, s.address = template, o.EmailTemplate
	}
	s.form = s.newForm()
	return s
}

// newForm asks for what s holds: the design's values at first, what the
// user typed when the form opens again after a refused answer.
func (s *basicsScreen) newForm() *embeddedForm {
	return newEmbeddedForm(huh.NewGroup(
		huh.NewInput().Title("Organization name").
			Description("Short, lowercase, such as acme; it tags every account.").
			Placeholder("e.g. acme").Value(&s.name).
			Validate(func(v string) error { return prefix("name ", orgmodel.CheckOrganizationName(v)) }),
		huh.NewSelect[string]().Title("Account emails come from").Inline(true).
			Options(huh.NewOption("one mailbox, + addressing", mailbox), huh.NewOption("a template", template)).
			Value(&s.mode),
		huh.NewInput().
			TitleFunc(func() string {
				if s.mode == template {
					return "Email template, with {account} once"
				}
				return "Mailbox that receives every account's email"
			}, &s.mode).
			PlaceholderFunc(func() string {
				if s.mode == template {
					return "e.g. aws-{account}@acme.example"
				}
				return "e.g. aws@acme.example"
			}, &s.mode).
			Value(&s.address).
			Validate(func(v string) error { return s.checkAddress(v) }),
		huh.NewInput().Title("Home region").
			Description(strings.TrimSpace("Where the organization's own tooling lives; tab completes. "+s.st.homeHint)).
			Placeholder("e.g. us-east-1").Value(&s.region).
			Suggestions(orgmodel.Regions()).
			Validate(func(v string) error { return prefix("home region ", orgmodel.CheckRegion(v)) }),
		huh.NewInput().Title("Tags on every account (optional): key=value, ...").
			Placeholder("e.g. cost-center=42, compliance=pci").Value(&s.tags).
			Validate(func(v string) error { _, err := wizard.ParseTags(v); return err }),
	))
}

func prefix(p string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s%w", p, err)
}

func (s *basicsScreen) checkAddress(v string) error {
	if s.mode == template {
		return wizard.CheckMailbox("", v)
	}
	return wizard.CheckMailbox(v, "")
}

// draft is the design with what the form holds now.
func (s *basicsScreen) draft() *orgmodel.Design {
	d := *s.st.design
	d.Organization.Name = s.name
	d.Organization.HomeRegion = s.region
	d.Organization.Email, d.Organization.EmailTemplate = "", ""
	if tags, err := wizard.ParseTags(s.tags); err == nil {
		d.Tags = tags
	}
	if s.mode == template {
		d.Organization.EmailTemplate = strings.TrimSpace(s.address)
	} else {
		d.Organization.Email = strings.TrimSpace(s.address)
	}
	return &d
}

func (s *basicsScreen) Init() tea.Cmd { return s.form.Init() }

func (s *basicsScreen) Update(msg tea.Msg) tea.Cmd {
	cmd, done := s.form.Update(msg)
	if !done {
		return cmd
	}
	d := s.draft()
	if err := wizard.Check(wizard.Basics, d); err != nil {
		// The answers stay as typed, for the user to correct.
		s.form = s.newForm()
		s.SetSize(s.w, s.h)
		return tea.Batch(s.form.Init(), sayErr(err))
	}
	s.st.design.Organization = d.Organization
	s.st.design.Tags = d.Tags
	s.st.fresh = false // the home region is the user's now: no sweep proposes another
	s.st.goNow(wizard.Workloads)
	return nil
}

func (s *basicsScreen) View() string {
	st := s.st.styles
	emails, err := wizard.ExampleEmails(s.draft(), 3)
	var tail string
	if err != nil {
		tail = st.Muted.Render("Account emails: " + firstLine(err.Error()))
	} else {
		tail = st.Muted.Render("Account emails: ") + strings.Join(emails, ", ") + st.Muted.Render(" …")
	}
	return strings.Join(wrap(tail, s.w), "\n") + "\n" + s.form.View()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func (s *basicsScreen) SetSize(w, h int) { s.w, s.h = w, h; s.form.SetSize(w, h-3) }
func (s *basicsScreen) Keys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete region")),
	}
}
func (s *basicsScreen) Typing() bool { return true }
