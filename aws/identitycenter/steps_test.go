package identitycenter_test

import (
	"context"
	"strings"
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

// TestUpdatePermissionSetWithoutDescription: AWS refuses an empty
// description (minimum length 1), as the sandbox does; an update of the
// session duration alone leaves the description as it is.
func TestUpdatePermissionSetWithoutDescription(t *testing.T) {
	w := newWorld(t, 100)
	info, err := w.sb.EnableIdentityCenter(w.tg.AccountID, "us-east-1")
	check(t, "enable", err)
	ctx := context.Background()
	inst := aws.String(info.InstanceARN)
	made, err := w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String("admin"), Description: aws.String("Full access")})
	check(t, "CreatePermissionSet", err)
	arn := made.PermissionSet.PermissionSetArn
	_, err = w.admin.UpdatePermissionSet(ctx, &ssoadmin.UpdatePermissionSetInput{InstanceArn: inst, PermissionSetArn: arn, Description: aws.String("")})
	if err == nil || !strings.Contains(err.Error(), "ValidationException") || !strings.Contains(err.Error(), "greater than or equal to 1") {
		t.Errorf("an empty description: %v", err)
	}
	c := w.client("payments-dev")
	_, err = c.Read(ctx)
	check(t, "Read", err)
	check(t, "UpdatePermissionSet", c.UpdatePermissionSet(ctx, aws.ToString(arn), orgmodel.PermissionSet{Name: "admin", SessionDuration: "PT4H"}))
	d, err := w.admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: inst, PermissionSetArn: arn})
	check(t, "DescribePermissionSet", err)
	if aws.ToString(d.PermissionSet.Description) != "Full access" || aws.ToString(d.PermissionSet.SessionDuration) != "PT4H" {
		t.Errorf("after the update: %+v", d.PermissionSet)
	}
}
