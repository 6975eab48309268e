package orgmodel

import (
	"slices"
	"testing"
)

func TestAllowedRegions(t *testing.T) {
	d := loadExample(t, "acme.yaml")
	for _, layout := range []Layout{ByEnvironment, ByWorkload} {
		d.Layout = layout
		tree, err := d.Expand()
		if err != nil {
			t.Fatal(err)
		}
		for account, want := range map[string][]string{
			"payments-prod-us": {"us-east-1", "us-west-2"},
			"payments-prod-eu": {"eu-central-1", "eu-west-1"},
			// Environments not split by residency: every residency's
			// regions and the home region.
			"payments-dev": {"eu-central-1", "eu-west-1", "us-east-1", "us-west-2"},
		} {
			got, locked := tree.AllowedRegions(account)
			if !locked || !slices.Equal(got, want) {
				t.Errorf("%s, %s: %v %v, want %v", layout, account, got, locked, want)
			}
		}
		if got, locked := tree.AllowedRegions("log-archive"); locked {
			t.Errorf("%s: log-archive has no region lock, got %v", layout, got)
		}
		if _, locked := tree.AllowedRegions("nobody"); locked {
			t.Errorf("an unknown account is locked")
		}
	}
	d.Guardrails.RegionLock = false
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if got, locked := tree.AllowedRegions("payments-prod-us"); locked {
		t.Errorf("without regionLock: %v", got)
	}
}
