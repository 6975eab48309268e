package sandbox

import (
	"maps"
	"net/http"
	"strconv"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
	"github.com/orgwizard/orgwizard/sandbox/s3"
)

// seedBuckets are the scenario's buckets (package inventory's resources),
// which S3 serves as its own.
func seedBuckets(resources []inventory.Resource) []s3.SeedBucket {
	var seeds []s3.SeedBucket
	for _, r := range resources {
		if r.Service != "s3" || r.Type != "bucket" {
			continue
		}
		created, err := time.Parse(time.RFC3339, r.Attrs["created"])
		if err != nil {
			created = time.Date(2023, 1, 15, 9, 30, 0, 0, time.UTC)
		}
		seeds = append(seeds, s3.SeedBucket{Name: r.ID, Account: r.Account, Region: r.Region, Created: created.UTC(), Tags: r.Tags})
	}
	return seeds
}

// inventoryOf is account's resources as the inventory services (the
// tagging API, Resource Explorer) list them: the scenario's resources, but
// for S3 buckets the buckets S3 holds, its one source of truth. Called
// under the lock; what it returns shares nothing with the state.
func (s *Sandbox) inventoryOf(account string) []inventory.Resource {
	var out []inventory.Resource
	for _, r := range s.resources[account] {
		if r.Service != "s3" || r.Type != "bucket" {
			out = append(out, r)
		}
	}
	for _, b := range s.s3.Owned(account) {
		out = append(out, inventory.BucketResource(b.Account, b.Region, b.Name, b.Created, maps.Clone(b.Tags)))
	}
	return out
}

// serveS3 answers an S3 call (REST-XML, found by its signing name) under
// the lock, with S3's error shape for every refusal.
func (s *Sandbox) serveS3(w http.ResponseWriter, r *http.Request, body []byte, auth core.SigV4, now time.Time) {
	op, bucket, _ := s3.Operation(r)
	s.mu.Lock()
	c, aerr := s.authenticate(r, body, auth, op, now)
	var res s3.Result
	if aerr == nil && s.settle() && !s.save() {
		aerr = &core.Error{Status: http.StatusInternalServerError, Code: "InternalError", Message: "We encountered an internal error. Please try again."}
	}
	if aerr == nil && !s.limiter.Allow(c.Account.ID+"/s3/"+op, now) {
		aerr = &core.Error{Status: http.StatusServiceUnavailable, Code: "SlowDown", Message: "Please reduce your request rate."}
	}
	if aerr == nil {
		res = s.s3.Serve(c, r, body, now)
		aerr = res.Err
		if aerr == nil && res.Changed && !s.save() {
			aerr = &core.Error{Status: http.StatusInternalServerError, Code: "InternalError", Message: "We encountered an internal error. Please try again."}
		}
	}
	outcome := "ok"
	if aerr != nil {
		outcome = core.WireCode("s3", aerr.Code)
	}
	s.record(Call{Time: now, Account: c.AccountID(), Service: "s3", Region: auth.Region, Operation: op, Outcome: outcome})
	s.mu.Unlock()

	if aerr != nil {
		s3.WriteError(w, r, aerr, bucket)
		return
	}
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Amz-Request-Id", core.NewRequestID())
	if r.Method != http.MethodHead {
		w.Header().Set("Content-Length", strconv.Itoa(len(res.Body)))
	}
	w.WriteHeader(res.Status)
	if r.Method != http.MethodHead {
		w.Write(res.Body)
	}
}
