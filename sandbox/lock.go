package sandbox

import "fmt"

// StateInUseError says that another process holds the sandbox state: the
// user's to resolve (stop it, or talk to it), not an AWS failure.
type StateInUseError struct {
	Path string
}

func (e *StateInUseError) Error() string {
	return fmt.Sprintf("the sandbox state %s is in use by another orgwizard process (a running 'orgwizard sandbox serve'?); stop it, talk to it with --endpoint-url, or use another --sandbox-state", e.Path)
}
