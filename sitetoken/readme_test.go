package sitetoken

import (
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The README's snippets are what sites copy; these tests run them as they stand there and verify
// the links they make, so the README cannot drift from the format.

const (
	readmePortal = "https://portal.example"
	readmeSecret = "Zm9vYmFyLXNlY3JldC1mb3ItdGhlLXJlYWRtZS10ZXN0cw"
	readmeKeyID  = "k3yid2026abcdefg"
)

// snippet returns the code block that follows marker in README.md.
func snippet(t *testing.T, marker string) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "<!-- sitetoken-snippet:"+marker+" -->")
	if i < 0 {
		t.Fatalf("README.md has no %s snippet", marker)
	}
	s = s[i:]
	start := strings.Index(s, "```")
	if start < 0 {
		t.Fatalf("no code block after the %s marker", marker)
	}
	s = s[start:]
	s = s[strings.IndexByte(s, '\n')+1:]
	end := strings.Index(s, "\n```")
	if end < 0 {
		t.Fatalf("the %s code block does not end", marker)
	}
	return s[:end+1]
}

// checkLink verifies a link a snippet made, as the portal would.
func checkLink(t *testing.T, link string, before time.Time) {
	t.Helper()
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.Scheme+"://"+u.Host != readmePortal || u.Path != "/requests/new" || u.Query().Get("site") != "esomus" {
		t.Fatalf("link %q", link)
	}
	live := func(k string) ([]byte, bool) { return []byte(readmeSecret), k == readmeKeyID }
	c, err := Verify(u.Query().Get("t"), "esomus", live, time.Now())
	if err != nil {
		t.Fatalf("the README's link does not verify: %v", err)
	}
	if len(c.IDs) != 2 || c.IDs[0] != (ID{"STCK_ID", "abc-123"}) || c.IDs[1] != (ID{"UID", "u<&>\"9"}) {
		t.Errorf("identifiers %+v", c.IDs)
	}
	if c.IssuedAt < before.Unix()-1 || c.Expires-c.IssuedAt != 15*60 {
		t.Errorf("iat %d exp %d", c.IssuedAt, c.Expires)
	}
	// A secret other than the site's refuses it: the snippet really signs with the secret it is given.
	other := func(k string) ([]byte, bool) { return []byte(readmeSecret + "x"), true }
	if _, err := Verify(u.Query().Get("t"), "esomus", other, time.Now()); !errors.Is(err, ErrBadSignature) {
		t.Errorf("verified with the wrong secret: %v", err)
	}
}

func TestReadmeNodeSnippet(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required to check the README's Node.js snippet: %v", err)
	}
	dir := t.TempDir()
	js := snippet(t, "node") + `
console.log(signedLink(process.argv[2], "esomus", process.argv[3], process.argv[4],
  [{ cookie: "STCK_ID", value: "abc-123" }, { cookie: "UID", value: "u<&>\"9" }]));
`
	file := filepath.Join(dir, "link.js")
	if err := os.WriteFile(file, []byte(js), 0o600); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	out, err := exec.Command(node, file, readmePortal, readmeKeyID, readmeSecret).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	checkLink(t, string(out), before)
}

func TestReadmeGoSnippet(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is required to check the README's Go snippet: %v", err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                   "module snippet\n\ngo 1.22\n",
		"portallink/portallink.go": snippet(t, "go"),
		"main.go": `package main

import (
	"fmt"
	"os"
	"time"

	"snippet/portallink"
)

func main() {
	link, err := portallink.SignedLink(os.Args[1], "esomus", os.Args[2], os.Args[3],
		[]portallink.ID{{Cookie: "STCK_ID", Value: "abc-123"}, {Cookie: "UID", Value: "u<&>\"9"}}, time.Now())
	if err != nil {
		panic(err)
	}
	fmt.Println(link)
}
`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	before := time.Now()
	cmd := exec.Command(goBin, "run", ".", readmePortal, readmeKeyID, readmeSecret)
	cmd.Dir = dir
	// Standard library only: nothing to download, and this module's settings must not apply.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOPROXY=off", "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go run: %v\n%s", err, stderr)
	}
	checkLink(t, string(out), before)
}
