package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

type result struct {
	code           int
	stdout, stderr string
}

func runWith(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return result{code, out.String(), errb.String()}
}

func TestUsageAndUnknownCommands(t *testing.T) {
	if r := runWith(t, nil, ""); r.code != 2 || !strings.Contains(r.stderr, "usage") {
		t.Errorf("no command: %+v", r)
	}
	if r := runWith(t, nil, "", "frobnicate"); r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %+v", r)
	}
	if r := runWith(t, nil, "", "deadline", "--received", "2026-01-31"); r.code != 0 || r.stdout != "2026-03-02\n" {
		t.Errorf("deadline: %+v", r)
	}
}

func TestMigrateAndUserAdd(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			o := testdb.Options(t, d)
			env := map[string]string{"DATABASE_URL": o.DatabaseURL, "RIGHTSDESK_DATA_DIR": o.DataDir}

			// Before migrating, user add refuses to touch an unknown schema.
			r := runWith(t, env, "correct horse battery staple\n", "user", "add", "--email", "m@example.org", "--name", "M", "--role", "staff")
			if r.code == 0 {
				t.Fatalf("user add on an unmigrated database succeeded: %+v", r)
			}
			r = runWith(t, env, "", "migrate")
			if r.code != 0 || !strings.Contains(r.stdout, "database at schema version ") || strings.Contains(r.stdout, "(0 migration(s)") {
				t.Fatalf("migrate: %+v", r)
			}
			if again := runWith(t, env, "", "migrate"); again.code != 0 || !strings.Contains(again.stdout, "(0 migration(s) applied now)") {
				t.Fatalf("a second migrate: %+v", again)
			}
			r = runWith(t, env, "", "demo")
			if r.code != 0 {
				t.Fatalf("demo: %+v", r)
			}

			bad := []struct {
				stdin string
				args  []string
				why   string
			}{
				{"short\n", []string{"--email", "m@example.org", "--name", "M", "--role", "staff", "--controller", "esomus"}, "at least 12"},
				{"password1234\n", []string{"--email", "m@example.org", "--name", "M", "--role", "staff", "--controller", "esomus"}, "most common"},
				{"correct horse battery staple\n", []string{"--email", "m@example.org", "--name", "M", "--role", "boss"}, "--role"},
				{"correct horse battery staple\n", []string{"--email", "not-an-address", "--name", "M", "--role", "staff"}, "--email"},
				{"correct horse battery staple\n", []string{"--email", "m@example.org", "--role", "staff"}, "--name"},
				{"correct horse battery staple\n", []string{"--email", "m@example.org", "--name", "M", "--role", "staff", "--controller", "nope"}, `no controller "nope"`},
			}
			for _, b := range bad {
				r := runWith(t, env, b.stdin, append([]string{"user", "add"}, b.args...)...)
				if r.code != 2 || !strings.Contains(r.stderr, b.why) {
					t.Errorf("user add %v: code %d, stderr %q; want 2 and %q", b.args, r.code, r.stderr, b.why)
				}
			}
			args := []string{"user", "add", "--email", "Marie@Example.org", "--name", "Marie Dupont", "--role", "manager",
				"--controller", "esomus", "--controller", "belgian-mobile-id"}
			if r := runWith(t, env, "correct horse battery staple\n", args...); r.code != 0 || !strings.Contains(r.stdout, "marie@example.org (manager)") {
				t.Fatalf("user add: %+v", r)
			}
			if r := runWith(t, env, "correct horse battery staple\n", args...); r.code != 2 || !strings.Contains(r.stderr, "already exists") {
				t.Errorf("duplicate user add: %+v", r)
			}

			st, err := models.Open(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			u, err := st.UserByEmail(context.Background(), "marie@example.org")
			if err != nil || u.Role != models.RoleManager || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
				t.Fatalf("stored user: %+v, %v", u, err)
			}
			ids, _ := st.UserControllerIDs(context.Background(), u.ID)
			if len(ids) != 2 {
				t.Errorf("the user works for %d controllers, want 2", len(ids))
			}
		})
	}
}
