package identitycenter

import "github.com/orgwizard/orgwizard/orgmodel"

// Use points the client at an instance read earlier (ActualAccess), so that
// the step methods can run without a Read of their own. Only the moto test
// needs it: it finds the instance with ListInstances itself.
func (c *Client) Use(a *orgmodel.ActualAccess) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inst = instance{arn: a.InstanceARN, storeID: a.IdentityStoreID, region: a.Region}
}
