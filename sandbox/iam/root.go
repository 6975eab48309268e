package iam

import (
	"encoding/xml"
	"net/http"
	"slices"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Centralized root access: the organization features IAM turns on for its
// member accounts (EnableOrganizationsRootCredentialsManagement,
// EnableOrganizationsRootSessions), once trusted access for
// iam.amazonaws.com is enabled in an organization with all features.

// Principal is IAM's service principal in Organizations.
const Principal = "iam.amazonaws.com"

// The features, as IAM names them.
const (
	RootCredentialsManagement = "RootCredentialsManagement"
	RootSessions              = "RootSessions"
)

// State is IAM's part of the sandbox state: the organization features
// enabled, by organization id.
type State struct {
	OrganizationFeatures map[string][]string `json:"organizationFeatures,omitempty"`
	// RootPasswords records, by account, a root password created or
	// deleted; an account not in it has AWS's default (RootPassword).
	RootPasswords map[string]bool `json:"rootPasswords,omitempty"`
}

// rootOps are the organization root access operations, and the feature
// each turns on or off (none for the listing).
var rootOps = map[string]struct {
	feature string
	enable  bool
}{
	"EnableOrganizationsRootCredentialsManagement":  {RootCredentialsManagement, true},
	"DisableOrganizationsRootCredentialsManagement": {RootCredentialsManagement, false},
	"EnableOrganizationsRootSessions":               {RootSessions, true},
	"DisableOrganizationsRootSessions":              {RootSessions, false},
	"ListOrganizationsFeatures":                     {},
}

func rootErr(code, msg string) *core.Error {
	return &core.Error{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// Features is what IAM has enabled for the organization orgID.
func (s *Service) Features(orgID string) []string {
	return slices.Clone(s.st.OrganizationFeatures[orgID])
}

// rootAccess runs one organization root access operation under the lock.
func (s *Service) rootAccess(c *core.Caller, op string) ([]byte, bool, *core.Error) {
	o, ok := s.orgs.OrgOf(c.Account.ID)
	if !ok {
		return nil, false, rootErr("OrganizationNotFoundException", "The request was rejected because no organization is associated with your account.")
	}
	manager := o.Manages(c.Account.ID)
	if !manager && !s.del.DelegatedAdmin(o.ID, Principal, c.Account.ID) {
		return nil, false, rootErr("AccountNotManagementOrDelegatedAdministratorException",
			"The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.")
	}
	spec := rootOps[op]
	if spec.feature != "" && !manager {
		return nil, false, rootErr("CallerIsNotManagementAccountException",
			"The request was rejected because the account making the request is not the management account for the organization.")
	}
	if o.FeatureSet != "ALL" {
		return nil, false, rootErr("OrganizationNotInAllFeaturesModeException",
			"The request was rejected because your organization does not have All features enabled.")
	}
	if !s.del.TrustedAccess(o.ID, Principal) {
		return nil, false, rootErr("ServiceAccessNotEnabledException",
			"The request was rejected because trusted access is not enabled for IAM in AWS Organizations (aws organizations enable-aws-service-access --service-principal "+Principal+").")
	}
	features := s.st.OrganizationFeatures[o.ID]
	changed := false
	if spec.feature != "" {
		has := slices.Contains(features, spec.feature)
		switch {
		case spec.enable && !has:
			features, changed = append(features, spec.feature), true
		case !spec.enable && has:
			features, changed = slices.DeleteFunc(features, func(f string) bool { return f == spec.feature }), true
		}
		if changed {
			if s.st.OrganizationFeatures == nil {
				s.st.OrganizationFeatures = map[string][]string{}
			}
			slices.Sort(features)
			s.st.OrganizationFeatures[o.ID] = features
		}
	}
	type result struct {
		XMLName         xml.Name
		OrganizationID  string   `xml:"OrganizationId"`
		EnabledFeatures []string `xml:"EnabledFeatures>member"`
	}
	out, _ := xml.Marshal(struct {
		XMLName  xml.Name `xml:""`
		Xmlns    string   `xml:"xmlns,attr"`
		Result   result
		Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
	}{XMLName: xml.Name{Local: op + "Response"}, Xmlns: Namespace,
		Result:   result{XMLName: xml.Name{Local: op + "Result"}, OrganizationID: o.ID, EnabledFeatures: features},
		Metadata: core.ResponseMetadata{RequestID: core.NewRequestID()}})
	return out, changed, nil
}
