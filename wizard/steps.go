// Package wizard is the wizard's flow as data and logic: the steps, what each
// asks and explains, the defaults and presets, what may follow what, where a
// saved design resumes, and the checklist computed from what exists. It knows
// orgmodel only; ui draws it and cli connects it to AWS.
package wizard

import (
	"errors"
	"fmt"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Step is one screen of the wizard, in the order a user meets them.
type Step int

const (
	Target Step = iota
	Preflight
	Basics
	Workloads
	Environments
	Residency
	Guardrails
	Access
	Preview
	Confirm
	Apply
	Done
)

// Steps is every step in order.
// planReads are the calls that read the organization for a plan.
var planReads = []string{"organizations:DescribeOrganization", "organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent", "organizations:ListAccounts", "organizations:ListParents", "organizations:ListPolicies", "organizations:ListTargetsForPolicy", "organizations:ListTagsForResource"}

var Steps = []Step{Target, Preflight, Basics, Workloads, Environments, Residency, Guardrails, Access, Preview, Confirm, Apply, Done}

// Info is what a step is called, what the workshop pane says about it, and the
// AWS calls made while it is on screen.
type Info struct {
	ID    string
	Title string
	// Workshop is the trainer's explanation of the step, a few sentences.
	Workshop string
	// Lead is what the step says before its questions: the facts needed to
	// answer them. "" for none.
	Lead string
	// Calls are the AWS API operations the step makes, as "service:Operation".
	Calls []string
}

var infos = map[Step]Info{
	Target: {ID: "target", Title: "Where to build",
		Workshop: "Everything first happens in the sandbox: a simulated AWS on this machine that answers the same API calls as the real one. Nothing you do there costs money or touches a real account. When you are happy, run the wizard again against a real AWS profile.",
		Calls:    []string{"sts:GetCallerIdentity"}},
	Preflight: {ID: "preflight", Title: "Preflight",
		Workshop: "Before designing anything we check who we are and what runs here. The account you are signed in to becomes the management account: it pays the bills and governs the others, and it should run nothing else, because service control policies never restrict it. If it already runs workloads there are two ways out: a new, clean management account that invites this one as a member (quick), or moving each resource to a member account (slow, the account keeps its role). AWS allows 10 accounts per organization by default; more need a quota increase.",
		Calls: []string{"sts:GetCallerIdentity", "organizations:DescribeOrganization", "organizations:ListAccounts", "servicequotas:GetServiceQuota",
			"ec2:DescribeRegions", "ec2:DescribeInstances", "s3:ListBuckets", "rds:DescribeDBInstances", "resource-explorer-2:Search", "tag:GetResources", "…",
			"way (a): organizations:CreateOrganization", "organizations:InviteAccountToOrganization", "organizations:AcceptHandshake", "iam:CreateRole", "sts:AssumeRole", "organizations:MoveAccount"}},
	Basics: {ID: "basics", Title: "Organization basics",
		Workshop: "Every AWS account needs its own email address that nobody else in the world uses. One shared mailbox with '+' addressing (aws+payments-prod@example.com) gives each account a unique address that still lands in one inbox. The home region is where the organization's own tooling lives.",
		Calls:    nil},
	Workloads: {ID: "workloads", Title: "Workloads",
		Workshop: "A workload is a bounded context: a part of your product with its own team, its own data and its own release rhythm, such as payments, website or data-platform. Each workload gets its own accounts, so a mistake or a breach in one cannot reach the others. Start with two or three; you can add more later.",
		Lead:     "A workload is a part of your product with its own team, data and release rhythm (a bounded context). Each gets its own accounts, so trouble in one stays there. Examples: payments, website, data-platform, identity.",
		Calls:    nil},
	Environments: {ID: "environments", Title: "Environments",
		Workshop: "Every workload goes through the same stages. Separate accounts per stage mean a test in dev can never delete production data. Production usually gets one account per residency, so European customer data stays in European regions.",
		Lead:     "Every workload gets one account per environment, so a test in dev can never touch production. Ticked environments get one account per residency (next step): prod is, so customer data stays in its region.",
		Calls:    nil},
	Residency: {ID: "residency", Title: "Data residency",
		Workshop: "A residency is a set of regions where some data may live (the EU, the US ...). A region lock guardrail stops accounts of that residency from using any other region, which is what data-protection rules such as the GDPR ask of you. Skip this step if all your data may live anywhere.",
		Lead:     "A residency is a set of regions where some customers' data must stay, such as the EU for the GDPR. Accounts of a residency are locked to its regions. No residency: all data may live anywhere.",
		Calls:    nil},
	Guardrails: {ID: "guardrails", Title: "Guardrails and foundation",
		Workshop: "Guardrails are service control policies: rules AWS enforces on every member account, whatever permissions the people in it have. The foundation OUs hold the accounts that serve the whole organization: logs nobody can delete, security tooling, networking. o places existing accounts (accounts[]) and, in an existing organization, reads it for accounts to adopt: the only calls of this step.",
		Calls:    planReads},
	Access: {ID: "access", Title: "Who works where",
		Workshop: "People should never share the root user or the management account: each person signs in once, at the AWS access portal of IAM Identity Center, and gets into the accounts their groups are granted. A permission set is a role Identity Center creates in each account it is granted in (admin, read-only ...). Giving a team access to its workload's accounts, and only read access to production, is the account-per-workload strategy's security argument at work. Identity Center itself is one click in the console, which the wizard asks for before the apply.",
		Lead:     AccessLead,
		Calls:    nil},
	Preview: {ID: "preview", Title: "Preview",
		Workshop: "This is the organization the design describes, and the plan: what must be created, moved or tagged in the target to get there. Nothing is ever deleted: accounts and OUs the design does not name are left alone.",
		Calls:    planReads},
	Confirm: {ID: "confirm", Title: "Confirm",
		Workshop: "Nothing has changed yet. On a real AWS account you type its id, so that a change never lands in the wrong account by a reflex 'yes'. When the design gives people access, IAM Identity Center must be on first: it is one click in the console, which the wizard waits for.",
		Calls:    []string{"with access: sso:ListInstances"}},
	Apply: {ID: "apply", Title: "Apply",
		Workshop: "AWS creates accounts asynchronously, at most five at a time per organization; each takes from seconds to minutes. Every step is safe to repeat: if you stop now (ctrl+c) and run the wizard again, it finishes the work without creating anything twice.",
		Calls:    []string{"organizations:CreateOrganization", "organizations:EnablePolicyType", "organizations:CreateOrganizationalUnit", "organizations:CreateAccount", "organizations:DescribeCreateAccountStatus", "organizations:MoveAccount", "organizations:TagResource", "organizations:CreatePolicy", "organizations:UpdatePolicy", "organizations:AttachPolicy"}},
	Done: {ID: "done", Title: "Done",
		Workshop: "The checklist is read back from the target, not assumed: every tick is something AWS confirmed. How to get in says where people sign in (the AWS access portal, when the design has access), the CLI profiles, the break-glass path through OrganizationAccountAccessRole, and what the root emails are for. Keep the design file in git: it is the description of your organization.",
		Calls:    []string{"organizations:ListAccounts", "organizations:ListPolicies", "ec2:DescribeRegions", "resource-explorer-2:Search", "tag:GetResources", "… (the inventory again)", "sso:ListInstances"}},
}

// AdoptedLead is what the adopted accounts' part of the guardrails step
// says before its questions.
const AdoptedLead = "Accounts that exist already and that the design places in an OU: an old management account, an account invited long ago. orgwizard moves them there and tags them; it never creates or closes them."

// Info describes the step.
func (s Step) Info() Info { return infos[s] }

func (s Step) String() string { return infos[s].ID }

// Number is the step's position counted from 1, for "step 3 of 11".
func (s Step) Number() int { return int(s) + 1 }

// ParseStep reads a step's ID.
func ParseStep(id string) (Step, bool) {
	for _, s := range Steps {
		if infos[s].ID == id {
			return s, true
		}
	}
	return Target, false
}

// Next is the step after s; Done is last.
func Next(s Step) Step {
	if s >= Done {
		return Done
	}
	return s + 1
}

// Prev is the step the back key returns to from s. Once applying has begun
// there is no way back, and preflight is repeated by going back to the target.
func Prev(s Step) Step {
	switch s {
	case Target, Apply, Done:
		return s
	case Basics:
		return Target
	}
	return s - 1
}

// Designing reports whether s edits the design (and so is saved on leaving).
func Designing(s Step) bool { return s >= Basics && s <= Access }

// Check says whether the design's part asked in step s is complete, with the
// first thing to fix. The messages come from orgmodel's checkers.
func Check(s Step, d *orgmodel.Design) error {
	switch s {
	case Basics:
		o := d.Organization
		if err := orgmodel.CheckOrganizationName(o.Name); err != nil {
			return fmt.Errorf("organization name %w", err)
		}
		if err := CheckMailbox(o.Email, o.EmailTemplate); err != nil {
			return err
		}
		if err := orgmodel.CheckRegion(o.HomeRegion); err != nil {
			return fmt.Errorf("home region %w", err)
		}
	case Workloads:
		if len(d.Workloads) == 0 {
			return errors.New("add at least one workload (press a)")
		}
	case Environments:
		if len(d.Environments) == 0 {
			return errors.New("add at least one environment (press a)")
		}
	case Residency:
		if len(d.Residencies) == 0 {
			return nil
		}
		for _, w := range d.Workloads {
			if len(w.Residencies) == 0 {
				return fmt.Errorf("workload %s serves no residency; choose at least one (press w)", w.Name)
			}
		}
	case Guardrails:
		if err := d.Validate(); err != nil {
			return err
		}
	case Access:
		return checkAccess(d)
	case Preview:
		if err := d.Validate(); err != nil {
			return err
		}
		return checkAccess(d)
	}
	return nil
}

// CheckMailbox checks the one of email and template that is set.
func CheckMailbox(email, template string) error {
	switch {
	case email != "" && template != "":
		return errors.New("give a mailbox or an email template, not both")
	case template != "":
		if strings.Count(template, "{account}") != 1 {
			return fmt.Errorf("email template %q must contain {account} exactly once, such as aws-{account}@example.com", template)
		}
		if err := orgmodel.CheckEmail(strings.Replace(template, "{account}", "account", 1)); err != nil {
			return fmt.Errorf("email template %w", err)
		}
	default:
		if err := orgmodel.CheckEmail(email); err != nil {
			return fmt.Errorf("mailbox %w", err)
		}
	}
	return nil
}

// Resume is where a user who reached step `reached` with design d goes on:
// the first designing step that is incomplete, or the step reached, but never
// past the preview (what exists is read again before anything is changed).
func Resume(d *orgmodel.Design, reached Step) Step {
	if reached > Preview {
		reached = Preview
	}
	for s := Basics; s < reached; s++ {
		if Check(s, d) != nil {
			return s
		}
	}
	if reached < Basics {
		return Target
	}
	return reached
}
