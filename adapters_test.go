package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/aws/iampolicy"
)

// TestEveryAWSCallGoesThroughAnAdapter type-checks every package of the
// module (tests aside) and fails on any method called on a concrete AWS SDK
// client (*organizations.Client, *sts.Client, ...). orgwizard calls AWS only
// through the adapter interfaces that package iampolicy holds its policy to;
// a call on a concrete client would be an action the policy's tests never
// see.
func TestEveryAWSCallGoesThroughAnAdapter(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the whole module")
	}
	cmd := exec.Command("go", "list", "-export", "-deps", "-json", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	type pkg struct {
		ImportPath, Dir, Export string
		GoFiles                 []string
		Module                  *struct{ Path string }
	}
	exports := map[string]string{}
	var mine []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		exports[p.ImportPath] = p.Export
		if p.Module != nil && p.Module.Path == "github.com/orgwizard/orgwizard" {
			mine = append(mine, p)
		}
	}
	if len(mine) < 5 {
		t.Fatalf("go list found %d packages of the module", len(mine))
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	adapters := map[string]bool{}
	for _, a := range iampolicy.Adapters {
		adapters[a.API.PkgPath()+"."+a.API.Name()] = true
	}
	// The calls made inside member accounts as OrganizationAccountAccessRole
	// go through interfaces too, listed apart: the role's permissions, not
	// the policy's, authorize them.
	for _, a := range iampolicy.AssumedRoleAdapters {
		adapters[a.API.PkgPath()+"."+a.API.Name()] = true
	}
	// So do audit's calls in a member's root session, which AWS's task
	// policy authorizes.
	for _, a := range iampolicy.RootSessionAdapters {
		adapters[a.API.PkgPath()+"."+a.API.Name()] = true
	}
	adapterCalls := 0
	for _, p := range mine {
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
		conf := types.Config{Importer: imp.(types.ImporterFrom)}
		if _, err := conf.Check(p.ImportPath, fset, files, info); err != nil {
			t.Fatalf("type-checking %s: %v", p.ImportPath, err)
		}
		for sel, s := range info.Selections {
			if s.Kind() != types.MethodVal {
				continue
			}
			recv := s.Recv()
			if ptr, ok := recv.(*types.Pointer); ok {
				recv = ptr.Elem()
			}
			named, ok := recv.(*types.Named)
			if !ok || named.Obj().Pkg() == nil {
				continue
			}
			path := named.Obj().Pkg().Path()
			if _, isIface := named.Underlying().(*types.Interface); isIface {
				if path == "github.com/orgwizard/orgwizard/aws/orgs" && sel.Sel.Name == "CreateAccount" {
					adapterCalls++
				}
				// An interface over an SDK operation must be one of the
				// adapters iam-policy lists.
				if service := sdkOperation(s.Type()); service != "" && !adapters[path+"."+named.Obj().Name()] {
					t.Errorf("%s: %s is called through %s.%s, an interface over %s that iampolicy.Adapters does not list",
						fset.Position(sel.Pos()), sel.Sel.Name, filepath.Base(path), named.Obj().Name(), service)
				}
				continue
			}
			if strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2/service/") && named.Obj().Name() == "Client" {
				t.Errorf("%s: %s.%s is called on a concrete %s client, outside the adapter interfaces that iam-policy is held to",
					fset.Position(sel.Pos()), filepath.Base(path), sel.Sel.Name, filepath.Base(path))
			}
		}
	}
	// The check must see the calls it judges: orgs.Client calls
	// CreateAccount through its adapter interface.
	if adapterCalls == 0 {
		t.Error("the check saw no call through the orgs.API adapter: it looks at nothing")
	}
}

// sdkOperation returns the SDK service package of a method whose last
// parameter is ...func(*<service>.Options), the shape of every AWS
// operation, or "".
func sdkOperation(t types.Type) string {
	sig, ok := t.(*types.Signature)
	if !ok || !sig.Variadic() || sig.Params().Len() == 0 {
		return ""
	}
	last, ok := sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice)
	if !ok {
		return ""
	}
	fn, ok := last.Elem().(*types.Signature)
	if !ok || fn.Params().Len() != 1 {
		return ""
	}
	ptr, ok := fn.Params().At(0).Type().(*types.Pointer)
	if !ok {
		return ""
	}
	opts, ok := ptr.Elem().(*types.Named)
	if !ok || opts.Obj().Name() != "Options" || opts.Obj().Pkg() == nil ||
		!strings.HasPrefix(opts.Obj().Pkg().Path(), "github.com/aws/aws-sdk-go-v2/service/") {
		return ""
	}
	return opts.Obj().Pkg().Path()
}
