package wizard

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// NewDesign is the design a first-time user starts from: orgmodel's defaults,
// the three usual environments, production split by residency.
func NewDesign() *orgmodel.Design {
	d := orgmodel.NewDesign()
	d.Organization.HomeRegion = "us-east-1"
	d.Environments = DefaultEnvironments()
	return d
}

// DefaultEnvironments are dev, staging and prod, prod with one account per residency.
func DefaultEnvironments() []orgmodel.Environment {
	return []orgmodel.Environment{
		{Name: "dev", Description: "where engineers try things"},
		{Name: "staging", Description: "a copy of production to test releases"},
		{Name: "prod", PerResidency: true, Description: "what customers use"},
	}
}

// ExampleWorkloads are bounded contexts to show a user who has never split a
// product into parts.
var ExampleWorkloads = []orgmodel.Workload{
	{Name: "payments", Description: "Card payments API and ledger"},
	{Name: "website", Description: "Marketing site and customer portal"},
	{Name: "data-platform", Description: "Analytics pipelines and the warehouse"},
	{Name: "identity", Description: "Sign-up, login and user profiles"},
}

// Preset is a ready-made residency.
type Preset struct {
	Name    string
	Title   string
	Regions []string
}

// Presets are the residencies users ask for most, with the regions that serve
// them. Two presets may share no region (a region belongs to one residency).
var Presets = []Preset{
	{"eu", "European Union", []string{"eu-west-1", "eu-central-1"}},
	{"us", "United States", []string{"us-east-1", "us-west-2"}},
	{"uk", "United Kingdom", []string{"eu-west-2"}},
	{"apac", "Asia Pacific", []string{"ap-southeast-1", "ap-southeast-2", "ap-northeast-1"}},
	{"ca", "Canada", []string{"ca-central-1", "ca-west-1"}},
	{"ch", "Switzerland", []string{"eu-central-2"}},
	{"in", "India", []string{"ap-south-1", "ap-south-2"}},
	{"br", "Brazil", []string{"sa-east-1"}},
}

// PresetByName finds a preset.
func PresetByName(name string) (Preset, bool) {
	for _, p := range Presets {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}

// checkResidency refuses r as residency number i of d (i < 0: a new one):
// a bad name or region, no region, or a name or region another residency
// has.
func checkResidency(d *orgmodel.Design, r orgmodel.Residency, i int) error {
	if err := orgmodel.CheckResidencyName(r.Name); err != nil {
		return fmt.Errorf("residency name %w", err)
	}
	if len(r.Regions) == 0 {
		return errors.New("choose at least one region")
	}
	for _, region := range r.Regions {
		if err := orgmodel.CheckRegion(region); err != nil {
			return err
		}
	}
	for j, have := range d.Residencies {
		if j == i {
			continue
		}
		if have.Name == r.Name {
			return fmt.Errorf("there is already a residency called %s", r.Name)
		}
		for _, region := range r.Regions {
			if slices.Contains(have.Regions, region) {
				return fmt.Errorf("region %s already belongs to residency %s; a region serves one residency only", region, have.Name)
			}
		}
	}
	return nil
}

// AddResidency adds r to d, refusing a name or region already taken, and
// lets every workload serve it when it is the design's first residency (a
// workload must serve at least one).
func AddResidency(d *orgmodel.Design, r orgmodel.Residency) error {
	if err := checkResidency(d, r, -1); err != nil {
		return err
	}
	first := len(d.Residencies) == 0
	d.Residencies = append(d.Residencies, r)
	if first {
		for i := range d.Workloads {
			d.Workloads[i].Residencies = []string{r.Name}
		}
	}
	return nil
}

// RemoveResidency removes the residency called name and every workload's
// reference to it.
func RemoveResidency(d *orgmodel.Design, name string) {
	d.Residencies = slices.DeleteFunc(d.Residencies, func(r orgmodel.Residency) bool { return r.Name == name })
	for i := range d.Workloads {
		d.Workloads[i].Residencies = slices.DeleteFunc(d.Workloads[i].Residencies, func(s string) bool { return s == name })
	}
	if len(d.Residencies) == 0 {
		for i := range d.Workloads {
			d.Workloads[i].Residencies = nil
		}
	}
}

// PutWorkload adds w, or replaces the workload at index i (i < 0 adds). A new
// workload serves every residency, so that it is complete at once.
func PutWorkload(d *orgmodel.Design, i int, w orgmodel.Workload) error {
	if err := orgmodel.CheckWorkloadName(w.Name); err != nil {
		return fmt.Errorf("workload name %w", err)
	}
	if w.Owner != "" {
		if err := orgmodel.CheckEmail(w.Owner); err != nil {
			return fmt.Errorf("owner %w", err)
		}
	}
	for j, have := range d.Workloads {
		if j != i && have.Name == w.Name {
			return fmt.Errorf("there is already a workload called %s", w.Name)
		}
	}
	if i < 0 || i >= len(d.Workloads) {
		if w.Residencies == nil {
			for _, r := range d.Residencies {
				w.Residencies = append(w.Residencies, r.Name)
			}
		}
		d.Workloads = append(d.Workloads, w)
		return nil
	}
	if w.Residencies == nil {
		w.Residencies = d.Workloads[i].Residencies
	}
	d.Workloads[i] = w
	return nil
}

// PutEnvironment adds e, or replaces the environment at index i (i < 0 adds).
func PutEnvironment(d *orgmodel.Design, i int, e orgmodel.Environment) error {
	if err := orgmodel.CheckEnvironmentName(e.Name); err != nil {
		return fmt.Errorf("environment name %w", err)
	}
	for j, have := range d.Environments {
		if j != i && have.Name == e.Name {
			return fmt.Errorf("there is already an environment called %s", e.Name)
		}
	}
	if i < 0 || i >= len(d.Environments) {
		d.Environments = append(d.Environments, e)
		return nil
	}
	d.Environments[i] = e
	return nil
}

// ExampleEmails are the addresses of a few of the accounts the design would
// create, for showing live while the user types the mailbox. Invalid input
// gives the checker's message instead.
func ExampleEmails(d *orgmodel.Design, n int) ([]string, error) {
	if err := CheckMailbox(d.Organization.Email, d.Organization.EmailTemplate); err != nil {
		return nil, err
	}
	var names []string
	if d.Foundation.Security {
		names = append(names, "log-archive")
	}
	for _, w := range d.Workloads {
		for _, e := range d.Environments {
			names = append(names, w.Name+"-"+e.Name)
		}
	}
	if len(d.Workloads) == 0 {
		names = append(names, "payments-dev", "payments-prod")
	}
	if len(names) > n {
		names = names[:n]
	}
	out := make([]string, len(names))
	for i, name := range names {
		out[i] = d.AccountEmail(name)
	}
	return out, nil
}

// resumePrefix starts the first line of a design file the wizard saves. The
// marker lives in a comment so that one file, written atomically, holds both
// the design and where the user was; `validate` and the rest ignore it.
const resumePrefix = "# orgwizard wizard: reached "

// Encode is the design file the wizard saves: the resume marker, then the
// design as orgmodel.Format writes it.
func Encode(d *orgmodel.Design, reached Step) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s%s (run orgwizard to go on; the line is only a bookmark)\n", resumePrefix, reached)
	b.Write(orgmodel.Format(d))
	return b.Bytes()
}

// EncodeOver is Encode for a design file that exists already (prev): the
// design is edited into it (orgmodel.Update), so that a file a person wrote
// keeps its comments, blank lines and key order, and only the resume marker
// is replaced. Without a file, or one that cannot be edited in place, it is
// Encode.
func EncodeOver(prev []byte, d *orgmodel.Design, reached Step) []byte {
	body := prev
	if line, rest, ok := bytes.Cut(prev, []byte("\n")); ok && bytes.HasPrefix(line, []byte(resumePrefix)) {
		body = rest
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return Encode(d, reached)
	}
	out, kept := orgmodel.Update(body, d)
	if !kept {
		return Encode(d, reached)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s%s (run orgwizard to go on; the line is only a bookmark)\n", resumePrefix, reached)
	b.Write(out)
	return b.Bytes()
}

// Decode reads a design file for the wizard. An incomplete design (saved
// halfway) is read as far as it goes; problems a later step fixes are not
// errors here. The step is where the file says the user was, or Target.
func Decode(data []byte) (*orgmodel.Design, Step, error) {
	reached := Target
	if line, _, _ := strings.Cut(string(data), "\n"); strings.HasPrefix(line, resumePrefix) {
		id, _, _ := strings.Cut(strings.TrimPrefix(line, resumePrefix), " ")
		if s, ok := ParseStep(id); ok {
			reached = s
		}
	} else {
		// A design written by hand or by an older run: its user has finished
		// designing; show it for review.
		reached = Preview
	}
	d, err := orgmodel.Decode(data)
	if d == nil {
		return nil, Target, err
	}
	if d.Version == 0 {
		d.Version = 1
	}
	return d, reached, nil
}

// Settle makes the design consistent on leaving the residency step: with no
// residency, an environment cannot be split by residency, so it gets one
// account per workload. It returns the environments it changed.
func Settle(d *orgmodel.Design) []string {
	if len(d.Residencies) > 0 {
		return nil
	}
	var changed []string
	for i := range d.Environments {
		if d.Environments[i].PerResidency {
			d.Environments[i].PerResidency = false
			changed = append(changed, d.Environments[i].Name)
		}
	}
	return changed
}
