package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
	"github.com/orgwizard/orgwizard/sandbox/iam"
	"github.com/orgwizard/orgwizard/sandbox/identitycenter"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
)

// maxBody bounds a request body, as AWS caps request sizes: the largest
// request a client has reason to send (CreatePolicy with an SCP of 10,240
// characters, every one escaped, and 50 tags) is under 128 KiB. A larger
// body is refused whole with RequestEntityTooLarge, never cut short.
const maxBody = 1 << 20

// Handler is the sandbox's HTTP entry point: every AWS call comes through it.
func (s *Sandbox) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Sandbox) serveHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.now()
	auth, ok := core.ParseAuthorization(r.Header.Get("Authorization"))
	body, err := readBody(w, r)
	if err != nil {
		service := guessService(r)
		if ok {
			service = auth.Service
		}
		e := &core.Error{Status: http.StatusBadRequest, Code: "MalformedInput", Message: "The request body could not be read: " + err.Error()}
		if errors.As(err, new(*http.MaxBytesError)) {
			e = &core.Error{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLarge",
				Message: fmt.Sprintf("The request body is larger than %d bytes, the most the sandbox accepts (AWS caps request sizes too).", maxBody)}
		}
		refuse(w, r, body, service, auth.Region, e)
		s.mu.Lock()
		s.record(Call{Time: now, Service: service, Region: auth.Region, Operation: targetOperation(r), Outcome: core.WireCode(service, e.Code)})
		s.mu.Unlock()
		return
	}
	if !ok {
		if service, found := identitycenter.Route(r); found {
			s.serveIdentityCenter(w, r, body, service, nil, now)
			return
		}
		service := guessService(r)
		core.WriteProtocolError(w, service, &core.Error{Status: http.StatusForbidden, Code: "MissingAuthenticationToken",
			Message: "Request is missing Authentication Token"})
		s.mu.Lock()
		s.record(Call{Time: now, Service: service, Operation: operationName(service, r, body), Outcome: "MissingAuthenticationToken"})
		s.mu.Unlock()
		return
	}
	if auth.Service == "iam" {
		if op, found := iam.Operation(body); found {
			s.serveIAM(w, r, body, auth, op, now)
			return
		}
	}
	if identityCenterSigned(auth.Service) {
		s.serveIdentityCenter(w, r, body, auth.Service, &auth, now)
		return
	}
	if service, found := identitycenter.Route(r); found && service == auth.Service {
		// The portal and sso-oidc take no signature; a client that signs anyway is answered the same.
		s.serveIdentityCenter(w, r, body, service, nil, now)
		return
	}
	if auth.Service == "s3" {
		s.serveS3(w, r, body, auth, now)
		return
	}
	if inventoryServices()[auth.Service] {
		s.serveInventory(w, r, body, auth, now)
		return
	}
	if s.serveREST(w, r, body, auth, now) {
		return
	}

	s.mu.Lock()
	c, op, rep := s.dispatch(r, body, auth, now)
	outcome := "ok"
	if rep.Status >= 300 {
		outcome = core.ErrorCodeOf(rep)
	}
	s.record(Call{Time: now, Account: c.AccountID(), Service: auth.Service, Region: auth.Region, Operation: op, Outcome: outcome})
	s.mu.Unlock()
	rep.Write(w)
}

// readBody reads the whole body, or fails with *http.MaxBytesError past
// maxBody; a declared length past it is refused before anything is read.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > maxBody {
		return nil, &http.MaxBytesError{Limit: maxBody}
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
}

// targetOperation names the operation from the X-Amz-Target header alone,
// for a request whose body is not read.
func targetOperation(r *http.Request) string {
	t := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		return t[i+1:]
	}
	return t
}

// refuse answers one of the sandbox's own refusals (an unreadable body, a
// bad signature, a denial) in the error shape of the service's protocol: the
// inventory services' own protocols write it, core the others'.
func refuse(w http.ResponseWriter, r *http.Request, body []byte, service, region string, e *core.Error) {
	if inventoryServices()[service] {
		inventory.WriteError(w, inventory.Call{Service: service, Region: region, Request: r, Body: body},
			e.Status, core.WireCode(service, e.Code), e.Message)
		return
	}
	core.WriteProtocolError(w, service, e)
}

// authenticate finds who signed the request, and refuses it when a denial
// applies to op. It holds the lock.
func (s *Sandbox) authenticate(r *http.Request, body []byte, auth core.SigV4, op string, now time.Time) (*core.Caller, *core.Error) {
	c, aerr := s.dir.Authenticate(r, body, auth, now)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := c.TaskAllows(auth.Service, op); aerr != nil {
		return c, aerr
	}
	return c, s.st.Faults.Denied(c, op)
}

// save makes a change durable before it is acknowledged; when it cannot,
// memory goes back to what the file holds and the caller answers an error.
func (s *Sandbox) save() bool {
	if err := s.store.save(s.st); err != nil {
		s.reloadAfterFailedSave()
		return false
	}
	s.armTimer()
	return true
}

// dispatch authenticates the request and runs the operation. It holds the lock.
func (s *Sandbox) dispatch(r *http.Request, body []byte, auth core.SigV4, now time.Time) (*core.Caller, string, core.Reply) {
	op := operationName(auth.Service, r, body)
	c, aerr := s.dir.Authenticate(r, body, auth, now)
	if aerr != nil {
		return nil, op, core.ProtocolReply(auth.Service, aerr)
	}
	if s.settle() && !s.save() {
		return c, op, core.ProtocolReply(auth.Service, core.ServiceError())
	}
	if aerr := c.TaskAllows(auth.Service, op); aerr != nil {
		return c, op, core.ProtocolReply(auth.Service, aerr)
	}
	if aerr := s.st.Faults.Denied(c, op); aerr != nil {
		return c, op, core.ProtocolReply(auth.Service, aerr)
	}
	if !s.limiter.Allow(c.Account.ID+"/"+auth.Service+"/"+op, now) {
		return c, op, core.ProtocolReply(auth.Service, throttleFor(auth.Service, op))
	}
	svc := services[auth.Service]
	if svc == nil {
		return c, op, core.ProtocolReply(auth.Service, &core.Error{Status: http.StatusBadRequest, Code: "UnknownOperationException",
			Message: "The sandbox does not serve the service " + strconv.Quote(auth.Service)})
	}
	if aerr := s.injectedFault(svc, auth.Service, op); aerr != nil {
		return c, op, core.ProtocolReply(auth.Service, aerr)
	}
	out, changed, aerr := svc.serve(s, c, op, body, now)
	if aerr != nil {
		return c, op, core.ProtocolReply(auth.Service, aerr)
	}
	if changed && !s.save() {
		// Not durable, so not acknowledged.
		return c, op, core.ProtocolReply(auth.Service, core.ServiceError())
	}
	if svc.protocol == "query" {
		return c, op, core.Reply{Status: http.StatusOK, ContentType: "text/xml", Body: out}
	}
	return c, op, core.Reply{Status: http.StatusOK, ContentType: "application/x-amz-json-1.1", Body: out}
}

// serveIAM answers IAM's account-level calls (package iam); package
// inventory serves IAM's listings.
func (s *Sandbox) serveIAM(w http.ResponseWriter, r *http.Request, body []byte, auth core.SigV4, op string, now time.Time) {
	s.mu.Lock()
	c, aerr := s.authenticate(r, body, auth, op, now)
	var out []byte
	if aerr == nil {
		var changed bool
		out, changed, aerr = s.iam.Serve(c, op, body, now)
		if aerr == nil && changed && !s.save() {
			aerr = &core.Error{Status: http.StatusInternalServerError, Code: "ServiceFailure", Message: "The sandbox could not save its state."}
		}
	}
	outcome := "ok"
	if aerr != nil {
		outcome = aerr.Code
	}
	s.record(Call{Time: now, Account: c.AccountID(), Service: "iam", Region: auth.Region, Operation: op, Outcome: outcome})
	s.mu.Unlock()

	if aerr != nil {
		core.WriteQueryError(w, iam.Namespace, aerr)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}

// serveInventory hands an inventory service call to package inventory with the
// caller's resources. Serve only reads them, so it runs outside the lock.
func (s *Sandbox) serveInventory(w http.ResponseWriter, r *http.Request, body []byte, auth core.SigV4, now time.Time) {
	s.mu.Lock()
	c, aerr := s.authenticate(r, body, auth, operationName(auth.Service, r, body), now)
	if aerr != nil {
		s.record(Call{Time: now, Account: c.AccountID(), Service: auth.Service, Region: auth.Region, Operation: operationName(auth.Service, r, body), Outcome: core.WireCode(auth.Service, aerr.Code)})
		s.mu.Unlock()
		refuse(w, r, body, auth.Service, auth.Region, aerr)
		return
	}
	resources := s.inventoryOf(c.Account.ID)
	s.mu.Unlock()

	r.Body = io.NopCloser(bytes.NewReader(body))
	res := inventory.Serve(w, inventory.Call{Service: auth.Service, Region: auth.Region, Account: c.Account.ID, Request: r, Body: body}, resources)

	s.mu.Lock()
	s.record(Call{Time: now, Account: c.Account.ID, Service: auth.Service, Region: auth.Region, Operation: res.Operation, Outcome: res.Outcome})
	s.mu.Unlock()
}

// injectedFault rolls the injected shares for a service they apply to.
func (s *Sandbox) injectedFault(svc *service, name, op string) *core.Error {
	if !svc.faults {
		return nil
	}
	switch s.st.Faults.Roll(s.rng, op) {
	case core.ThrottleFault:
		return throttleFor(name, op)
	case core.ConflictFault:
		if svc.conflict != nil {
			return svc.conflict()
		}
		return core.ServiceError()
	case core.ServerErrorFault:
		return core.ServiceError()
	}
	return nil
}

func throttleFor(service, op string) *core.Error {
	if service == "sts" {
		return &core.Error{Status: http.StatusBadRequest, Code: "Throttling", Message: "Rate exceeded"}
	}
	return core.Throttled(op)
}

// operationName is what the call record names the request by.
func operationName(service string, r *http.Request, body []byte) string {
	if svc := services[service]; svc != nil && svc.operation != nil {
		if op := svc.operation(r); op != "" {
			return op
		}
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		if i := strings.LastIndexByte(t, '.'); i >= 0 {
			return t[i+1:]
		}
		return t
	}
	if service == "sts" || strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if v, err := url.ParseQuery(string(body)); err == nil && v.Get("Action") != "" {
			return v.Get("Action")
		}
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	return r.Method + " " + r.URL.Path
}
