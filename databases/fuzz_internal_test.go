package databases

import (
	"strings"
	"testing"
)

// FuzzBuilders checks that no input makes the builders panic and that a
// valid database builds a resource that the CRD accepts.
func FuzzBuilders(f *testing.F) {
	f.Add("analytics", "analytics", "raw, curated", "postgis", "reporting", "READ", "creds")
	f.Add("", "\x00", ",,", "", "", "ROOT", "Bad_Name")
	f.Fuzz(func(t *testing.T, name, dbName, schemas, extensions, user, privileges, secret string) {
		db := NewDatabase(name, WithDatabaseName(dbName), WithSchemas(strings.Split(schemas, ",")...), WithExtensions(strings.Split(extensions, ",")...))
		if len(db.Validate()) == 0 {
			p := db.Build("ns")
			if p.Name != name || p.Spec.Database == "" {
				t.Fatalf("a valid database built %+v", p)
			}
		}
		u := NewUser(user, name, WithPrivileges(Privilege(privileges)), WithSecretName(secret))
		if len(u.Validate()) == 0 {
			pu := u.Build("ns")
			if pu.Spec.Database != name || pu.Spec.Role == "" || pu.Spec.SecretName == "" {
				t.Fatalf("a valid user built %+v", pu)
			}
		}
	})
}
