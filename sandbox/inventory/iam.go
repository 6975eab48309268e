package inventory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

func init() {
	register(&service{
		name:            "iam",
		protocol:        queryProtocol{xmlns: "https://iam.amazonaws.com/doc/2010-05-08/"},
		resourceService: "iam",
		global:          true,
		invalidParam:    "InvalidInput",
		ops: map[string]operation{
			"ListUsers":      listUsers,
			"ListAccessKeys": listAccessKeys,
		},
	})
}

// newUser makes an IAM user, a global resource kept in us-east-1. Attrs: accessKeys (how many access keys
// the user has), keyStatus (their statuses in order, comma-separated, Active or Inactive; a key it does not
// name is Active), password (when its console password was set, RFC 3339; absent: it has none),
// passwordResetRequired ("true": it must choose a new one at its next sign-in), path, created.
func newUser(account, name string, attrs map[string]string) Resource {
	id := "AIDA" + upperID(17, account, "user", name)
	path := "/"
	if p := attrs["path"]; p != "" {
		path = p
	}
	return Resource{Account: account, Region: "us-east-1", Service: "iam", Type: "user", ID: id, Name: name,
		ARN: fmt.Sprintf("arn:aws:iam::%s:user%s%s", account, path, name), Attrs: attrs}
}

// AccessKeyIDs lists the ids of an IAM user's access keys, stable per user, so that a scenario and the
// IAM answers agree on them.
func AccessKeyIDs(user Resource) []string {
	var ids []string
	for i := range user.intAttr("accessKeys", 0) {
		ids = append(ids, "AKIA"+upperID(16, user.ARN, "access-key", strconv.Itoa(i)))
	}
	return ids
}

// AccessKeyStatuses lists the statuses of an IAM user's access keys, in the order of AccessKeyIDs.
func AccessKeyStatuses(user Resource) []string {
	given := strings.Split(user.Attrs["keyStatus"], ",")
	var out []string
	for i := range user.intAttr("accessKeys", 0) {
		status := "Active"
		if i < len(given) && strings.TrimSpace(given[i]) == "Inactive" {
			status = "Inactive"
		}
		out = append(out, status)
	}
	return out
}

// LoginProfile tells whether an IAM user has a console password (its password attribute), when it was set
// and whether the user must reset it at its next sign-in.
func LoginProfile(user Resource) (created time.Time, resetRequired, ok bool) {
	v, has := user.Attrs["password"]
	if !has {
		return time.Time{}, false, false
	}
	created, err := time.Parse(time.RFC3339, v)
	if err != nil {
		created = user.created()
	}
	return created.UTC(), user.Attrs["passwordResetRequired"] == "true", true
}

// iamPage pages a listing on IAM's Marker and MaxItems.
func iamPage[T any](req *request, items []T) ([]T, string, error) {
	return queryPage(req, items, "MaxItems", "Marker", 100, 1, 1000)
}

type iamUser struct {
	Path     string `xml:"Path"`
	UserName string `xml:"UserName"`
	UserID   string `xml:"UserId"`
	Arn      string `xml:"Arn"`
	Created  string `xml:"CreateDate"`
}

type listUsersResult struct {
	Users       []iamUser `xml:"Users>member"`
	IsTruncated bool      `xml:"IsTruncated"`
	Marker      string    `xml:"Marker,omitempty"`
}

func userPath(r Resource) string { return r.attr("path", "/") }

func listUsers(req *request) (any, error) {
	prefix := req.query.Get("PathPrefix")
	var users []Resource
	for _, r := range ofType(req.resources, "user") {
		if strings.HasPrefix(userPath(r), prefix) {
			users = append(users, r)
		}
	}
	page, next, err := iamPage(req, users)
	if err != nil {
		return nil, err
	}
	out := listUsersResult{IsTruncated: next != "", Marker: next}
	for _, r := range page {
		out.Users = append(out.Users, iamUser{Path: userPath(r), UserName: r.Name, UserID: r.ID, Arn: r.ARN, Created: isoTime(r.created())})
	}
	return out, nil
}

type iamAccessKey struct {
	UserName    string `xml:"UserName"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string `xml:"Status"`
	Created     string `xml:"CreateDate"`
}

type listAccessKeysResult struct {
	AccessKeyMetadata []iamAccessKey `xml:"AccessKeyMetadata>member"`
	IsTruncated       bool           `xml:"IsTruncated"`
	Marker            string         `xml:"Marker,omitempty"`
}

func listAccessKeys(req *request) (any, error) {
	name := req.query.Get("UserName")
	var keys []iamAccessKey
	// Without UserName IAM lists the caller's own keys; the caller of a simulated account is its root user,
	// whose keys are the sandbox's credentials and not a workload, so that listing is empty.
	if name != "" {
		users := ofType(req.resources, "user")
		i := slices.IndexFunc(users, func(r Resource) bool { return r.Name == name })
		if i < 0 {
			return nil, notFound("NoSuchEntity", fmt.Sprintf("The user with name %s cannot be found.", name))
		}
		statuses := AccessKeyStatuses(users[i])
		for j, id := range AccessKeyIDs(users[i]) {
			keys = append(keys, iamAccessKey{UserName: name, AccessKeyID: id, Status: statuses[j], Created: isoTime(users[i].created())})
		}
	}
	page, next, err := iamPage(req, keys)
	if err != nil {
		return nil, err
	}
	return listAccessKeysResult{AccessKeyMetadata: page, IsTruncated: next != "", Marker: next}, nil
}
