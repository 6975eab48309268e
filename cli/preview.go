package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/orgwizard/orgwizard/export"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/spf13/cobra"
)

// DefaultAccountQuota is AWS's default number of accounts in an organization,
// the management account included.
const DefaultAccountQuota = 10

type previewOptions struct {
	design string
	output string
	io     IO
}

func newPreviewCommand(streams IO) *cobra.Command {
	opts := &previewOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "preview",
		Short: "Show the OUs, accounts and guardrails the design makes, with no AWS call",
		Long: `Show the organization the design describes: the OU tree, every member account
with its email, and the guardrail policies with where they are attached.
Nothing is sent to AWS. --output json prints the versioned shape README.md documents.`,
		Example: "  orgwizard preview --design acme.yaml\n  orgwizard preview --design acme.yaml --output json",
		Args:    cobra.NoArgs,
		RunE:    func(*cobra.Command, []string) error { return opts.run() },
	}
	addDesignFlag(cmd, &opts.design)
	addOutputFlag(cmd, &opts.output)
	return cmd
}

func addOutputFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVarP(dst, "output", "o", "text", "text or json")
}

func checkOutput(output string) error {
	if output != "text" && output != "json" {
		return userError("--output %q is not a format; use text or json", output)
	}
	return nil
}

func (o *previewOptions) run() error {
	if err := checkOutput(o.output); err != nil {
		return err
	}
	d, err := loadDesign(o.design, o.io.ErrOut)
	if err != nil {
		return err
	}
	t, err := d.Expand()
	if err != nil {
		return err
	}
	if o.output == "json" {
		return writeTreeJSON(o.io.Out, t, "design "+o.design)
	}
	return writeTreeText(o.io.Out, t, "design "+o.design+" (preview: nothing is sent to AWS)", summary(t))
}

// writeTreeJSON writes a tree in the versioned JSON shape that preview, tree
// and export --format json share (README.md documents it).
func writeTreeJSON(w io.Writer, t *orgmodel.Tree, source string) error {
	return export.Write(w, export.JSON, export.Input{Tree: t, Source: source})
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// summary is one line of counts, with the quota in view: the management
// account counts toward AWS's account quota too.
func summary(t *orgmodel.Tree) string {
	s := fmt.Sprintf("%d member accounts, %d OUs, %d guardrail policies", len(t.Accounts), len(t.OUs), len(t.Policies))
	for _, b := range t.Budgets {
		if b.Name == orgmodel.OrganizationBudgetName {
			s += fmt.Sprintf(", %d budgets (%s %s a month in all), %d cost categories",
				len(t.Budgets), strconv.FormatFloat(b.Amount, 'f', -1, 64), b.Currency, len(t.CostCategories))
		}
	}
	total := len(t.Accounts) + 1
	switch {
	case total > DefaultAccountQuota:
		s += fmt.Sprintf("\nnote: with the management account that is %d accounts, over AWS's default quota of %d; request an increase of the Organizations quota \"Default maximum number of accounts\" in Service Quotas before applying", total, DefaultAccountQuota)
	case total == DefaultAccountQuota:
		s += fmt.Sprintf(" (%d accounts with the management account: exactly AWS's default quota)", total)
	}
	if a := t.Access; a != nil {
		s += fmt.Sprintf("\naccess: %d groups (%d people), %d permission sets, %d account assignments",
			len(a.Groups), len(a.Users), len(a.PermissionSets), len(a.Assignments))
	}
	return s
}

// liveSummary counts what exists in a live organization (the management
// account is one of t.Accounts) against the quota the target reports.
func liveSummary(t *orgmodel.Tree, quota int, source string) string {
	total := len(t.Accounts)
	members := 0
	for _, a := range t.Accounts {
		if a.Kind != orgmodel.ManagementKind {
			members++
		}
	}
	s := fmt.Sprintf("%d member accounts and the management account: %d accounts of your quota of %d (%s); %d OUs, %d guardrail policies",
		members, total, quota, source, len(t.OUs), len(t.Policies))
	switch {
	case total > quota:
		s += fmt.Sprintf("\nnote: %d accounts over the quota; AWS refuses new accounts until it is raised (Service Quotas: AWS Organizations, \"Default maximum number of accounts\")", total-quota)
	case total == quota:
		s += "\nnote: the quota is reached; one more account needs an increase (Service Quotas: AWS Organizations, \"Default maximum number of accounts\")"
	}
	return s
}

// treeHeader names the organization with only the fields the tree has: a
// design has a layout and a home region, a live organization a management
// account.
func treeHeader(t *orgmodel.Tree) string {
	parts := []string{"Organization " + t.Organization}
	if t.Layout != "" {
		parts = append(parts, fmt.Sprintf("layout %s", t.Layout))
	}
	if t.HomeRegion != "" {
		parts = append(parts, "home region "+t.HomeRegion)
	}
	for _, a := range t.Accounts {
		if a.Kind == orgmodel.ManagementKind && a.ID != "" {
			parts = append(parts, "management account "+a.ID)
		}
	}
	return strings.Join(parts, " · ")
}

// writeTreeText draws the tree the way `tree` draws a directory: OUs with the
// policies attached to them, accounts with their emails; counts is the line
// under it.
func writeTreeText(w io.Writer, t *orgmodel.Tree, source, counts string) error {
	var b strings.Builder
	b.WriteString(treeHeader(t) + "\n")
	fmt.Fprintf(&b, "Target: %s\n\n", source)
	b.WriteString("Root")
	writePolicies(&b, t.PoliciesOn(orgmodel.Target{Type: orgmodel.TargetRoot, Name: "Root"}))
	b.WriteString("\n")

	accounts := t.AccountsByOU()
	width := 0
	for _, a := range t.Accounts {
		width = max(width, len(a.Name))
	}
	var walk func(parent, prefix string)
	walk = func(parent, prefix string) {
		children := t.Children(parent)
		accs := accounts[parent]
		n := len(accs) + len(children)
		i := 0
		branch := func() (string, string) {
			i++
			if i == n {
				return prefix + "└── ", prefix + "    "
			}
			return prefix + "├── ", prefix + "│   "
		}
		for _, a := range accs {
			lead, _ := branch()
			fmt.Fprintf(&b, "%s%-*s  %s", lead, width, a.Name, accountDetail(a))
			writePolicies(&b, t.PoliciesOn(orgmodel.Target{Type: orgmodel.TargetAccount, Name: a.Name}))
			b.WriteString("\n")
		}
		for _, c := range children {
			lead, next := branch()
			b.WriteString(lead + c.Name + "/")
			writePolicies(&b, t.PoliciesOn(orgmodel.Target{Type: orgmodel.TargetOU, Name: c.Path}))
			b.WriteString("\n")
			walk(c.Path, next)
		}
	}
	walk("", "")

	b.WriteString("\n")
	b.WriteString(counts)
	b.WriteString("\n")
	if len(t.Policies) > 0 {
		b.WriteString("\nGuardrails (service control policies):\n")
		for _, p := range t.Policies {
			targets := make([]string, len(p.Targets))
			for i, tg := range p.Targets {
				targets[i] = tg.String()
			}
			fmt.Fprintf(&b, "  %s  on %s\n    %s\n", p.Name, strings.Join(targets, ", "), p.Description)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func accountDetail(a orgmodel.Account) string {
	parts := []string{}
	if a.Email != "" {
		parts = append(parts, a.Email)
	}
	if a.ID != "" {
		parts = append(parts, a.ID)
	}
	if a.Kind == orgmodel.AdoptedKind {
		parts = append(parts, "(existing account, adopted)")
	}
	return strings.Join(parts, "  ")
}

func writePolicies(b *strings.Builder, names []string) {
	if len(names) == 0 {
		return
	}
	short := make([]string, len(names))
	for i, n := range names {
		short[i] = strings.TrimPrefix(n, orgmodel.PolicyPrefix)
	}
	fmt.Fprintf(b, "  [%s]", strings.Join(short, ", "))
}
