package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// TestResidencyFormsTakeKeysAtOnceInTmux sends the key that opens each of
// the residency step's forms and the keys for it in ONE tmux send-keys
// call, so that they reach the wizard before it has drawn the form, and
// before the form's own first messages: p and enter add the preset under
// the picker's cursor; then a custom residency, who serves where and n to
// the next step, all at once. The design saved on the next step holds them.
func TestResidencyFormsTakeKeysAtOnceInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	d := acmeDesign(t)
	d.Residencies = nil
	for i := range d.Workloads {
		d.Workloads[i].Residencies = nil
	}
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
	if err := os.WriteFile(design, wizard.Encode(d, wizard.Residency), 0o600); err != nil {
		t.Fatal(err)
	}
	term := startTmux(t, "orgwizard-residency-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--scenario", "fresh"))

	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Press enter to design", 20*time.Second)
	term.send("Enter")
	term.waitFor("No residency. Press p for a preset", 10*time.Second)

	term.tmux("send-keys", "-t", term.session, "p", "Enter")
	screen := term.waitFor("residency eu added", 10*time.Second)
	if strings.Contains(screen, "Add residencies") || !strings.Contains(screen, "eu     eu-west-1, eu-central-1") {
		t.Fatalf("p and enter at once did not add the preset under the cursor and close the picker:\n%s", screen)
	}

	term.tmux("send-keys", "-t", term.session,
		"c", "latam", "Enter", "sa-east-1", "Enter",
		"w", "Down", "Space", "Enter", "Enter",
		"n")
	term.waitFor("Step 7 of 13", 10*time.Second)
	term.send("C-c")
	term.waitFor("EXIT=", 10*time.Second)

	raw, err := os.ReadFile(design)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := orgmodel.Decode(raw)
	if err != nil {
		t.Fatalf("the saved design does not decode: %v\n%s", err, raw)
	}
	want := []orgmodel.Residency{{Name: "eu", Regions: []string{"eu-west-1", "eu-central-1"}}, {Name: "latam", Regions: []string{"sa-east-1"}}}
	if !slices.EqualFunc(saved.Residencies, want, func(a, b orgmodel.Residency) bool {
		return a.Name == b.Name && slices.Equal(a.Regions, b.Regions)
	}) {
		t.Errorf("residencies saved as %+v, want %+v\n%s", saved.Residencies, want, raw)
	}
	// The first residency is every workload's; then payments is given
	// latam too (down, space), website keeps eu (enter).
	if p, w := saved.Workloads[0].Residencies, saved.Workloads[1].Residencies; !slices.Equal(p, []string{"eu", "latam"}) || !slices.Equal(w, []string{"eu"}) {
		t.Errorf("payments serves %v and website %v; want eu and latam, and eu", p, w)
	}
}
