package main

import (
	"os"
	"testing"

	"github.com/orgwizard/orgwizard/internal/testenv"
)

// TestMain stops the moto_server the end-to-end tests may have started.
func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
