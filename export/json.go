package export

import (
	"bytes"
	"encoding/json"
	"maps"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// jsonDoc is the shape of preview --output json (cli.md: version 1, more
// fields may be added, none removed) with the ids of what exists.
type jsonDoc struct {
	Version        int             `json:"version"`
	Source         string          `json:"source"`
	Organization   string          `json:"organization"`
	Layout         orgmodel.Layout `json:"layout"`
	HomeRegion     string          `json:"homeRegion"`
	OrganizationID string          `json:"organizationId,omitempty"`
	RootID         string          `json:"rootId,omitempty"`
	OUs            []jsonOU        `json:"ous"`
	Accounts       []jsonAccount   `json:"accounts"`
	Policies       []jsonPolicy    `json:"policies"`
}

type jsonOU struct {
	Path   string `json:"path"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	ID     string `json:"id,omitempty"`
}

type jsonAccount struct {
	Name  string            `json:"name"`
	Email string            `json:"email,omitempty"`
	ID    string            `json:"id,omitempty"`
	OU    string            `json:"ou"`
	Kind  string            `json:"kind"`
	Tags  map[string]string `json:"tags"`
}

type jsonPolicy struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Targets     []string        `json:"targets"`
	Document    json.RawMessage `json:"document"`
	ID          string          `json:"id,omitempty"`
	// TargetIDs are the ids of the targets that exist, in the order of Targets
	// ("" for one that does not exist yet).
	TargetIDs []string `json:"targetIds,omitempty"`
}

func writeJSON(b *bytes.Buffer, in Input) error {
	t := in.Tree
	doc := jsonDoc{Version: 1, Source: in.Source, Organization: t.Organization, Layout: t.Layout, HomeRegion: t.HomeRegion,
		OUs: []jsonOU{}, Accounts: []jsonAccount{}, Policies: []jsonPolicy{}}
	e := in.Existing
	if e != nil {
		doc.OrganizationID, doc.RootID = e.OrganizationID, e.RootID
	}
	for _, o := range t.OUs {
		ou := jsonOU{Path: o.Path, Name: o.Name, Parent: o.Parent}
		if e != nil {
			ou.ID = e.OUs[o.Path]
		}
		doc.OUs = append(doc.OUs, ou)
	}
	for _, a := range t.Accounts {
		acc := jsonAccount{Name: a.Name, Email: a.Email, ID: a.ID, OU: a.OU, Kind: string(a.Kind), Tags: maps.Clone(a.Tags)}
		if acc.Tags == nil {
			acc.Tags = map[string]string{}
		}
		if x, ok := in.account(a.Name); ok {
			acc.ID = x.ID
		}
		doc.Accounts = append(doc.Accounts, acc)
	}
	for _, p := range t.Policies {
		pol := jsonPolicy{Name: p.Name, Description: p.Description, Targets: make([]string, len(p.Targets)), Document: document(p.Content)}
		known := false
		ids := make([]string, len(p.Targets))
		for i, tg := range p.Targets {
			pol.Targets[i] = tg.String()
			ids[i] = in.targetID(tg)
			known = known || ids[i] != ""
		}
		if known {
			pol.TargetIDs = ids
		}
		if e != nil {
			pol.ID = e.Policies[p.Name]
		}
		doc.Policies = append(doc.Policies, pol)
	}
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// document is a policy document as JSON, or as a JSON string when AWS holds
// something that is not JSON (a hand-made policy may be anything).
func document(content string) json.RawMessage {
	if json.Valid([]byte(content)) {
		return json.RawMessage(content)
	}
	s, _ := json.Marshal(content)
	return s
}
