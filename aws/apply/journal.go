package apply

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/orgwizard/orgwizard/internal/atomicfile"
)

// Journal records the account creations orgwizard has asked AWS for.
//
// CreateAccount has no idempotency token, so a crash between sending it and
// hearing back (or an answer lost on the way) could, on a naive re-run,
// create a second account. The engine writes an entry before it calls
// CreateAccount and the request id right after; a re-run polls a journalled
// request instead of creating again. An entry without a request id means
// "sent, outcome unknown": the engine looks the creation up at AWS
// (orgs.FindCreation: creation requests of every state since the entry's
// time, then the accounts by email and name) and sends a new request only
// when AWS has no trace of it. The plan, for its part, awaits the creations
// AWS lists in progress, or ended during the read. Behind all of it stands
// AWS's own guarantee that an email belongs to one account only: a second
// request for the same email fails, it never makes a second account.
//
// The file is rewritten atomically (temporary file, fsync, rename) on every
// change, so a kill at any instant leaves either the old or the new journal.
type Journal struct {
	path string
	mu   sync.Mutex
	data journalData
}

type journalData struct {
	Version int                     `json:"version"`
	Entries map[string]JournalEntry `json:"entries"` // by lower-case email
	// Access holds the Identity Center requests in flight (assignments,
	// provisionings), by the step's key.
	Access map[string]AccessEntry `json:"access,omitempty"`
}

// AccessEntry is one asynchronous Identity Center request orgwizard sent.
type AccessEntry struct {
	RequestID string    `json:"requestId,omitempty"` // empty: sent, answer not heard
	Requested time.Time `json:"requested"`
}

// JournalEntry is one account creation orgwizard asked for.
type JournalEntry struct {
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	RequestID string    `json:"requestId,omitempty"` // empty: sent, answer not heard
	Requested time.Time `json:"requested"`
}

// OpenJournal loads the journal at path, or starts an empty one.
func OpenJournal(path string) (*Journal, error) {
	j := &Journal{path: path, data: journalData{Version: 1, Entries: map[string]JournalEntry{}}}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return j, nil
	case err != nil:
		return nil, fmt.Errorf("reading the apply journal: %w", err)
	}
	if err := json.Unmarshal(b, &j.data); err != nil {
		return nil, fmt.Errorf("the apply journal %s is damaged (%v); it lists account creations in flight: check them in the AWS console, then delete the file", path, err)
	}
	if j.data.Entries == nil {
		j.data.Entries = map[string]JournalEntry{}
	}
	return j, nil
}

// Path is where the journal lives.
func (j *Journal) Path() string { return j.path }

// Lookup returns the entry for email.
func (j *Journal) Lookup(email string) (JournalEntry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.data.Entries[strings.ToLower(email)]
	return e, ok
}

// Put records (or updates) an entry and saves the journal before returning.
func (j *Journal) Put(e JournalEntry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.data.Entries[strings.ToLower(e.Email)] = e
	return j.save()
}

// Remove forgets the entry for email once its account exists, and saves.
func (j *Journal) Remove(email string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	key := strings.ToLower(email)
	if _, ok := j.data.Entries[key]; !ok {
		return nil
	}
	delete(j.data.Entries, key)
	return j.save()
}

// LookupAccess returns the Identity Center request journalled under key.
func (j *Journal) LookupAccess(key string) (AccessEntry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.data.Access[key]
	return e, ok
}

// PutAccess records an Identity Center request and saves the journal.
func (j *Journal) PutAccess(key string, e AccessEntry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.data.Access == nil {
		j.data.Access = map[string]AccessEntry{}
	}
	j.data.Access[key] = e
	return j.save()
}

// RemoveAccess forgets an Identity Center request once it has ended.
func (j *Journal) RemoveAccess(key string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, ok := j.data.Access[key]; !ok {
		return nil
	}
	delete(j.data.Access, key)
	return j.save()
}

// ClearAccess forgets every Identity Center request.
func (j *Journal) ClearAccess() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.data.Access) == 0 {
		return nil
	}
	j.data.Access = nil
	return j.save()
}

// AccessLen is the number of Identity Center requests in flight.
func (j *Journal) AccessLen() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.data.Access)
}

// Len is the number of creations in flight.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.data.Entries)
}

func (j *Journal) save() error {
	if j.path == "" {
		return nil // an in-memory journal, for tests that do not crash
	}
	b, err := json.MarshalIndent(j.data, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(j.path, b, 0o600)
}
