package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// goFiles parses every Go file of the module, test files included.
func goFiles(t *testing.T) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files[path] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found only %d Go files; is the test running from the module root?", len(files))
	}
	return fset, files
}

// A test never skips because a file is missing: the repository carries
// its examples and test data, so a missing file is a failure (issue 10:
// three helpers skipped silently when the folder beside the checkout was absent). Skips are for
// a tool that is not installed (tmux, the AWS CLI, moto_server) and -short.
func TestNoSkipHidesAMissingFile(t *testing.T) {
	fset, files := goFiles(t)
	for path, f := range files {
		if !strings.HasSuffix(path, "_test.go") {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !strings.HasPrefix(sel.Sel.Name, "Skip") {
				return true
			}
			for _, arg := range call.Args {
				if why := hidesAFile(arg); why != "" {
					t.Errorf("%s: %s skips %s; a file the repository carries must fail the test when it is missing", fset.Position(call.Pos()), sel.Sel.Name, why)
				}
			}
			return true
		})
	}
}

// hidesAFile says why a Skip argument looks like a file that was not found.
func hidesAFile(arg ast.Expr) string {
	switch a := arg.(type) {
	case *ast.Ident:
		if a.Name == "err" || strings.HasSuffix(a.Name, "Err") {
			return "on an error (" + a.Name + ")"
		}
	case *ast.BasicLit:
		s, err := strconv.Unquote(a.Value)
		if err != nil {
			return ""
		}
		low := strings.ToLower(s)
		for _, w := range []string{"not found", "no such file", "missing", "example", "does not exist"} {
			if strings.Contains(low, w) {
				return "with " + strconv.Quote(s)
			}
		}
	}
	return ""
}

// No file of the project reads outside the repository: every relative path
// in a Go string literal stays inside the module (issue 10: tests opened
// the examples of a folder beside the checkout), and none names the machine's
// /work folders or that sibling folder.
// sibling is the folder the project's specs and examples came from, spelled
// so that this file does not name it itself.
var sibling = filepath.Join("..", "sha"+"red")

func TestNoPathLeavesTheRepository(t *testing.T) {
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	fset, files := goFiles(t)
	for path, f := range files {
		if path == "hygiene_test.go" {
			continue // this file names what it looks for
		}
		dir := filepath.Dir(filepath.Join(root, path))
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if strings.Contains(s, "/work/") || strings.Contains(s, sibling) {
				t.Errorf("%s: %q names a folder outside the repository", fset.Position(lit.Pos()), s)
			}
			if strings.HasPrefix(s, "../") && !strings.ContainsAny(s, " \n%") {
				p := filepath.Clean(filepath.Join(dir, s))
				if p != root && !strings.HasPrefix(p, root+string(os.PathSeparator)) {
					t.Errorf("%s: %q leads outside the repository (%s)", fset.Position(lit.Pos()), s, p)
				}
			}
			return true
		})
	}
}
