package cli

import (
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func TestTreeAccessSummary(t *testing.T) {
	for _, c := range []struct {
		a    *orgmodel.ActualAccess
		want string
	}{
		{nil, ""},
		{&orgmodel.ActualAccess{}, "\naccess: no IAM Identity Center instance; it is turned on in the IAM Identity Center console"},
		{&orgmodel.ActualAccess{InstanceARN: "arn:aws:sso:::instance/ssoins-0123456789abcdef", Region: "eu-west-1",
			Groups: make([]orgmodel.ActualGroup, 4), Users: make([]orgmodel.ActualUser, 3),
			PermissionSets: make([]orgmodel.ActualPermissionSet, 2), Assignments: make([]orgmodel.ActualAssignment, 28)},
			"\naccess: IAM Identity Center in eu-west-1: 4 groups, 3 users, 2 permission sets, 28 account assignments"},
	} {
		if got := accessSummary(c.a); got != c.want {
			t.Errorf("accessSummary(%+v) = %q, want %q", c.a, got, c.want)
		}
	}
}
