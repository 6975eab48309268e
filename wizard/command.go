package wizard

import "strings"

// DefaultDesign is the design file orgwizard reads when --design is not given.
const DefaultDesign = "orgwizard.yaml"

// Command is a command line a user can paste into a shell: "orgwizard" and
// args, each quoted where the shell would otherwise split or expand it.
func Command(args ...string) string {
	words := append([]string{"orgwizard"}, args...)
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	return strings.Join(words, " ")
}

// DesignArgs are the flags that name the design file: none for the default.
func DesignArgs(path string) []string {
	if path == "" || path == DefaultDesign {
		return nil
	}
	return []string{"--design", path}
}

// RerunCommand is the command that runs the wizard again on the same design
// and target.
func RerunCommand(designPath string, targetArgs []string) string {
	return Command(append(append([]string{}, targetArgs...), DesignArgs(designPath)...)...)
}

// shellQuote quotes s for a POSIX shell when it holds anything but the
// characters that are safe unquoted.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
