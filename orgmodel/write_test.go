package orgmodel

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// roundTrip formats d, parses it back and compares, positions aside.
func roundTrip(t *testing.T, d *Design) {
	t.Helper()
	data := Format(d)
	got, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(Format(d)): %v\n%s", err, data)
	}
	got.pos, d.pos = nil, nil
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("round trip differs:\nwant %+v\ngot  %+v\nfile:\n%s", d, got, data)
	}
	// Formatting is stable: the file written from what was read is the same.
	if again := Format(got); string(again) != string(data) {
		t.Fatalf("Format is not stable:\n%s\n---\n%s", data, again)
	}
}

func TestFormatRoundTripsTheExamples(t *testing.T) {
	for _, name := range exampleNames(t) {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile("../examples/" + name)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, d)
		})
	}
}

func TestFormatRoundTripsEdgeCases(t *testing.T) {
	base := func() *Design {
		d := NewDesign()
		d.Organization = Organization{Name: "x", Email: "a+b@x.example", HomeRegion: "eu-west-1"}
		d.Environments = []Environment{{Name: "dev"}}
		d.Workloads = []Workload{{Name: "app"}}
		return d
	}
	cases := map[string]func(d *Design){
		"template": func(d *Design) {
			d.Organization.Email, d.Organization.EmailTemplate = "", "aws-{account}@x.example"
		},
		"yaml words and numbers": func(d *Design) {
			d.Workloads[0].Description = "yes"
			d.Environments[0].Description = "0123"
			d.Tags = []Tag{{Key: "on", Value: "null"}, {Key: "cost-center", Value: "42"}, {Key: "a", Value: ""}}
		},
		"quotes, colons, hashes and unicode": func(d *Design) {
			d.Workloads[0].Description = `it's "quoted": # not a comment, ünïcode, <tags> & \u003c`
			d.Environments[0].Description = " leading and trailing "
			d.Workloads[0].Owner = "team@x.example"
		},
		"newlines and tabs": func(d *Design) {
			d.Workloads[0].Description = "line one\nline two\ttabbed"
		},
		"everything off, by workload": func(d *Design) {
			d.Layout = ByWorkload
			d.Foundation = Foundation{Infrastructure: true, Sandbox: true, Transitional: true}
			d.Guardrails = Guardrails{}
		},
		"residencies and adopted accounts": func(d *Design) {
			d.Environments = append(d.Environments, Environment{Name: "prod", PerResidency: true, Description: "live"})
			d.Residencies = []Residency{{Name: "eu", Regions: []string{"eu-west-1", "eu-central-1"}}, {Name: "us", Regions: []string{"us-east-1"}}}
			d.Workloads[0].Residencies = []string{"eu", "us"}
			d.Foundation.Transitional = true
			d.Accounts = []AdoptedAccount{{Name: "old-main", ID: "012345678901", OU: "Transitional"}, {Name: "legacy", Email: "legacy@x.example", OU: "Transitional"}}
		},
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			d := base()
			edit(d)
			roundTrip(t, d)
		})
	}
}

func TestFormatReadsLikeTheExamples(t *testing.T) {
	d := NewDesign()
	d.Organization = Organization{Name: "acme", Email: "aws@acme.example", HomeRegion: "eu-west-1"}
	d.Environments = []Environment{{Name: "prod", PerResidency: true}}
	d.Residencies = []Residency{{Name: "eu", Regions: []string{"eu-west-1"}}}
	d.Workloads = []Workload{{Name: "payments", Description: "Card payments API and ledger", Residencies: []string{"eu"}}}
	out := string(Format(d))
	for _, want := range []string{
		"version: 1\norganization:\n  name: acme\n",
		"email: aws@acme.example   # accounts get aws+<account-name>@acme.example",
		"perResidency: true   # one account per residency",
		"regions: [eu-west-1]",
		"description: Card payments API and ledger\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
