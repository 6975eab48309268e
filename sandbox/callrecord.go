package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"regexp"

	"github.com/orgwizard/orgwizard/sandbox/billing"
	"github.com/orgwizard/orgwizard/sandbox/identitycenter"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
)

// The call record keeps what the sandbox decided, never what a client
// wrote: an unauthenticated request could otherwise put megabytes into one
// line (an Action of 2 MB) and make the record unreadable or grow it without
// bound. Every field is one of a known set or short and plain.

// unknownName stands in the record for an operation or service the sandbox
// does not serve.
const unknownName = "(unknown)"

// stsOps are the STS operations the sandbox serves.
var stsOps = map[string]bool{"GetCallerIdentity": true, "AssumeRole": true}

var regionRe = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// recordedService is the service as the record names it.
func recordedService(service string) string {
	switch {
	case service == "organizations", service == "sts", service == "servicequotas", service == "iam", inventoryServices()[service],
		identityCenterService(service), service == "ce", service == "budgets":
		return service
	}
	return unknownName
}

// recordedOperation is the operation as the record names it: one the
// service serves, or unknownName.
func recordedOperation(service, op string) string {
	known := false
	switch service {
	case "organizations":
		known = orgOps[op] != nil
	case "sts":
		known = stsOps[op]
	case "servicequotas":
		known = quotaOps[op] != nil
	case "iam":
		known = iamRoleOps[op] || inventory.Known(service, op)
	case identitycenter.ServiceAdmin, identitycenter.ServiceStore, identitycenter.ServicePortal, identitycenter.ServiceOIDC:
		known = identitycenter.Known(service, op)
	case "ce", "budgets":
		known = billing.Known(service, op)
	default:
		known = inventory.Known(service, op)
	}
	if known {
		return op
	}
	return unknownName
}

func recordedRegion(region string) string {
	if region == "" || regionRe.MatchString(region) {
		return region
	}
	return unknownName
}

// maxRecordLine bounds a line the record reader accepts. A line the sandbox
// writes is a few hundred bytes; a longer one (a record written by an older
// sandbox, or a file edited by hand) is skipped, not a reason to fail.
const maxRecordLine = 64 << 10

func readCallLog(path string) ([]Call, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var calls []Call
	r := bufio.NewReaderSize(f, 64<<10)
	var line []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			if !tooLong {
				line = append(line, chunk...)
				if len(line) > maxRecordLine {
					line, tooLong = line[:0], true
				}
			}
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return calls, err
		}
		if !tooLong {
			line = append(line, chunk...)
			var c Call
			// A line torn by a kill is skipped: the record is a log, not state.
			if len(bytes.TrimSpace(line)) > 0 && json.Unmarshal(line, &c) == nil {
				calls = append(calls, c)
			}
		}
		line, tooLong = line[:0], false
		if err != nil { // io.EOF
			return calls, nil
		}
	}
}
