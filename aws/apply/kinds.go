package apply

import (
	"fmt"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// handled are the step kinds Apply carries out outside the baseline (whose
// kinds isBaseline tells). A kind added to orgmodel is added here with the
// code that carries it out: until then checkKinds refuses a plan that has
// it, rather than the engine passing over the step in silence and calling
// the apply done.
var handled = map[orgmodel.StepKind]bool{
	orgmodel.StepCreateOrganization: true,
	orgmodel.StepEnablePolicyType:   true,
	orgmodel.StepCreateOU:           true,
	orgmodel.StepCreateAccount:      true,
	orgmodel.StepAwaitAccount:       true,
	orgmodel.StepMoveAccount:        true,
	orgmodel.StepTagAccount:         true,
	orgmodel.StepCreatePolicy:       true,
	orgmodel.StepUpdatePolicy:       true,
	orgmodel.StepAttachPolicy:       true,
	orgmodel.StepDetachPolicy:       true,
	orgmodel.StepCreateBudget:       true,
	orgmodel.StepUpdateBudget:       true,
	orgmodel.StepCreateCostCategory: true,
	orgmodel.StepUpdateCostCategory: true,

	orgmodel.StepEnableIdentityCenter: true,
	orgmodel.StepCreateGroup:          true,
	orgmodel.StepUpdateGroup:          true,
	orgmodel.StepCreateUser:           true,
	orgmodel.StepAddMember:            true,
	orgmodel.StepCreatePermissionSet:  true,
	orgmodel.StepUpdatePermissionSet:  true,
	orgmodel.StepAttachManagedPolicy:  true,
	orgmodel.StepDetachManagedPolicy:  true,
	orgmodel.StepPutInlinePolicy:      true,
	orgmodel.StepDeleteInlinePolicy:   true,
	orgmodel.StepProvision:            true,
	orgmodel.StepCreateAssignment:     true,
	orgmodel.StepDeleteAssignment:     true,
	orgmodel.StepAwaitAssignment:      true,
}

// UnknownStepError is a plan with steps this engine cannot carry out:
// nothing was done.
type UnknownStepError struct {
	Steps []orgmodel.Step
}

func (e *UnknownStepError) Error() string {
	var kinds []string
	for _, s := range e.Steps {
		kinds = append(kinds, fmt.Sprintf("%s (%s)", s.Kind, s.Subject))
	}
	return fmt.Sprintf("the plan has %d steps this orgwizard cannot carry out: %s. Nothing was changed; use the orgwizard that made the plan, or a newer one",
		len(e.Steps), strings.Join(kinds, ", "))
}

// checkKinds refuses a plan that has a step of a kind the engine does not
// carry out.
func checkKinds(plan *orgmodel.Plan) error {
	var unknown []orgmodel.Step
	for _, s := range plan.Steps {
		if !handled[s.Kind] && !isBaseline(s.Kind) {
			unknown = append(unknown, s)
		}
	}
	if len(unknown) > 0 {
		return &UnknownStepError{Steps: unknown}
	}
	return nil
}
