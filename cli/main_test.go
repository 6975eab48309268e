package cli

import (
	"os"
	"testing"

	"github.com/orgwizard/orgwizard/internal/moto"
)

// TestMain stops the moto_server a test or benchmark of this package started.
func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }
