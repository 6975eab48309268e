package account

import (
	"os"
	"testing"

	"github.com/orgwizard/orgwizard/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
