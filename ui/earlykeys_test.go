package ui

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// The list screens open their forms with a key (p, c, w, a) and the form's
// Init returns commands (huh's field refresh, a window size request, the
// cursor's blink) that the program runs on its own goroutines: their
// messages may reach the wizard before or after the keys typed right behind
// the key that opened the form, on a slow machine well after. The 60x15
// walk once took the residency picker's enter for lost. Every order must
// give the same result: each key lands in the form open when it arrives,
// and enter on the last field saves at once.
func TestEarlyKeysInFormsInEveryOrder(t *testing.T) {
	acme := acmeFrom(t)
	noResidency := func() *orgmodel.Design {
		d := acme()
		d.Residencies = nil
		for i := range d.Workloads {
			d.Workloads[i].Residencies = nil
		}
		return d
	}
	noServe := func() *orgmodel.Design {
		d := acme()
		for i := range d.Workloads {
			d.Workloads[i].Residencies = nil
		}
		return d
	}
	cases := []struct {
		name   string
		design func() *orgmodel.Design
		step   wizard.Step
		keys   []string
		check  func(d *orgmodel.Design) error
	}{
		{"preset picker: enter adds the preset at the cursor", noResidency, wizard.Residency,
			[]string{"p", "enter"}, residenciesAre("eu")},
		{"preset picker: two chosen", noResidency, wizard.Residency,
			[]string{"p", "space", "down", "space", "enter"}, residenciesAre("eu", "us")},
		{"preset picker twice", noResidency, wizard.Residency,
			[]string{"p", "enter", "p", "enter"}, residenciesAre("eu", "us")},
		{"custom residency", acme, wizard.Residency,
			[]string{"c", "latam", "enter", "sa-east-1", "enter"}, residenciesAre("eu", "us", "latam")},
		// acme's payments serves eu and us, website eu: space on us turns
		// it off for the first, on for the second.
		{"who serves where", acme, wizard.Residency,
			[]string{"w", "down", "space", "enter", "down", "space", "enter"}, func(d *orgmodel.Design) error {
				if p, w := d.Workloads[0].Residencies, d.Workloads[1].Residencies; !slices.Equal(p, []string{"eu"}) || !slices.Equal(w, []string{"eu", "us"}) {
					return fmt.Errorf("payments serves %v and website %v; want eu, and eu and us", p, w)
				}
				return nil
			}},
		{"who serves where, none yet", noServe, wizard.Residency,
			[]string{"w", "space", "enter", "space", "enter"}, func(d *orgmodel.Design) error {
				if p, w := d.Workloads[0].Residencies, d.Workloads[1].Residencies; !slices.Equal(p, []string{"eu"}) || !slices.Equal(w, []string{"eu"}) {
					return fmt.Errorf("payments serves %v and website %v; want eu", p, w)
				}
				return nil
			}},
		{"new workload", acme, wizard.Workloads,
			[]string{"a", "billing", "enter", "Invoices", "enter", "enter"}, func(d *orgmodel.Design) error {
				w := d.Workloads[len(d.Workloads)-1]
				if len(d.Workloads) != 3 || w.Name != "billing" || w.Description != "Invoices" {
					return fmt.Errorf("workloads %+v, want billing (Invoices) added", d.Workloads)
				}
				return nil
			}},
		{"new environment", acme, wizard.Environments,
			[]string{"a", "qa", "enter", "Tests", "enter", "y"}, func(d *orgmodel.Design) error {
				e := d.Environments[len(d.Environments)-1]
				if len(d.Environments) != 4 || e.Name != "qa" || e.Description != "Tests" || !e.PerResidency {
					return fmt.Errorf("environments %+v, want qa (Tests, per residency) added", d.Environments)
				}
				return nil
			}},
	}
	for _, c := range cases {
		for oi, order := range messageOrders {
			t.Run(c.name+"/"+order.name, func(t *testing.T) {
				rng := rand.New(rand.NewSource(int64(oi)))
				m := New(context.Background(), Options{Backend: &fakeBackend{}, Design: c.design(), Reached: c.step, Now: fixedNow})
				m.Update(tea.WindowSizeMsg{Width: 60, Height: 15})
				m.enter(c.step)
				var pending []tea.Msg
				deliver := func(msg tea.Msg) {
					_, cmd := m.Update(msg)
					pending = append(pending, messagesOf(cmd)...)
				}
				for i, k := range keyPresses(c.keys) {
					for n := order.before(rng, i, len(pending)); n > 0 && len(pending) > 0; n-- {
						msg := pending[0]
						pending = pending[1:]
						deliver(msg)
					}
					deliver(k)
				}
				for len(pending) > 0 {
					msg := pending[0]
					pending = pending[1:]
					deliver(msg)
				}
				if f, ok := m.screen.(interface{ Unsaved() bool }); ok && f.Unsaved() {
					t.Errorf("the form is still open after its last enter:\n%s", plain(m))
				}
				if err := c.check(m.st.design); err != nil {
					t.Errorf("%v\n%s", err, plain(m))
				}
			})
		}
	}
}

func residenciesAre(names ...string) func(d *orgmodel.Design) error {
	return func(d *orgmodel.Design) error {
		var got []string
		for _, r := range d.Residencies {
			got = append(got, r.Name)
		}
		if !slices.Equal(got, names) {
			return fmt.Errorf("residencies %v, want %v", got, names)
		}
		return nil
	}
}

// messageOrders say, before key i, how many of the messages that the
// commands so far produced reach the wizard first; the rest wait. rng is
// the subtest's own, seeded by the order's place in the list.
var messageOrders = []struct {
	name   string
	before func(rng *rand.Rand, i, pending int) int
}{
	// Every key before any command has run: keys typed ahead.
	{"keys first", func(*rand.Rand, int, int) int { return 0 }},
	// Every command done before the next key: a person typing.
	{"commands first", func(_ *rand.Rand, _, pending int) int { return pending }},
	// One message between two keys, the rest later.
	{"one between keys", func(*rand.Rand, int, int) int { return 1 }},
	// The key that opens the form, then its commands, then the rest.
	{"commands after the first key", func(_ *rand.Rand, i, pending int) int {
		if i == 1 {
			return pending
		}
		return 0
	}},
	{"mixed a", mixed}, {"mixed b", mixed}, {"mixed c", mixed}, {"mixed d", mixed}, {"mixed e", mixed},
}

func mixed(rng *rand.Rand, _, pending int) int { return rng.Intn(pending + 1) }

// keyPresses are the keys as the terminal sends them: enter, space and
// down by name, any other word a key per letter.
func keyPresses(keys []string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, k := range keys {
		switch k {
		case "enter":
			out = append(out, tea.KeyPressMsg{Code: tea.KeyEnter})
		case "space":
			out = append(out, tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
		case "down":
			out = append(out, tea.KeyPressMsg{Code: tea.KeyDown})
		default:
			for _, r := range k {
				out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
			}
		}
	}
	return out
}

// messagesOf runs cmd as the program would and returns its messages, those
// of batches and sequences in order. The cursor's blink, which waits for a
// timer, is left out: it only redraws the cursor. A window size request is
// answered with the window's size.
func messagesOf(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	if name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name(); strings.Contains(name, "cursor.(*Model).Blink") {
		return nil
	}
	msg := cmd()
	if msg == nil {
		return nil
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		var out []tea.Msg
		for i := range v.Len() {
			out = append(out, messagesOf(v.Index(i).Interface().(tea.Cmd))...)
		}
		return out
	}
	if reflect.TypeOf(msg).String() == "tea.windowSizeMsg" {
		return []tea.Msg{tea.WindowSizeMsg{Width: 60, Height: 15}}
	}
	return []tea.Msg{msg}
}
