package cli

import (
	"slices"
	"testing"

	"github.com/orgwizard/orgwizard/aws/target"
)

// The wizard's suggested commands carry the flags that reach its target.
func TestTargetArgs(t *testing.T) {
	for _, c := range []struct {
		spec target.Spec
		want []string
	}{
		{target.Spec{Speed: 1}, nil},
		{target.Spec{SandboxState: "/tmp/s.json", Speed: 40}, []string{"--sandbox-state", "/tmp/s.json", "--sandbox-speed", "40"}},
		{target.Spec{Profile: "management", Speed: 1}, []string{"--profile", "management"}},
		{target.Spec{EndpointURL: "http://127.0.0.1:5000", Speed: 1}, []string{"--endpoint-url", "http://127.0.0.1:5000"}},
		{target.Spec{AWS: true, Speed: 1}, []string{"--aws"}},
	} {
		if got := targetArgs(c.spec); !slices.Equal(got, c.want) {
			t.Errorf("targetArgs(%+v) = %q, want %q", c.spec, got, c.want)
		}
	}
}
