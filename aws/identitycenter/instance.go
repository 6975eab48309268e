package identitycenter

import (
	"context"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Instance finds the organization's instance as Read does (the home region,
// then the other enabled regions) and reads nothing in it: the cheap
// question "is Identity Center on, and where", which the wizard asks every
// few seconds while it waits for the click in the console. The answer has
// only the instance's fields set (InstanceARN "" when there is none), and
// the step methods use the instance found.
func (c *Client) Instance(ctx context.Context) (*orgmodel.ActualAccess, error) {
	inst, found, err := c.find(ctx)
	if err != nil {
		return nil, err
	}
	out := &orgmodel.ActualAccess{}
	if !found {
		return out, nil
	}
	c.mu.Lock()
	c.inst = inst
	c.mu.Unlock()
	out.InstanceARN, out.IdentityStoreID, out.Region = inst.arn, inst.storeID, inst.region
	out.PortalURL = PortalURL(inst.storeID)
	return out, nil
}
