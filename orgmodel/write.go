package orgmodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Format writes d as a design file in the shape of the examples: keys in the
// order of design-v1.md, short comments where a value is not obvious, and
// nothing that Parse would not read back as the same design. The wizard saves
// with it after every step, so the file a user commits reads like one written
// by hand.
func Format(d *Design) []byte {
	var b bytes.Buffer
	w := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	version := d.Version
	if version == 0 {
		version = 1
	}
	w(0, "version: %d", version)

	o := d.Organization
	w(0, "organization:")
	w(1, "name: %s", scalar(o.Name))
	if o.Email != "" {
		local, domain, _ := strings.Cut(o.Email, "@")
		w(1, "email: %s   # accounts get %s+<account-name>@%s", scalar(o.Email), local, domain)
	}
	if o.EmailTemplate != "" {
		w(1, "emailTemplate: %s   # {account} becomes each account's name", scalar(o.EmailTemplate))
	}
	w(1, "homeRegion: %s", scalar(o.HomeRegion))

	if len(d.Environments) > 0 {
		w(0, "environments:")
		for _, e := range d.Environments {
			w(1, "- name: %s", scalar(e.Name))
			if e.PerResidency {
				w(2, "perResidency: true   # one account per residency")
			}
			if e.Description != "" {
				w(2, "description: %s", text(e.Description))
			}
		}
	}
	if len(d.Residencies) > 0 {
		w(0, "residencies:")
		for _, r := range d.Residencies {
			w(1, "- name: %s", scalar(r.Name))
			w(2, "regions: %s", list(r.Regions))
		}
	}
	if len(d.Workloads) > 0 {
		w(0, "workloads:")
		for _, wl := range d.Workloads {
			w(1, "- name: %s", scalar(wl.Name))
			if wl.Description != "" {
				w(2, "description: %s", text(wl.Description))
			}
			if wl.Owner != "" {
				w(2, "owner: %s", scalar(wl.Owner))
			}
			if len(wl.Residencies) > 0 {
				w(2, "residencies: %s", list(wl.Residencies))
			}
		}
	}
	layout := d.Layout
	if layout == "" {
		layout = ByEnvironment
	}
	w(0, "layout: %s", scalar(string(layout)))

	f := d.Foundation
	w(0, "foundation:")
	w(1, "security: %-5t         # OU Security: log-archive, security-tooling", f.Security)
	w(1, "infrastructure: %-5t   # OU Infrastructure: network, shared-services", f.Infrastructure)
	w(1, "sandbox: %-5t          # OU Sandbox, for experiments", f.Sandbox)
	w(1, "suspended: %-5t        # OU Suspended, where closed accounts wait", f.Suspended)
	w(1, "transitional: %-5t     # OU Transitional, for accounts brought in from outside", f.Transitional)

	g := d.Guardrails
	w(0, "guardrails:")
	w(1, "denyLeaveOrganization: %t", g.DenyLeaveOrganization)
	w(1, "regionLock: %t", g.RegionLock)
	w(1, "denyRootUser: %t", g.DenyRootUser)

	if len(d.Tags) > 0 {
		w(0, "tags:")
		for _, t := range d.Tags {
			w(1, "%s: %s", scalar(t.Key), scalar(t.Value))
		}
	}
	if len(d.Accounts) > 0 {
		w(0, "accounts:")
		for _, a := range d.Accounts {
			w(1, "- name: %s", scalar(a.Name))
			if a.Email != "" {
				w(2, "email: %s", scalar(a.Email))
			}
			if a.ID != "" {
				w(2, "id: %s", scalar(a.ID))
			}
			w(2, "ou: %s", scalar(a.OU))
		}
	}
	if bu := d.Budgets; bu != nil {
		w(0, "budgets:")
		w(1, "currency: %s", scalar(bu.Currency))
		w(1, "default: %s   # USD a month, for each member account", formatAmount(bu.Default))
		for _, o := range []struct {
			key  string
			list []NamedAmount
		}{{"environments", bu.Environments}, {"workloads", bu.Workloads}, {"accounts", bu.Accounts}} {
			if len(o.list) == 0 {
				continue
			}
			parts := make([]string, len(o.list))
			for i, a := range o.list {
				parts[i] = scalar(a.Name) + ": " + formatAmount(a.Amount)
			}
			w(1, "%s: {%s}", o.key, strings.Join(parts, ", "))
		}
		alerts := make([]string, len(bu.Alerts))
		for i, v := range bu.Alerts {
			alerts[i] = fmt.Sprint(v)
		}
		w(1, "alerts: [%s]   # percent of the month's actual spend; a forecast alert at 100 too", strings.Join(alerts, ", "))
		w(1, "notify: %s", scalar(bu.Notify))
	}
	formatAccess(w, d.Access)
	formatBaseline(w, d)
	return b.Bytes()
}

// plainScalar is what YAML reads back as the same string without quotes:
// starting with a letter, none of YAML's indicators, no ": " or " #".
var plainScalar = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._@+/-]*$`)

// plainText is the same for a value on its own line (not in a [flow] list):
// single inner spaces and commas are fine there, leading or trailing ones not.
var plainText = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._@+/,()' -]*[A-Za-z0-9.)]$`)

// yamlWords are plain words YAML 1.1 readers take for booleans or null.
var yamlWords = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true,
}

// scalar writes s plainly when that is safe, and double-quoted otherwise. A
// JSON string is a valid YAML double-quoted scalar, escapes included.
func scalar(s string) string {
	if plainScalar.MatchString(s) && !yamlWords[strings.ToLower(s)] {
		return s
	}
	return quoted(s)
}

// text writes a free-text value (a description) plainly when it is a simple
// sentence, as a person would write it.
func text(s string) string {
	if plainText.MatchString(s) && !strings.Contains(s, "  ") && !yamlWords[strings.ToLower(s)] {
		return s
	}
	return scalar(s)
}

func quoted(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

func list(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = scalar(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
