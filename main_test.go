package main

import (
	"os"
	"testing"

	"github.com/orgwizard/orgwizard/internal/moto"
)

// TestMain stops the moto_server the end-to-end tests may have started.
func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }
