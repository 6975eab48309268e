package identitycenter

import (
	"encoding/json"
	"regexp"
	"strings"
)

// identitystore (awsJson1_1, target prefix AWSIdentityStore): users, groups and memberships of an
// instance's directory.

const maxStoreResults = 100

var (
	identityStoreIDRe = regexp.MustCompile(`^d-[0-9a-f]{10}$|^[0-9a-f]{8}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{12}$`)
	resourceIDRe      = regexp.MustCompile(`^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$`)
	displayNameRe     = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r  　]+$`)
	userNameRe        = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
)

var storeOps map[string]jsonOp

func init() {
	storeOps = map[string]jsonOp{
		"CreateGroup":                   createGroup,
		"ListGroups":                    listGroups,
		"DescribeGroup":                 describeGroup,
		"DeleteGroup":                   deleteGroup,
		"UpdateGroup":                   updateGroup,
		"GetGroupId":                    getGroupID,
		"CreateUser":                    createUser,
		"ListUsers":                     listUsers,
		"DescribeUser":                  describeUser,
		"GetUserId":                     getUserID,
		"DeleteUser":                    deleteUser,
		"UpdateUser":                    updateUser,
		"CreateGroupMembership":         createMembership,
		"ListGroupMemberships":          listMemberships,
		"DeleteGroupMembership":         deleteMembership,
		"DescribeGroupMembership":       describeMembership,
		"GetGroupMembershipId":          getMembershipID,
		"ListGroupMembershipsForMember": listMembershipsForMember,
		"IsMemberInGroups":              isMemberInGroups,
	}
}

func storeNotFound(resourceType, id, format string, args ...any) error {
	e := notFound(format, args...).(*apiError)
	e.Fields = map[string]string{"ResourceType": resourceType, "ResourceId": id}
	return e
}

func uniqueness(format string, args ...any) error {
	e := conflict(format, args...).(*apiError)
	e.Fields = map[string]string{"Reason": "UNIQUENESS_CONSTRAINT_VIOLATION"}
	return e
}

// store finds the call's IdentityStoreId among the caller's instances.
func (c *call) store() (*Instance, error) {
	id, err := c.required("IdentityStoreId")
	if err != nil {
		return nil, err
	}
	if !identityStoreIDRe.MatchString(id) {
		return nil, validation("1 validation error detected: Value '%s' at 'identityStoreId' failed to satisfy constraint: Member must satisfy regular expression pattern: d-[0-9a-f]{10}$|^[0-9a-f]{8}\\b-[0-9a-f]{4}\\b-[0-9a-f]{4}\\b-[0-9a-f]{4}\\b-[0-9a-f]{12}", id)
	}
	for _, in := range c.st.Instances {
		if in.IdentityStoreID == id {
			if in.Owner != c.env.Caller {
				return nil, accessDenied("User: %s is not authorized to perform: identitystore:%s on resource: arn:aws:identitystore::%s:identitystore/%s", c.env.Principal, c.op, in.Owner, id)
			}
			return in, nil
		}
	}
	return nil, storeNotFound("IDENTITY_STORE", id, "Identity store %s does not exist.", id)
}

func (c *call) resourceID(member string) (string, error) {
	id, err := c.required(member)
	if err != nil {
		return "", err
	}
	if !resourceIDRe.MatchString(id) {
		return "", validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$", id, lowerFirst(member))
	}
	return id, nil
}

// filter reads Filters, of which the identity store accepts one, on the one attribute path it names.
func (c *call) filter(path string) (value string, ok bool, err error) {
	var filters []struct {
		AttributePath  string
		AttributeValue string
	}
	if err := c.decode("Filters", &filters); err != nil {
		return "", false, err
	}
	switch len(filters) {
	case 0:
		return "", false, nil
	case 1:
	default:
		return "", false, validation("1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 1")
	}
	if !strings.EqualFold(filters[0].AttributePath, path) {
		return "", false, validation("Filtering on %q is not supported; filter on %s.", filters[0].AttributePath, path)
	}
	return filters[0].AttributeValue, true, nil
}

// uniqueAttribute reads AlternateIdentifier.UniqueAttribute on the one path the call looks up by.
func (c *call) uniqueAttribute(path string) (string, error) {
	var alt struct {
		ExternalId *struct {
			Issuer, Id string
		}
		UniqueAttribute *struct {
			AttributePath  string
			AttributeValue json.RawMessage
		}
	}
	if err := c.decode("AlternateIdentifier", &alt); err != nil {
		return "", err
	}
	if alt.ExternalId != nil {
		return "", validation("The sandbox's identity store has no external identifiers; look up by UniqueAttribute %s.", path)
	}
	if alt.UniqueAttribute == nil {
		return "", validation("1 validation error detected: Value null at 'alternateIdentifier' failed to satisfy constraint: Member must not be null")
	}
	if !strings.EqualFold(alt.UniqueAttribute.AttributePath, path) {
		return "", validation("Unique attribute %q is not supported; use %s.", alt.UniqueAttribute.AttributePath, path)
	}
	var v string
	if json.Unmarshal(alt.UniqueAttribute.AttributeValue, &v) != nil || v == "" {
		return "", validation("The value of unique attribute %s must be a non-empty string.", path)
	}
	return v, nil
}

// attributeOperation is one change of an UpdateGroup or UpdateUser: a path and its new value (null
// removes an optional attribute).
type attributeOperation struct {
	AttributePath  string
	AttributeValue json.RawMessage
}

// operations reads the Operations of an update, 1 to 100 of them.
func (c *call) operations() ([]attributeOperation, error) {
	var ops []attributeOperation
	if err := c.decode("Operations", &ops); err != nil {
		return nil, err
	}
	if len(ops) < 1 || len(ops) > 100 {
		return nil, validation("1 validation error detected: Value at 'operations' failed to satisfy constraint: Member must have length between 1 and 100")
	}
	return ops, nil
}

// stringValue reads an operation's value as a string; "" for null.
func (op attributeOperation) stringValue() (string, error) {
	if len(op.AttributeValue) == 0 || string(op.AttributeValue) == "null" {
		return "", nil
	}
	var v string
	if err := json.Unmarshal(op.AttributeValue, &v); err != nil {
		return "", validation("The value of %s must be a string.", op.AttributePath)
	}
	return v, nil
}
