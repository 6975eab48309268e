package baseline

import (
	"os"
	"testing"

	"github.com/orgwizard/orgwizard/internal/testenv"
)

// TestMain stops the moto_server a test may have started.
func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
