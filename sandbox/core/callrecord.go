package core

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"regexp"
	"time"
)

// The call record keeps what the sandbox decided, never what a client
// wrote: an unauthenticated request could otherwise put megabytes into one
// line (an Action of 2 MB) and make the record unreadable or grow it without
// bound. Every field is one of a known set or short and plain.

// UnknownName stands in the record for an operation or service the sandbox
// does not serve.
const UnknownName = "(unknown)"

var regionRe = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// ValidRegion says whether region looks like a region code (us-east-1).
func ValidRegion(region string) bool { return regionRe.MatchString(region) }

// Call is one recorded request.
type Call struct {
	Time      time.Time `json:"time"`
	Account   string    `json:"account"`
	Service   string    `json:"service"`
	Region    string    `json:"region,omitempty"`
	Operation string    `json:"operation"`
	Outcome   string    `json:"outcome"`
}

// Served says whether the sandbox serves service, and op of it.
type Served func(service, op string) (serves, knows bool)

// Recorded is the call as the record keeps it: a service and an operation
// the sandbox serves, or UnknownName, and a plain region.
func (c Call) Recorded(served Served) Call {
	svc, op := served(c.Service, c.Operation)
	if !op {
		c.Operation = UnknownName
	}
	if !svc {
		c.Service = UnknownName
	}
	if c.Region != "" && !regionRe.MatchString(c.Region) {
		c.Region = UnknownName
	}
	return c
}

// maxRecordLine bounds a line the record reader accepts. A line the sandbox
// writes is a few hundred bytes; a longer one (a record written by an older
// sandbox, or a file edited by hand) is skipped, not a reason to fail.
const maxRecordLine = 64 << 10

// ReadCallLog reads a call record, skipping torn or overlong lines.
func ReadCallLog(path string) ([]Call, error) {
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
