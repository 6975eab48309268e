package identitycenter_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// TestCreatePermissionSetAdoptsOtherCase: AWS compares permission set
// names ignoring case, so creating admin where Admin exists conflicts; the
// client finds Admin and adopts it instead of failing.
func TestCreatePermissionSetAdoptsOtherCase(t *testing.T) {
	w := newWorld(t, 100)
	info, err := w.sb.EnableIdentityCenter(w.tg.AccountID, "us-east-1")
	check(t, "enable", err)
	ctx := context.Background()
	made, err := w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: aws.String(info.InstanceARN), Name: aws.String("Admin")})
	check(t, "CreatePermissionSet", err)
	c := w.client("payments-dev")
	_, err = c.Read(ctx) // finds the instance
	check(t, "Read", err)
	arn, err := c.CreatePermissionSet(ctx, orgmodel.PermissionSet{Name: "admin", SessionDuration: "PT1H"})
	if err != nil {
		t.Fatal(err)
	}
	if want := aws.ToString(made.PermissionSet.PermissionSetArn); arn != want {
		t.Errorf("ARN %s, want Admin's %s", arn, want)
	}
}
