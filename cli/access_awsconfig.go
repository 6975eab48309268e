package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/internal/atomicfile"
)

type accessAWSConfigOptions struct {
	sourceProfile  string
	ssoSession     string
	group          string
	identityCenter identityCenterFor
	file           string
	merge          string
	design         string
	designGiven    bool
	target         targetFlags
	io             IO
	now            func() time.Time
}

// maxConfigBytes bounds the config file --merge reads: real ones are a few
// kilobytes, and 2,000 accounts' profiles about 400 KB.
const maxConfigBytes = 16 << 20

func newAccessAWSConfigCommand(streams IO, icFor identityCenterFor) *cobra.Command {
	opts := &accessAWSConfigOptions{io: streams, now: time.Now, identityCenter: icFor}
	cmd := &cobra.Command{
		Use:   "aws-config",
		Short: "AWS CLI profiles for each account: through IAM Identity Center, else OrganizationAccountAccessRole",
		Long: `With IAM Identity Center on, write one [sso-session NAME] section (the access
portal's start URL and region) and one profile per account and permission set
that the assignments give --group (every group and user without it),
[profile <account>-<permission set>], with sso_session, sso_account_id,
sso_role_name (the permission set's name) and the account's region (as
'orgwizard access' shows it). Sign in once with 'aws sso login --sso-session
NAME'; every profile then works.

Without Identity Center, write one profile per active member account,
[profile <account name>], that assumes the account's
OrganizationAccountAccessRole with the credentials of --source-profile (the
management account's; default: --profile, else "default").

The profiles sit in one block between two marker comments naming the
organization. To stdout by default; -o FILE writes a new file and never
overwrites one; --merge FILE replaces only that organization's block in an
existing config (or adds it at the end), keeps every other line byte for byte,
and first copies the file to FILE.orgwizard-backup-<time>.`,
		Example: "  orgwizard access aws-config --profile management --merge ~/.aws/config\n" +
			"  orgwizard access aws-config --profile management --group payments-team -o payments.ini\n" +
			"  orgwizard access aws-config --source-profile mgmt -o org-profiles.ini",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.designGiven = cmd.Flags().Changed("design")
			return opts.run(cmd.Context())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.sourceProfile, "source-profile", "", "without Identity Center: the profile with the management account's credentials (default: --profile, else default)")
	fl.StringVar(&opts.ssoSession, "sso-session", "", "with Identity Center: the [sso-session] name (default: the management account's name)")
	fl.StringVar(&opts.group, "group", "", "with Identity Center: only the accounts and permission sets of this group (default: everyone's)")
	fl.StringVarP(&opts.file, "output", "o", "", "write a new file (refused when it exists: use --merge)")
	fl.StringVar(&opts.merge, "merge", "", "update orgwizard's block in this AWS config file, keeping the rest, after a backup")
	addDesignFlag(cmd, &opts.design)
	addTargetFlags(cmd, &opts.target)
	return cmd
}

func (o *accessAWSConfigOptions) run(ctx context.Context) error {
	if o.file != "" && o.merge != "" {
		return userError("-o and --merge do not go together: -o writes a new file, --merge updates an existing one")
	}
	source := o.sourceProfile
	if source == "" {
		source = o.target.spec.Profile
	}
	if source == "" {
		source = "default"
	}
	if !access.ValidProfileName(source) {
		return userError("--source-profile %q is not a profile name the AWS CLI reads back; use letters, digits and - _ . @ +", source)
	}
	if o.ssoSession != "" && !access.ValidProfileName(o.ssoSession) {
		return userError("--sso-session %q is not a name the AWS CLI reads back; use letters, digits and - _ . @ +", o.ssoSession)
	}
	view, err := readAccess(ctx, &o.target, o.design, o.designGiven, o.io.ErrOut, o.identityCenter)
	if err != nil {
		return err
	}
	if view.OrganizationID == "" {
		return userError("%s belongs to no organization: there are no accounts to write profiles for; orgwizard apply creates the organization", view.Target)
	}
	if view.icErr != nil {
		return awsError(fmt.Errorf("reading IAM Identity Center, to know whether to write its profiles or break-glass ones: %w", view.icErr))
	}
	if view.ic != nil && view.ic.InstanceARN != "" {
		return o.writeSSO(view)
	}
	if o.ssoSession != "" || o.group != "" {
		ic := view.IdentityCenter
		return userError("--sso-session and --group are for Identity Center profiles. %s\n  %s\nWithout those flags, aws-config writes break-glass profiles.",
			ic.HowToEnable, ic.EnableURL+ic.EnableCommand)
	}
	var accounts []access.Account
	comments := map[string]string{}
	for _, a := range view.Accounts {
		if a.RoleARN == "" { // not active
			continue
		}
		accounts = append(accounts, access.Account{ID: a.ID, Name: a.Name, Region: a.Region})
		if a.JoinedMethod == "INVITED" {
			comments[a.ID] = a.Name + " (" + a.ID + "), " + invitedNote
		}
	}
	sections, err := access.RoleProfiles(accounts, access.OrganizationAccountAccessRole, source)
	if err != nil {
		return userError("%v", err)
	}
	for i, a := range accounts {
		if c, ok := comments[a.ID]; ok {
			sections[i].Comment = c
		}
	}
	dest := o.merge
	if dest == "" {
		dest = o.file
	}
	if dest == "" {
		dest = "~/.aws/config"
	}
	sourceFlag := source
	if o.sourceProfile == "" && o.target.spec.Profile != "" {
		sourceFlag = "" // --profile already names it
	}
	block := access.Block{OrganizationID: view.OrganizationID, Sections: sections,
		Rerun: accessAWSConfigCommand(&o.target, view.designPath, awsConfigFlags{sourceProfile: sourceFlag}, dest)}

	fmt.Fprintln(o.io.ErrOut, "Target: "+view.Target)
	if view.sandbox {
		fmt.Fprintln(o.io.ErrOut, "These profiles reach the sandbox only through 'orgwizard sandbox serve': export AWS_ENDPOINT_URL and "+
			"AWS_ENDPOINT_URL_STS with its address (aws-sdk-go-v2 sends a profile's AssumeRole only to the second), "+
			"and give source profile "+source+" the management account's keys it prints.")
	}
	return o.write(block)
}

// writeSSO writes the Identity Center profiles of the live assignments.
func (o *accessAWSConfigOptions) writeSSO(view *accessViewWithDesign) error {
	session := o.ssoSession
	if session == "" && view.Management != nil {
		session = access.ProfileName(view.Management.Name)
	}
	if session == "" || !access.ValidProfileName(session) {
		session = view.OrganizationID
	}
	roles, err := ssoRoles(&view.accessView, view.ic, o.group)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		who := "nobody"
		if o.group != "" {
			who = "group " + o.group
		}
		return userError("Identity Center gives %s any account yet, so there is no profile to write; orgwizard apply creates the design's grants (the access block), and 'orgwizard access' shows who gets in where", who)
	}
	sections, err := access.SSOProfiles(access.SSOSession{Name: session, StartURL: view.ic.PortalURL, Region: view.ic.Region}, roles)
	if err != nil {
		return userError("%v", err)
	}
	dest := o.merge
	if dest == "" {
		dest = o.file
	}
	if dest == "" {
		dest = "~/.aws/config"
	}
	block := access.Block{OrganizationID: view.OrganizationID, Sections: sections,
		Rerun: accessAWSConfigCommand(&o.target, view.designPath, awsConfigFlags{ssoSession: o.ssoSession, group: o.group}, dest)}

	fmt.Fprintln(o.io.ErrOut, "Target: "+view.Target)
	if o.sourceProfile != "" {
		fmt.Fprintln(o.io.ErrOut, "--source-profile is not used: Identity Center is on, and its profiles sign in through the access portal.")
	}
	fmt.Fprintf(o.io.ErrOut, "Sign in once for all of them: aws sso login --sso-session %s.\n", session)
	if view.sandbox {
		fmt.Fprintln(o.io.ErrOut, "These profiles reach the sandbox only through 'orgwizard sandbox serve': export AWS_ENDPOINT_URL_SSO, "+
			"AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_STS with its address (aws-sdk-go-v2 builds its SSO and sign-in clients "+
			"before it reads AWS_ENDPOINT_URL). The sandbox has no sign-in page: approve the code aws sso login prints with "+
			"'orgwizard sandbox approve-device CODE --user NAME'.")
	}
	return o.write(block)
}

// write puts the block where the flags say: stdout, a new file, or merged
// into an existing one.
func (o *accessAWSConfigOptions) write(block access.Block) error {
	n := profileCount(block)
	switch {
	case o.merge != "":
		return o.mergeInto(o.merge, block)
	case o.file != "":
		if err := writeNewFile(o.file, block.Render("\n")); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return userError("%s exists and -o never overwrites a file; to update the profiles in it and keep the rest, use --merge %s", o.file, o.file)
			}
			return userError("cannot write %s: %v", o.file, err)
		}
		fmt.Fprintf(o.io.ErrOut, "Wrote %d %s to %s.\n", n, accessPlural(n, "profile", "profiles"), o.file)
		return nil
	default:
		_, err := o.io.Out.Write(block.Render("\n"))
		return err
	}
}

// mergeInto updates the organization's block in the config file at path:
// a backup first, then the new file in one atomic rename. A symbolic link
// (dotfile managers keep ~/.aws/config as one) is followed, not replaced.
func (o *accessAWSConfigOptions) mergeInto(path string, block access.Block) error {
	real, err := filepath.EvalSymlinks(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		real = path
	case err != nil:
		return userError("cannot read %s: %v", path, err)
	}
	existing, perm, err := readConfig(real)
	if err != nil {
		return userError("cannot read %s: %v", path, err)
	}
	merged, err := access.Merge(existing, block)
	if err != nil {
		return userError("%s: %v; nothing was changed", path, err)
	}
	n := profileCount(block)
	if existing != nil && bytes.Equal(merged, existing) {
		fmt.Fprintf(o.io.ErrOut, "%s is up to date: its %d orgwizard %s for %s are as they should be; nothing written.\n",
			path, n, accessPlural(n, "profile", "profiles"), block.OrganizationID)
		return nil
	}
	backup := ""
	if existing != nil {
		if backup, err = writeBackup(real, existing, perm, o.now()); err != nil {
			return userError("cannot write a backup of %s, so it was left as it is: %v", path, err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		return userError("cannot write %s: %v", path, err)
	}
	if err := atomicfile.WriteFile(real, merged, perm); err != nil {
		return userError("cannot write %s: %v", path, err)
	}
	msg := fmt.Sprintf("Wrote %d %s for %s to %s", n, accessPlural(n, "profile", "profiles"), block.OrganizationID, path)
	if backup != "" {
		msg += "; the file as it was is in " + backup
	}
	fmt.Fprintln(o.io.ErrOut, msg+".")
	return nil
}

// profileCount is the number of profiles of a block (its sso-session is not one).
func profileCount(b access.Block) int {
	n := 0
	for _, s := range b.Sections {
		if s.Profile() != "" {
			n++
		}
	}
	return n
}

// readConfig reads a config file whole, nil when there is none yet.
func readConfig(path string) ([]byte, os.FileMode, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0o600, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if !info.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, 0, err
	}
	if len(data) > maxConfigBytes {
		return nil, 0, fmt.Errorf("larger than %d MiB; an AWS config file is far smaller", maxConfigBytes>>20)
	}
	if data == nil {
		data = []byte{}
	}
	return data, info.Mode().Perm(), nil
}

// writeBackup copies data beside path as path.orgwizard-backup-<UTC time>,
// never over an existing file.
func writeBackup(path string, data []byte, perm os.FileMode, now time.Time) (string, error) {
	base := path + ".orgwizard-backup-" + now.UTC().Format("20060102T150405Z")
	name := base
	for i := 2; ; i++ {
		err := writeNewFileMode(name, data, perm)
		if !errors.Is(err, fs.ErrExist) {
			return name, err
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
}

func writeNewFile(path string, data []byte) error { return writeNewFileMode(path, data, 0o600) }

// writeNewFileMode creates path with data, failing with fs.ErrExist when it
// exists, so that a crash never leaves half a file there: the data goes to
// a temporary file first, synced, then is hard-linked to path (link, unlike
// rename, refuses an existing name).
func writeNewFileMode(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if _, err := os.Lstat(path); err == nil {
		return fs.ErrExist
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fs.ErrExist
		}
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// awsConfigFlags are aws-config's own flags to repeat in the command that
// writes the profiles again.
type awsConfigFlags struct {
	sourceProfile, ssoSession, group string
}

// accessAWSConfigCommand is the command that writes the profiles again
// with the same target, design and flags, for the header of the block and
// for `access` to suggest.
func accessAWSConfigCommand(f *targetFlags, designPath string, own awsConfigFlags, dest string) string {
	args := []string{"orgwizard", "access", "aws-config"}
	spec := f.spec
	switch {
	case spec.Profile != "":
		args = append(args, "--profile", spec.Profile)
	case spec.AWS && spec.EndpointURL == "":
		args = append(args, "--aws")
	}
	if spec.EndpointURL != "" {
		args = append(args, "--endpoint-url", spec.EndpointURL)
	}
	if spec.SandboxState != "" {
		args = append(args, "--sandbox-state", spec.SandboxState)
	}
	if designPath != "" {
		args = append(args, "--design", designPath)
	}
	if own.sourceProfile != "" {
		args = append(args, "--source-profile", own.sourceProfile)
	}
	if own.ssoSession != "" {
		args = append(args, "--sso-session", own.ssoSession)
	}
	if own.group != "" {
		args = append(args, "--group", own.group)
	}
	args = append(args, "--merge", dest)
	for i, a := range args {
		args[i] = shellWord(a)
	}
	return strings.Join(args, " ")
}

// shellWord quotes s for a POSIX shell when it needs it, and never lets a
// control character (a newline would end the comment it is written in)
// through unescaped.
func shellWord(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./~:@%+=,", r)) {
			plain = false
		}
	}
	if plain {
		return s
	}
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		var b strings.Builder
		b.WriteString("$'")
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c < 0x20 || c == 0x7f || c == '\'' || c == '\\':
				fmt.Fprintf(&b, "\\x%02x", c)
			default:
				b.WriteByte(c)
			}
		}
		return b.String() + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
