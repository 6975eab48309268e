package orgmodel

import "time"

// AssignmentOperation is an assignment creation or deletion as AWS tells its
// state (DescribeAccountAssignmentCreationStatus, ...DeletionStatus).
type AssignmentOperation struct {
	PendingAssignment
	Status        string `json:"status"` // IN_PROGRESS, SUCCEEDED, FAILED
	FailureReason string `json:"failureReason,omitempty"`
	// Requested is AWS's time of the request (zero when it gave none).
	Requested time.Time `json:"requested,omitzero"`
}
