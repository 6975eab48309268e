package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/export"
	"github.com/orgwizard/orgwizard/orgmodel"
)

type exportOptions struct {
	design string
	// designGiven tells whether --design was on the command line: with --live,
	// only an explicit design is exported (a stray orgwizard.yaml is not).
	designGiven bool
	live        bool
	format      string
	file        string
	target      targetFlags
	io          IO
}

func newExportCommand(streams IO) *cobra.Command {
	opts := &exportOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export the design or the live organization as Terraform, CloudFormation, Mermaid, DOT or JSON",
		Long: `Write the organization as code or as a drawing.

--format terraform     hashicorp/aws resources, with import blocks (Terraform 1.5+)
                       for everything that already exists; a design's access
                       block as identity store and ssoadmin resources; its baseline
                       and contacts (trail, log bucket, GuardDuty, Access Analyzer,
                       root access, contacts), through provider aliases that assume
                       OrganizationAccountAccessRole in log-archive and security-tooling
--format cloudformation AWS::Organizations resources, with the ids to import;
                       access as AWS::IdentityStore and AWS::SSO resources
                       (users have no CloudFormation type: the header says so); of
                       the baseline, what a us-east-1 stack of the management
                       account can hold (the header says what is left out)
--format mermaid       a flowchart of the tree with its guardrails, for Markdown
--format dot           the same as a Graphviz digraph (dot -Tsvg), for slides
--format json          the shape of preview --output json, with ids

By default the design file is exported and nothing is sent to AWS. --live reads
the organization in the target first: with --design, the design is exported
with import blocks for every OU, account, policy and attachment that exists,
and every group, user, membership, permission set and assignment of Identity
Center and every part of the security baseline (matched as plan matches
them); without it, what exists is exported.`,
		Example: "  orgwizard export --design acme.yaml --format terraform -o org.tf\n" +
			"  orgwizard export --live --design acme.yaml --format terraform --profile management\n" +
			"  orgwizard export --live --format mermaid",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.designGiven = cmd.Flags().Changed("design")
			return opts.run(cmd.Context())
		},
	}
	addDesignFlag(cmd, &opts.design)
	cmd.Flags().StringVar(&opts.format, "format", "", "terraform, cloudformation, mermaid, dot or json")
	cmd.Flags().BoolVar(&opts.live, "live", false, "read the organization in the target (the target flags choose it)")
	cmd.Flags().StringVarP(&opts.file, "output", "o", "", "write to this file instead of stdout")
	addTargetFlags(cmd, &opts.target)
	return cmd
}

func (o *exportOptions) run(ctx context.Context) error {
	if o.format == "" {
		return userError("--format is required: %s", formatList())
	}
	format, err := export.ParseFormat(o.format)
	if err != nil {
		return userError("--format: %v", err)
	}
	in, err := o.input(ctx)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := export.Write(&b, format, in); err != nil {
		return err
	}
	if o.file == "" {
		_, err := o.io.Out.Write(b.Bytes())
		return err
	}
	if err := writeUserFile(o.file, b.Bytes()); err != nil {
		return userError("cannot write %s: %v", o.file, err)
	}
	fmt.Fprintf(o.io.ErrOut, "wrote %s (%s, from %s)\n", o.file, format, in.Source)
	return nil
}

// input builds what to export: the design alone, or with --live the
// organization as read, with or without the design over it.
func (o *exportOptions) input(ctx context.Context) (export.Input, error) {
	var tree *orgmodel.Tree
	if !o.live || o.designGiven {
		d, err := loadDesign(o.design, o.io.ErrOut)
		if err != nil {
			return export.Input{}, err
		}
		if tree, err = d.Expand(); err != nil {
			return export.Input{}, err
		}
	}
	if !o.live {
		return export.Input{Tree: tree, Source: "design " + o.design}, nil
	}
	s, err := openSession(ctx, &o.target)
	if err != nil {
		return export.Input{}, err
	}
	defer s.Close()
	var actual *orgmodel.Actual
	if tree != nil {
		actual, err = s.readFor(ctx, tree)
	} else {
		actual, err = s.read(ctx)
	}
	if err != nil {
		return export.Input{}, err
	}
	fmt.Fprintln(o.io.ErrOut, describeTarget(s))
	if actual.Organization == nil {
		if tree == nil {
			return export.Input{}, userError("%s belongs to no organization: there is nothing live to export; export the design instead (--design FILE without --live)", s.target.Describe)
		}
		fmt.Fprintln(o.io.ErrOut, "This account belongs to no organization yet: everything in the export is to be created.")
	}
	source := s.target.Describe
	if tree == nil {
		tree = actual.Tree()
	} else {
		source = "design " + o.design + " over " + source
	}
	existing := export.Match(tree, actual)
	if o.format == string(export.Terraform) || o.format == string(export.CloudFormation) {
		// Only code declares tags; the drawings and JSON do not need them.
		if err := readTags(ctx, s, existing); err != nil {
			return export.Input{}, err
		}
	}
	return export.Input{Tree: tree, Existing: existing, Source: source}, nil
}

// readTags reads the tags of the OUs and policies the export imports: each
// is declared with the tags it has, so that a plan after import shows none
// changed (apply tags only what it creates).
func readTags(ctx context.Context, s *session, e *export.Existing) error {
	e.Tags = map[string]map[string]string{}
	var ids []string
	for _, id := range e.OUs {
		ids = append(ids, id)
	}
	for _, id := range e.Policies {
		ids = append(ids, id)
	}
	for _, id := range ids {
		tags, err := s.orgs.ResourceTags(ctx, id)
		if err != nil {
			return awsError(err)
		}
		e.Tags[id] = tags
	}
	return nil
}

func formatList() string {
	names := make([]string, len(export.Formats))
	for i, f := range export.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}
