// Package accessanalyzer is the sandbox's IAM Access Analyzer (restJson1):
// analyzers per account and region. An organization analyzer is created
// from the management account or from the account Organizations registers
// as the delegated administrator for access-analyzer.amazonaws.com, and only
// once the organization trusts that principal, as at AWS. That registration
// is the organization's, for every region (Organizations' API has no
// region), unlike GuardDuty's and Security Hub's administrators, which
// their own APIs name per region: AWS's "Settings for IAM Access Analyzer"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-settings.html)
// has the management account add "a member account in the organization as
// the delegated administrator to manage IAM Access Analyzer for your
// organization", with Organizations' RegisterDelegatedAdministrator.
package accessanalyzer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// ServicePrincipal is the principal an organization analyzer needs trusted access and a delegated admin for.
const ServicePrincipal = "access-analyzer.amazonaws.com"

// State is Access Analyzer's part of the sandbox state.
type State struct {
	Analyzers []*Analyzer `json:"analyzers,omitempty"`
}

// Analyzer is one analyzer.
type Analyzer struct {
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	Account   string            `json:"account"`
	Region    string            `json:"region"`
	Tags      map[string]string `json:"tags,omitempty"`
	CreatedAt time.Time         `json:"createdAt"`
}

// ARN is the analyzer's ARN.
func (a *Analyzer) ARN() string {
	return "arn:aws:access-analyzer:" + a.Region + ":" + a.Account + ":analyzer/" + a.Name
}

// Env is what Access Analyzer asks of the rest of the sandbox.
type Env = core.SecurityOrgs

// Service answers Access Analyzer's calls over its state.
type Service struct {
	st  *State
	env Env
}

// New builds the service over st.
func New(st *State, env Env) *Service { return &Service{st: st, env: env} }

// Routes are the served operations' HTTP bindings: method, path pattern, operation.
var Routes = core.Routes{
	{"PUT", "/analyzer", "CreateAnalyzer"},
	{"GET", "/analyzer", "ListAnalyzers"},
	{"GET", "/analyzer/{analyzerName}", "GetAnalyzer"},
}

type input struct {
	AnalyzerName string            `json:"analyzerName"`
	Type         string            `json:"type"`
	Tags         map[string]string `json:"tags"`
	ArchiveRules []json.RawMessage `json:"archiveRules"`
	MaxResults   string            `json:"maxResults"`
	NextToken    string            `json:"nextToken"`
}

var (
	namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,254}$`)
	types       = []string{"ACCOUNT", "ORGANIZATION", "ACCOUNT_UNUSED_ACCESS", "ORGANIZATION_UNUSED_ACCESS",
		"ACCOUNT_INTERNAL_ACCESS", "ORGANIZATION_INTERNAL_ACCESS"}
)

// validation is Access Analyzer's ValidationException, with its reason.
func validation(field, format string, args ...any) *core.Error {
	e := core.Errf("ValidationException", format, args...)
	e.Reason = "fieldValidationFailed"
	if field == "" {
		e.Reason = "other"
	}
	return e
}

func accessDenied(format string, args ...any) *core.Error {
	return &core.Error{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: fmt.Sprintf(format, args...)}
}

// Serve answers one call: the answer, whether the state changed, or an error.
func (s *Service) Serve(c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
	var in input
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, false, validation("", "The request is not valid JSON: %v", err)
		}
	}
	switch op {
	case "CreateAnalyzer":
		return s.create(c, &in, now)
	case "ListAnalyzers":
		return s.list(c, &in)
	case "GetAnalyzer":
		return s.get(c, &in)
	}
	return nil, false, &core.Error{Status: http.StatusNotFound, Code: "UnknownOperationException", Message: "The sandbox does not serve Access Analyzer's " + op}
}

func (s *Service) create(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	if !namePattern.MatchString(in.AnalyzerName) {
		return nil, false, validation("analyzerName", "analyzerName %q must start with a letter and hold 1-255 letters, digits, '.', '_' or '-'.", in.AnalyzerName)
	}
	if !slices.Contains(types, in.Type) {
		return nil, false, validation("type", "type %q is not one of %s.", in.Type, strings.Join(types, ", "))
	}
	for _, a := range s.st.Analyzers {
		if a.Account == c.Account.ID && a.Region == c.Region && a.Name == in.AnalyzerName {
			return nil, false, &core.Error{Status: http.StatusConflict, Code: "ConflictException",
				Message: "An analyzer named " + in.AnalyzerName + " already exists in " + c.Region + "."}
		}
	}
	if strings.HasPrefix(in.Type, "ORGANIZATION") {
		o, ok := s.env.OrgOf(c.Account.ID)
		if !ok {
			return nil, false, accessDenied("Account %s is not a member of an organization: an analyzer of type %s needs one (use an ACCOUNT analyzer, or create it from the organization's management account or delegated administrator).", c.Account.ID, in.Type)
		}
		if !s.env.TrustedAccess(o.ID, ServicePrincipal) {
			return nil, false, validation("", "Trusted access for %s is not enabled for organization %s: the management account enables it first (organizations enable-aws-service-access --service-principal %s).", ServicePrincipal, o.ID, ServicePrincipal)
		}
		if !o.Manages(c.Account.ID) && !s.env.DelegatedAdmin(o.ID, ServicePrincipal, c.Account.ID) {
			return nil, false, accessDenied("Account %s is neither the management account nor the delegated administrator for %s of organization %s: register it first (organizations register-delegated-administrator --service-principal %s --account-id %s).", c.Account.ID, ServicePrincipal, o.ID, ServicePrincipal, c.Account.ID)
		}
	}
	n := 0
	for _, a := range s.st.Analyzers {
		if a.Account == c.Account.ID && a.Region == c.Region && a.Type == in.Type {
			n++
		}
	}
	if limit := quota(in.Type); n >= limit {
		return nil, false, &core.Error{Status: http.StatusPaymentRequired, Code: "ServiceQuotaExceededException",
			Message: "Account " + c.Account.ID + " already has " + strconv.Itoa(n) + " analyzers of type " + in.Type + " in " + c.Region + ", the most allowed."}
	}
	a := &Analyzer{Name: in.AnalyzerName, Type: in.Type, Account: c.Account.ID, Region: c.Region, Tags: in.Tags, CreatedAt: now}
	s.st.Analyzers = append(s.st.Analyzers, a)
	return map[string]string{"arn": a.ARN()}, true, nil
}

// quota is AWS's default number of analyzers of a type per account and
// region: one account-level analyzer, five organization-level external or
// unused access analyzers, one organization internal access analyzer.
func quota(typ string) int {
	if typ == "ORGANIZATION" || typ == "ORGANIZATION_UNUSED_ACCESS" {
		return 5
	}
	return 1
}

type summary struct {
	Arn       string            `json:"arn"`
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	CreatedAt string            `json:"createdAt"`
	Status    string            `json:"status"`
	Tags      map[string]string `json:"tags,omitempty"`
}

func out(a *Analyzer) summary {
	return summary{Arn: a.ARN(), Name: a.Name, Type: a.Type, CreatedAt: a.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"), Status: "ACTIVE", Tags: a.Tags}
}

func (s *Service) list(c *core.Caller, in *input) (any, bool, *core.Error) {
	if in.Type != "" && !slices.Contains(types, in.Type) {
		return nil, false, validation("type", "type %q is not one of %s.", in.Type, strings.Join(types, ", "))
	}
	list := []summary{}
	for _, a := range s.st.Analyzers {
		if a.Account == c.Account.ID && a.Region == c.Region && (in.Type == "" || a.Type == in.Type) {
			list = append(list, out(a))
		}
	}
	limit := 100
	if in.MaxResults != "" {
		n, err := strconv.Atoi(in.MaxResults)
		if err != nil || n < 1 {
			return nil, false, validation("maxResults", "maxResults %q is not a positive number.", in.MaxResults)
		}
		limit = n
	}
	start := 0
	if in.NextToken != "" {
		o, err := core.DecodePageToken("ListAnalyzers/"+in.Type, in.NextToken, len(list))
		if err != nil {
			return nil, false, validation("nextToken", "nextToken is not a token of this listing.")
		}
		start = o
	}
	end := min(start+limit, len(list))
	res := map[string]any{"analyzers": list[start:end]}
	if end < len(list) {
		res["nextToken"] = core.EncodePageToken("ListAnalyzers/"+in.Type, end)
	}
	return res, false, nil
}

func (s *Service) get(c *core.Caller, in *input) (any, bool, *core.Error) {
	for _, a := range s.st.Analyzers {
		if a.Account == c.Account.ID && a.Region == c.Region && a.Name == in.AnalyzerName {
			return map[string]any{"analyzer": out(a)}, false, nil
		}
	}
	return nil, false, &core.Error{Status: http.StatusNotFound, Code: "ResourceNotFoundException",
		Message: "Analyzer " + in.AnalyzerName + " not found in " + c.Region + "."}
}
