// Package terraform gives tests the Terraform CLI and the hashicorp/aws
// provider from a local plugin mirror, to run orgwizard's exports the way
// users run them. Nothing here reaches the network: the provider comes from
// the mirror, Terraform's update check is off, and every AWS call goes to the
// endpoint the test names.
package terraform

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// EnvRequired names the variable through which CI says that Terraform is
// installed: then a test that cannot run it fails rather than skips.
const EnvRequired = "ORGWIZARD_TERRAFORM"

// EnvPluginDir names the variable that points at the plugin mirror
// (a directory holding registry.terraform.io/hashicorp/aws/...).
const EnvPluginDir = "ORGWIZARD_TF_PLUGIN_DIR"

// knownPluginDirs are where a local mirror is usually found, after
// EnvPluginDir: Terraform's own implied local mirror directories
// (https://developer.hashicorp.com/terraform/cli/config/config-file#implied-local-mirror-directories)
// and /opt/tf-plugins.
func knownPluginDirs() []string {
	dirs := []string{"/opt/tf-plugins"}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".terraform.d", "plugins"))
	}
	data := os.Getenv("XDG_DATA_HOME")
	if data == "" {
		if home, err := os.UserHomeDir(); err == nil {
			data = filepath.Join(home, ".local", "share")
		}
	}
	if data != "" {
		dirs = append(dirs, filepath.Join(data, "terraform", "plugins"))
	}
	return append(dirs, "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins")
}

// Tool is the terraform binary and the plugin mirror that holds the provider.
type Tool struct {
	Bin       string
	PluginDir string
}

// required tells whether the run expects Terraform: CI says so (EnvRequired)
// or the run is CI's (CI=true) and terraform is on the PATH.
func required(onPath bool) bool {
	return os.Getenv(EnvRequired) != "" || (onPath && os.Getenv("CI") == "true")
}

// Lookup returns Terraform and its provider mirror, or why they cannot be
// used, and whether the run expects them (then a test must fail, not skip).
func Lookup() (tool Tool, expected bool, why error) {
	bin, err := exec.LookPath("terraform")
	if err != nil {
		return Tool{}, required(false), fmt.Errorf("terraform is not on the PATH: %v", err)
	}
	dir, err := PluginDir()
	if err != nil {
		return Tool{}, required(true), err
	}
	return Tool{Bin: bin, PluginDir: dir}, required(true), nil
}

// Find returns Terraform and its provider mirror, or skips the test with the
// reason; when the run expects Terraform it fails instead.
func Find(t testing.TB) Tool {
	t.Helper()
	tool, expected, why := Lookup()
	switch {
	case why != nil && expected:
		t.Fatalf("%v (the run expects Terraform: %s=%q, CI=%q)", why, EnvRequired, os.Getenv(EnvRequired), os.Getenv("CI"))
	case why != nil:
		t.Skip(why)
	case testing.Short() && !expected:
		t.Skip("-short: the Terraform round trips take tens of seconds")
	}
	return tool
}

// PluginDir finds the mirror that holds hashicorp/aws: EnvPluginDir, or the
// first known place that has it.
func PluginDir() (string, error) {
	has := func(dir string) bool {
		fi, err := os.Stat(filepath.Join(dir, "registry.terraform.io", "hashicorp", "aws"))
		return err == nil && fi.IsDir()
	}
	if dir := os.Getenv(EnvPluginDir); dir != "" {
		if !has(dir) {
			return "", fmt.Errorf("%s=%s holds no registry.terraform.io/hashicorp/aws", EnvPluginDir, dir)
		}
		return dir, nil
	}
	dirs := knownPluginDirs()
	for _, dir := range dirs {
		if has(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("no plugin mirror with hashicorp/aws in %s; set %s", strings.Join(dirs, ", "), EnvPluginDir)
}

// Env is the environment Terraform and the provider run in: the given AWS
// variables (credentials, AWS_ENDPOINT_URL) and nothing of the user's AWS
// or Terraform configuration. HOME is a fresh directory, so that no
// ~/.terraformrc or ~/.aws is read.
func Env(t testing.TB, aws map[string]string) []string {
	t.Helper()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"TMPDIR=" + os.TempDir(),
		"CHECKPOINT_DISABLE=1", // no update check: the network is loopback only
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
	}
	for k, v := range aws {
		env = append(env, k+"="+v)
	}
	return env
}

// Result is one terraform command's outcome.
type Result struct {
	Code     int
	Output   string
	Duration time.Duration
}

// Run runs terraform in dir with env and returns its exit code and combined
// output; it fails the test only when terraform cannot be started.
func (tf Tool) Run(t testing.TB, dir string, env []string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(tf.Bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := Result{Output: out.String(), Duration: time.Since(start)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
		}
		res.Code = ee.ExitCode()
	}
	return res
}

// Init runs terraform init in dir with the provider from the mirror only.
func (tf Tool) Init(t testing.TB, dir string, env []string) {
	t.Helper()
	if r := tf.Run(t, dir, env, "init", "-input=false", "-no-color", "-plugin-dir", tf.PluginDir); r.Code != 0 {
		t.Fatalf("terraform init: exit %d\n%s", r.Code, r.Output)
	}
}
