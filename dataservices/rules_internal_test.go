package dataservices

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/dataservices/dremiov1"
	"github.com/hubkit-dev/hubkit/dataservices/postgrestv1"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
)

func TestAnonRoleName(t *testing.T) {
	cases := map[string]struct {
		reason string
		name   string
		want   string
	}{
		"Plain":  {reason: "A plain name gets the suffix.", name: "items", want: "items_postgrest_role"},
		"Dashes": {reason: "Dashes become underscores, as the operator replaces them.", name: "my-items-api", want: "my_items_api_postgrest_role"},
		"Dots":   {reason: "Dots become underscores.", name: "shop.v2", want: "shop_v2_postgrest_role"},
		"Spaces": {reason: "Spaces become underscores.", name: "my api", want: "my_api_postgrest_role"},
		"Upper":  {reason: "The name is lower-cased, after the replacements.", name: "My.Shop-API v2", want: "my_shop_api_v2_postgrest_role"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, AnonRoleName(tc.name)); diff != "" {
				t.Errorf("\nReason: %s\nAnonRoleName(%q): -want, +got:\n%s", tc.reason, tc.name, diff)
			}
		})
	}
}

func TestParseGrants(t *testing.T) {
	grants := field.NewPath("spec", "grants")
	cases := map[string]struct {
		reason string
		grants string
		want   []string
		errs   []hubtest.FieldError
	}{
		"Empty": {reason: "No grants is SELECT, as the operator defaults them.", grants: "", want: []string{"SELECT"}},
		"Blank": {reason: "Only blanks is empty too.", grants: " \t ", want: []string{"SELECT"}},
		"Blanks": {
			reason: "Blanks are dropped anywhere and the case does not matter; the result is sorted.",
			grants: " select , In sert,UPDATE ", want: []string{"INSERT", "SELECT", "UPDATE"},
		},
		"Duplicates": {reason: "A privilege named twice is granted once.", grants: "SELECT,select", want: []string{"SELECT"}},
		"All": {
			reason: "ALL stands for every table privilege.",
			grants: "all", want: []string{"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"},
		},
		"AllPrivileges": {
			reason: "ALL PRIVILEGES is ALL, as in SQL.",
			grants: "ALL PRIVILEGES, SELECT", want: []string{"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"},
		},
		"BadPrivilege": {
			reason: "A word that is no table privilege is NotSupported under the path given; the good ones are still returned.",
			grants: "SELECT,DROP", want: []string{"SELECT"}, errs: []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.grants"}},
		},
		"SchemaPrivilege": {
			reason: "USAGE is a schema privilege, not a table one.",
			grants: "USAGE", errs: []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.grants"}},
		},
		"TrailingComma": {
			reason: "An empty item is no privilege (the operator's GRANT would fail on it).",
			grants: "SELECT,", want: []string{"SELECT"}, errs: []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.grants"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, errs := ParseGrants(grants, tc.grants)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nprivileges: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.errs, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nerrors: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// validPostgrest is a valid spec the cases of TestValidatePostgrestSpec
// change one thing of.
func validPostgrest(change func(*PostgrestSpec)) PostgrestSpec {
	spec := PostgrestSpec{
		Tables: []string{"items", "orders"}, Grants: "SELECT,INSERT",
		Connection: postgrestv1.ConnectionProperties{SecretName: "pg-api"},
	}
	if change != nil {
		change(&spec)
	}
	return spec
}

func TestValidatePostgrestSpec(t *testing.T) {
	byCredentials := postgrestv1.ConnectionProperties{Host: "postgres.databases.svc", Port: 5432, Database: "shop", User: "api", Password: "s3cret"}
	cases := map[string]struct {
		reason string
		name   string
		spec   PostgrestSpec
		want   []hubtest.FieldError
	}{
		"ValidBySecret":      {reason: "Tables and grants over a connection Secret.", spec: validPostgrest(nil)},
		"ValidByCredentials": {reason: "Tables over a host, database, user and password.", spec: validPostgrest(func(s *PostgrestSpec) { s.Connection = byCredentials })},
		"ValidAnonRole": {reason: "An existing role, no tables, no grants.", spec: validPostgrest(func(s *PostgrestSpec) {
			s.Tables, s.Grants, s.AnonRole, s.Schema = nil, "", "web_anon", "api"
		})},
		"AnonRoleAndTables": {
			reason: "An existing role or tables, not both, as the operator refuses them.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.AnonRole, s.Grants = "web_anon", "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.tables"}},
		},
		"AnonRoleAndEmptyTables": {
			reason: "An empty list of tables is still a list, as the operator sees it (not nil).",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.AnonRole, s.Grants, s.Tables = "web_anon", "", []string{} }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.tables"}},
		},
		"Neither": {
			reason: "Without a role there must be tables.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Tables, s.Grants = nil, "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.tables"}},
		},
		"GrantsWithAnonRole": {
			reason: "Grants go to a generated role only.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Tables, s.AnonRole = nil, "web_anon" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.grants"}},
		},
		"BadGrant": {
			reason: "Grants are table privileges.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Grants = "SELECT,EXECUTE" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeNotSupported, Field: "spec.grants"}},
		},
		"EmptyTable": {
			reason: "A table has a name.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Tables = []string{"", "items"} }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.tables[0]"}},
		},
		"DuplicateTable": {
			reason: "Tables are a set.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Tables = []string{"items", "orders", "items"} }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeDuplicate, Field: "spec.tables[2]"}},
		},
		"LongTable": {
			reason: "A table is a PostgreSQL identifier: 63 bytes at most.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Tables = []string{strings.Repeat("t", 64)} }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeTooLong, Field: "spec.tables[0]"}},
		},
		"NULTable": {
			reason: "An identifier holds no NUL.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Tables = []string{"it\x00ems"} }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.tables[0]"}},
		},
		"LongSchema": {
			reason: "The schema is an identifier.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Schema = strings.Repeat("s", 64) }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeTooLong, Field: "spec.schema"}},
		},
		"LongAnonRole": {
			reason: "The existing role is an identifier.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Tables, s.Grants, s.AnonRole = nil, "", strings.Repeat("r", 64) }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeTooLong, Field: "spec.anonRole"}},
		},
		"SecretAndCredentials": {
			reason: "A Secret or a user and password, not both, as the operator refuses them.",
			spec: validPostgrest(func(s *PostgrestSpec) {
				s.Connection.User, s.Connection.Password = "api", "s3cret"
			}),
			want: []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.connection.user"}, {Type: field.ErrorTypeForbidden, Field: "spec.connection.password"}},
		},
		"SecretAndPassword": {
			reason: "A password alone beside a Secret is refused too.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Connection.Password = "s3cret" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.connection.password"}},
		},
		"SecretWithHost": {
			reason: "A host and database beside a Secret are fine: a Secret with USER and PASSWORD needs them.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Connection.Host, s.Connection.Database = "db", "shop" }),
		},
		"NoConnection": {
			reason: "Without a Secret: host, database, user and password are each required.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Connection = postgrestv1.ConnectionProperties{} }),
			want: []hubtest.FieldError{
				{Type: field.ErrorTypeRequired, Field: "spec.connection.host"}, {Type: field.ErrorTypeRequired, Field: "spec.connection.database"},
				{Type: field.ErrorTypeRequired, Field: "spec.connection.user"}, {Type: field.ErrorTypeRequired, Field: "spec.connection.password"},
			},
		},
		"NoPassword": {
			reason: "Only what is missing is named.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Connection = byCredentials; s.Connection.Password = "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.connection.password"}},
		},
		"NegativePort": {
			reason: "A port is from 1 to 65535 (0 is none).",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Connection.Port = -1 }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.port"}},
		},
		"HugePort": {
			reason: "A port is from 1 to 65535.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Connection.Port = 65536 }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.port"}},
		},
		"TopPort": {
			reason: "65535 is a port.",
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Connection.Port = 65535 }),
		},
		"DottedName": {
			reason: "A dot is fine in a resource name but not in the Service postgrest-<name>.",
			name:   "shop.v2", spec: validPostgrest(nil),
			want: []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "metadata.name"}},
		},
		"UpperName": {
			reason: "The Service name is lower case.",
			name:   "Shop", spec: validPostgrest(nil),
			want: []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "metadata.name"}},
		},
		"RoleTooLong": {
			reason: "49 bytes and the suffix _postgrest_role make 64, one too many for a PostgreSQL role, though the Service name fits.",
			name:   strings.Repeat("n", 49), spec: validPostgrest(nil),
			want: []hubtest.FieldError{{Type: field.ErrorTypeTooLong, Field: "metadata.name"}},
		},
		"RoleFits": {
			reason: "48 bytes and the suffix make 63.",
			name:   strings.Repeat("n", 48), spec: validPostgrest(nil),
		},
		"LongNameWithAnonRole": {
			reason: "No role is generated with anonRole: the name may be as long as the Service allows (63 - len(postgrest-)).",
			name:   strings.Repeat("n", 53),
			spec:   validPostgrest(func(s *PostgrestSpec) { s.Tables, s.Grants, s.AnonRole = nil, "", "web_anon" }),
		},
		"ServiceTooLong": {
			reason: "postgrest- and 54 bytes make a Service name of 64, which is not a DNS-1035 label; the role is too long as well.",
			name:   strings.Repeat("n", 54),
			spec:   validPostgrest(nil),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "metadata.name"}, {Type: field.ErrorTypeTooLong, Field: "metadata.name"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.name == "" {
				tc.name = "items-api"
			}
			errs := validatePostgrestSpec(tc.name, tc.spec)
			if diff := cmp.Diff(tc.want, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func validDremio(change func(*DremioRestServerSpec)) DremioRestServerSpec {
	spec := DremioRestServerSpec{
		Tables:     "lake.sales,lake.customers",
		Connection: dremiov1.ConnectionProperties{Host: "dremio.dremio.svc", Port: 32010, User: "reporter", Password: "s3cret"},
	}
	if change != nil {
		change(&spec)
	}
	return spec
}

func TestValidateDremioSpec(t *testing.T) {
	cases := map[string]struct {
		reason string
		name   string
		spec   DremioRestServerSpec
		want   []hubtest.FieldError
	}{
		"ValidByCredentials": {reason: "Tables, a host, a user and a password.", spec: validDremio(nil)},
		"ValidBySecret": {reason: "A Secret instead of the user and password.", spec: validDremio(func(s *DremioRestServerSpec) {
			s.Connection.User, s.Connection.Password, s.Connection.SecretName = "", "", "dremio-creds"
		})},
		"NoTables": {
			reason: "Tables are required, as the operator's Deployment needs them.",
			spec:   validDremio(func(s *DremioRestServerSpec) { s.Tables = "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.tables"}},
		},
		"OnlyCommas": {
			reason: "A list of nothing is no tables.",
			spec:   validDremio(func(s *DremioRestServerSpec) { s.Tables = " , ," }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.tables"}},
		},
		"EmptyTable": {
			reason: "Each table of the list has a name.",
			spec:   validDremio(func(s *DremioRestServerSpec) { s.Tables = "a,,b" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.tables"}},
		},
		"TrailingComma": {
			reason: "A trailing comma is an empty table.",
			spec:   validDremio(func(s *DremioRestServerSpec) { s.Tables = "a," }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.tables"}},
		},
		"NoHost": {
			reason: "The host is required, with or without a Secret.",
			spec: validDremio(func(s *DremioRestServerSpec) {
				s.Connection = dremiov1.ConnectionProperties{SecretName: "dremio-creds"}
			}),
			want: []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.connection.host"}},
		},
		"SecretAndCredentials": {
			reason: "A Secret or a user and password, not both.",
			spec:   validDremio(func(s *DremioRestServerSpec) { s.Connection.SecretName = "dremio-creds" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeForbidden, Field: "spec.connection.user"}, {Type: field.ErrorTypeForbidden, Field: "spec.connection.password"}},
		},
		"NoCredentials": {
			reason: "Without a Secret, both the user and the password.",
			spec:   validDremio(func(s *DremioRestServerSpec) { s.Connection.User, s.Connection.Password = "", "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.connection.user"}, {Type: field.ErrorTypeRequired, Field: "spec.connection.password"}},
		},
		"NoPassword": {
			reason: "The operator wants both.",
			spec:   validDremio(func(s *DremioRestServerSpec) { s.Connection.Password = "" }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.connection.password"}},
		},
		"BadPort": {
			reason: "A port is from 1 to 65535 (0 is none).",
			spec:   validDremio(func(s *DremioRestServerSpec) { s.Connection.Port = 70000 }),
			want:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.port"}},
		},
		"NoPort": {
			reason: "0 leaves the port out.",
			spec:   validDremio(func(s *DremioRestServerSpec) { s.Connection.Port = 0 }),
		},
		"DottedName": {
			reason: "The Service dremiorestserver-<name> is a DNS-1035 label: no dot.",
			name:   "lake.api", spec: validDremio(nil),
			want: []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "metadata.name"}},
		},
		"NameTooLong": {
			reason: "dremiorestserver- and 47 bytes make 64.",
			name:   strings.Repeat("n", 47), spec: validDremio(nil),
			want: []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "metadata.name"}},
		},
		"NameFits": {
			reason: "dremiorestserver- and 46 bytes make 63; no role is generated for Dremio.",
			name:   strings.Repeat("n", 46), spec: validDremio(nil),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.name == "" {
				tc.name = "lake-api"
			}
			errs := validateDremioSpec(tc.name, tc.spec)
			if diff := cmp.Diff(tc.want, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func secretWith(data map[string]string) *corev1.Secret {
	s := &corev1.Secret{Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func TestResolvePostgres(t *testing.T) {
	const userURL = "postgresql://api-x1y2z3:Pa55%2Fw0rd@postgres.databases.svc:5432/shop?sslmode=disable"
	cases := map[string]struct {
		reason string
		conn   postgrestv1.ConnectionProperties
		secret *corev1.Secret
		want   postgresConnection
		errs   []hubtest.FieldError
	}{
		"PostgresURL": {
			reason: "A Secret's POSTGRES_URL is used as it is, whatever the spec says; its user and database are read from it.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg-api", Host: "ignored", Port: 1, Database: "ignored", ExtraParams: "ignored=1"},
			secret: secretWith(map[string]string{SecretKeyPostgresURL: userURL, SecretKeyUser: "other", SecretKeyPassword: "other"}),
			want:   postgresConnection{uri: userURL, user: "api-x1y2z3", database: "shop"},
		},
		"PostgresURLWithoutDatabase": {
			reason: "A URL without a path has no database.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg"},
			secret: secretWith(map[string]string{SecretKeyPostgresURL: "postgres://api@db"}),
			want:   postgresConnection{uri: "postgres://api@db", user: "api"},
		},
		"BadPostgresURL": {
			reason: "A POSTGRES_URL that does not parse is the Secret's fault.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg"},
			secret: secretWith(map[string]string{SecretKeyPostgresURL: "postgresql://api:%zz@db/shop"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.secretName"}},
		},
		"PostgresURLWithoutHost": {
			reason: "A POSTGRES_URL needs a host.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg"},
			secret: secretWith(map[string]string{SecretKeyPostgresURL: "not a url"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.secretName"}},
		},
		"PostgresURLWithoutUser": {
			reason: "A POSTGRES_URL needs a user: the generated role is granted to it.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg"},
			secret: secretWith(map[string]string{SecretKeyPostgresURL: "postgresql://db:5432/shop"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.secretName"}},
		},
		"SecretUserAndPassword": {
			reason: "The Secret's USER and PASSWORD with the spec's host, port, database and extra parameters.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg", Host: "db", Port: 5433, Database: "shop", ExtraParams: "sslmode=require"},
			secret: secretWith(map[string]string{SecretKeyUser: "api", SecretKeyPassword: "s3cret"}),
			want:   postgresConnection{uri: "postgresql://api:s3cret@db:5433/shop?sslmode=require", user: "api", database: "shop"},
		},
		"SecretWithoutHost": {
			reason: "USER and PASSWORD need the spec's host.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg", Database: "shop"},
			secret: secretWith(map[string]string{SecretKeyUser: "api", SecretKeyPassword: "s3cret"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.connection.host"}},
		},
		"SecretWithoutDatabase": {
			reason: "USER and PASSWORD need the spec's database.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg", Host: "db"},
			secret: secretWith(map[string]string{SecretKeyUser: "api", SecretKeyPassword: "s3cret"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeRequired, Field: "spec.connection.database"}},
		},
		"SecretWithoutKeys": {
			reason: "A Secret with neither POSTGRES_URL nor USER and PASSWORD is refused.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg", Host: "db", Database: "shop"},
			secret: secretWith(map[string]string{"username": "api"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.secretName"}},
		},
		"SecretWithoutPassword": {
			reason: "USER alone is not enough.",
			conn:   postgrestv1.ConnectionProperties{SecretName: "pg", Host: "db", Database: "shop"},
			secret: secretWith(map[string]string{SecretKeyUser: "api"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.secretName"}},
		},
		"SpecCredentials": {
			reason: "The spec's credentials, port and extra parameters.",
			conn:   postgrestv1.ConnectionProperties{Host: "db", Port: 5432, Database: "shop", User: "api", Password: "s3cret", ExtraParams: "sslmode=disable"},
			want:   postgresConnection{uri: "postgresql://api:s3cret@db:5432/shop?sslmode=disable", user: "api", database: "shop"},
		},
		"SpecialCharacters": {
			reason: "User and password are escaped (the operator puts them in raw, which breaks on '@' or '/').",
			conn:   postgrestv1.ConnectionProperties{Host: "db", Port: 5432, Database: "shop", User: "app@team", Password: "p@ss/w:rd?#%"},
			want:   postgresConnection{uri: "postgresql://app%40team:p%40ss%2Fw%3Ard%3F%23%25@db:5432/shop", user: "app@team", database: "shop"},
		},
		"NoPort": {
			reason: "Port 0 is left out of the URI, as the operator does.",
			conn:   postgrestv1.ConnectionProperties{Host: "db", Database: "shop", User: "api", Password: "s3cret"},
			want:   postgresConnection{uri: "postgresql://api:s3cret@db/shop", user: "api", database: "shop"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, errs := resolvePostgres(tc.conn, tc.secret)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(postgresConnection{})); diff != "" {
				t.Errorf("\nReason: %s\nconnection: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.errs, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nerrors: -want, +got:\n%s", tc.reason, diff)
			}
			if agg := errs.ToAggregate(); agg != nil {
				secret := tc.secret.DeepCopy() // nil stays nil
				if secret == nil {
					secret = &corev1.Secret{}
				}
				for _, password := range []string{tc.conn.Password, string(secret.Data[SecretKeyPassword]), string(secret.Data[SecretKeyPostgresURL])} {
					if password != "" && strings.Contains(agg.Error(), password) {
						t.Errorf("\nReason: %s\nan error shows the password: %v", tc.reason, agg)
					}
				}
			}
		})
	}
}

func TestResolveDremio(t *testing.T) {
	cases := map[string]struct {
		reason string
		conn   dremiov1.ConnectionProperties
		secret *corev1.Secret
		want   string
		errs   []hubtest.FieldError
	}{
		"SpecCredentials": {
			reason: "host:port?user=…&password=…, as the operator joins them.",
			conn:   dremiov1.ConnectionProperties{Host: "dremio.dremio.svc", Port: 32010, User: "reporter", Password: "s3cret"},
			want:   "dremio.dremio.svc:32010?user=reporter&password=s3cret",
		},
		"NoPort": {
			reason: "Port 0 is left out.",
			conn:   dremiov1.ConnectionProperties{Host: "dremio", User: "reporter", Password: "s3cret"},
			want:   "dremio?user=reporter&password=s3cret",
		},
		"JDBCProperties": {
			reason: "JDBC properties follow, as they are.",
			conn:   dremiov1.ConnectionProperties{Host: "dremio", Port: 32010, User: "reporter", Password: "s3cret", JDBCProperties: "useEncryption=false&disableCertificateVerification=true"},
			want:   "dremio:32010?user=reporter&password=s3cret&useEncryption=false&disableCertificateVerification=true",
		},
		"Escaped": {
			reason: "User and password are query-escaped, so that '&' or '=' in them cannot add parameters.",
			conn:   dremiov1.ConnectionProperties{Host: "dremio", User: "a&b", Password: "p&ss=w rd"},
			want:   "dremio?user=a%26b&password=p%26ss%3Dw+rd",
		},
		"Secret": {
			reason: "The Secret's USER and PASSWORD.",
			conn:   dremiov1.ConnectionProperties{Host: "dremio", Port: 32010, SecretName: "dremio-creds"},
			secret: secretWith(map[string]string{SecretKeyUser: "reporter", SecretKeyPassword: "s3cret"}),
			want:   "dremio:32010?user=reporter&password=s3cret",
		},
		"SecretWithoutKeys": {
			reason: "A Dremio Secret must hold USER and PASSWORD; POSTGRES_URL is not read.",
			conn:   dremiov1.ConnectionProperties{Host: "dremio", SecretName: "dremio-creds"},
			secret: secretWith(map[string]string{SecretKeyPostgresURL: "postgresql://a:b@c/d", SecretKeyUser: "reporter"}),
			errs:   []hubtest.FieldError{{Type: field.ErrorTypeInvalid, Field: "spec.connection.secretName"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, errs := resolveDremio(tc.conn, tc.secret)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\nReason: %s\nURI: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.errs, hubtest.FieldErrors(errs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nerrors: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// privileges lists privileges on tables of schema.
func privileges(schema string, tables []string, names ...string) []databases.TablePrivilege {
	out := make([]databases.TablePrivilege, 0, len(tables)*len(names))
	for _, t := range tables {
		for _, p := range names {
			out = append(out, databases.TablePrivilege{Schema: schema, Table: t, Privilege: p})
		}
	}
	return out
}

func TestPlanAnonRole(t *testing.T) {
	const role = "items_api_postgrest_role"
	want := anonRoleWant{
		role: role, user: "api-x1y2z3", database: "shop", schema: "public",
		tables: []string{"items", "orders"}, privileges: []string{"INSERT", "SELECT"},
	}
	converged := anonRoleState{
		exists: true, switchable: true, usage: []string{"public"},
		privileges: privileges("public", []string{"items", "orders"}, "INSERT", "SELECT"),
	}
	cases := map[string]struct {
		reason string
		want   anonRoleWant
		have   anonRoleState
		steps  []string
		base   []string
	}{
		"Fresh": {
			reason: "A new role: created (the base of every other step), its schema, each table's privileges in one grant, the user's membership.",
			want:   want,
			steps: []string{
				"create role " + role,
				"grant usage on schema public to " + role,
				"grant INSERT,SELECT on public.items to " + role,
				"grant INSERT,SELECT on public.orders to " + role,
				"grant " + role + " to api-x1y2z3",
			},
			base: []string{"create role " + role},
		},
		"Converged": {
			reason: "Nothing to do when PostgreSQL holds what is wanted.",
			want:   want, have: converged,
		},
		"TableDropped": {
			reason: "A table no longer in the spec loses every privilege on it.",
			want: func() anonRoleWant {
				w := want
				w.tables = []string{"items"}
				return w
			}(),
			have:  converged,
			steps: []string{"revoke INSERT,SELECT on public.orders from " + role},
		},
		"PrivilegeRemoved": {
			reason: "A privilege no longer in the grants is revoked, alone, on each table.",
			want: func() anonRoleWant {
				w := want
				w.privileges = []string{"SELECT"}
				return w
			}(),
			have: converged,
			steps: []string{
				"revoke INSERT on public.items from " + role,
				"revoke INSERT on public.orders from " + role,
			},
		},
		"TableAdded": {
			reason: "A new table gets the grants; the others are left alone.",
			want: func() anonRoleWant {
				w := want
				w.tables = []string{"items", "orders", "customers"}
				return w
			}(),
			have:  converged,
			steps: []string{"grant INSERT,SELECT on public.customers to " + role},
		},
		"SchemaChanged": {
			reason: "A role that may use another schema first loses all it holds in the database, then is granted anew.",
			want: func() anonRoleWant {
				w := want
				w.schema = "curated"
				return w
			}(),
			have: converged,
			steps: []string{
				"revoke what " + role + " holds in shop",
				"grant usage on schema curated to " + role,
				"grant INSERT,SELECT on curated.items to " + role,
				"grant INSERT,SELECT on curated.orders to " + role,
			},
			base: []string{"revoke what " + role + " holds in shop"},
		},
		"NotSwitchable": {
			reason: "A connecting user that is not a member is made one, and nothing else is done.",
			want:   want,
			have: func() anonRoleState {
				h := converged
				h.switchable = false
				return h
			}(),
			steps: []string{"grant " + role + " to api-x1y2z3"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			plan := planAnonRole(tc.want, tc.have)
			steps, base := make([]string, 0, len(plan)), []string(nil)
			for _, s := range plan {
				steps = append(steps, s.name)
				if s.base {
					base = append(base, s.name)
				}
				if s.do == nil {
					t.Errorf("\nReason: %s\nstep %q does nothing", tc.reason, s.name)
				}
			}
			if diff := cmp.Diff(tc.steps, steps, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nsteps: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.base, base, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\nReason: %s\nbase steps: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestGrantsToCheck(t *testing.T) {
	const role = "items_api_postgrest_role"
	want := anonRoleWant{
		role: role, user: "api-x1y2z3", database: "shop", schema: "public",
		tables: []string{"items", "orders"}, privileges: []string{"INSERT", "SELECT"},
	}
	converged := anonRoleState{
		exists: true, switchable: true, usage: []string{"public"},
		privileges: privileges("public", []string{"items", "orders"}, "INSERT", "SELECT"),
	}
	items, orders, customers := tableName{"public", "items"}, tableName{"public", "orders"}, tableName{"public", "customers"}
	cases := map[string]struct {
		reason string
		want   anonRoleWant
		have   anonRoleState
		check  map[tableName][]string
	}{
		"Fresh": {
			reason: "A new role: every privilege asked is checked.",
			want:   want,
			check:  map[tableName][]string{items: {"INSERT", "SELECT"}, orders: {"INSERT", "SELECT"}},
		},
		"Converged": {
			reason: "Nothing is granted, nothing is checked: the user, a member of the role, would hold it all through the role anyway.",
			want:   want, have: converged,
		},
		"TableAdded": {
			reason: "Only what is granted now is checked: privileges granted before were checked then.",
			want: func() anonRoleWant {
				w := want
				w.tables = []string{"items", "orders", "customers"}
				return w
			}(),
			have:  converged,
			check: map[tableName][]string{customers: {"INSERT", "SELECT"}},
		},
		"PrivilegeRemoved": {
			reason: "A revoke passes nothing on: nothing is checked.",
			want: func() anonRoleWant {
				w := want
				w.privileges = []string{"SELECT"}
				return w
			}(),
			have: converged,
		},
		"SchemaChanged": {
			reason: "A role that starts over in another schema is granted everything anew: everything is checked.",
			want: func() anonRoleWant {
				w := want
				w.schema = "curated"
				return w
			}(),
			have: converged,
			check: map[tableName][]string{
				{"curated", "items"}: {"INSERT", "SELECT"}, {"curated", "orders"}: {"INSERT", "SELECT"},
			},
		},
		"NewUser": {
			reason: "A user not yet a member (the connection moved to another user) would get all the role holds: everything asked is checked, granted or not.",
			want:   want,
			have: func() anonRoleState {
				h := converged
				h.switchable = false
				return h
			}(),
			check: map[tableName][]string{items: {"INSERT", "SELECT"}, orders: {"INSERT", "SELECT"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := grantsToCheck(tc.want, tc.have)
			for t := range got {
				slices.Sort(got[t])
			}
			if diff := cmp.Diff(tc.check, got, cmpopts.EquateEmpty(), cmp.AllowUnexported(tableName{})); diff != "" {
				t.Errorf("\nReason: %s\ngrantsToCheck: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestRefusedGrants(t *testing.T) {
	orders, items := tableName{"app", "orders"}, tableName{"app", "items"}
	const tail = ": a PostgREST service gets no more than the role it connects as"
	cases := map[string]struct {
		reason      string
		asked, held map[tableName][]string
		want        string // the error's message; "" for none
	}{
		"Nothing": {reason: "Nothing asked, nothing refused."},
		"AllHeld": {
			reason: "A user holding every privilege asked passes them on.",
			asked:  map[tableName][]string{orders: {"SELECT", "INSERT"}},
			held:   map[tableName][]string{orders: databases.TablePrivilegeNames},
		},
		"ReaderAsksInsert": {
			reason: "A READ user may not pass on INSERT: the error names the role, the privilege and the table.",
			asked:  map[tableName][]string{orders: {"INSERT", "SELECT"}},
			held:   map[tableName][]string{orders: {"SELECT"}},
			want:   `the connecting role "viewer-abc123" may not INSERT on app.orders` + tail,
		},
		"NothingHeld": {
			reason: "Each privilege refused is named, in PostgreSQL's order, whatever the order asked.",
			asked:  map[tableName][]string{orders: {"UPDATE", "SELECT", "DELETE"}},
			want:   `the connecting role "viewer-abc123" may not SELECT, UPDATE, DELETE on app.orders` + tail,
		},
		"SeveralTables": {
			reason: "Each table with a refusal is named, sorted; a table whose privileges are held is not.",
			asked: map[tableName][]string{
				orders: {"SELECT", "INSERT"}, items: {"SELECT", "TRUNCATE"}, {"app", "customers"}: {"SELECT"},
			},
			held: map[tableName][]string{orders: {"SELECT"}, items: {"SELECT"}, {"app", "customers"}: {"SELECT"}},
			want: `the connecting role "viewer-abc123" may not TRUNCATE on app.items; may not INSERT on app.orders` + tail,
		},
		"HeldElsewhere": {
			reason: "A privilege held on another table does not count.",
			asked:  map[tableName][]string{orders: {"SELECT"}},
			held:   map[tableName][]string{items: {"SELECT"}},
			want:   `the connecting role "viewer-abc123" may not SELECT on app.orders` + tail,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got string
			if err := refusedGrants("viewer-abc123", tc.asked, tc.held); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\nReason: %s\nrefusedGrants: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestGeneratedRoleOf(t *testing.T) {
	recorded := map[string]string{AnnotationAnonRoleDatabase: "shop"}
	cases := map[string]struct {
		reason      string
		annotations map[string]string
		status      PostgrestStatus
		want        string
	}{
		"Reported":   {reason: "The role the status reports.", status: PostgrestStatus{GeneratedAnonRole: "items_api_postgrest_role"}, want: "items_api_postgrest_role"},
		"Unreported": {reason: "A database is recorded for a role that a failed reconcile may have made before reporting it.", annotations: recorded, want: "items_api_postgrest_role"},
		"Both": {
			reason: "The status wins: the operator may have named it.", annotations: recorded,
			status: PostgrestStatus{GeneratedAnonRole: "other_postgrest_role"}, want: "other_postgrest_role",
		},
		"None": {reason: "Neither reported nor recorded: no role was generated.", annotations: map[string]string{"other": "x"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := &Postgrest{ObjectMeta: metav1.ObjectMeta{Name: "items-api", Annotations: tc.annotations}, Status: tc.status}
			if diff := cmp.Diff(tc.want, generatedRoleOf(p)); diff != "" {
				t.Errorf("\nReason: %s\ngeneratedRoleOf: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// deployment is the outcome of a reconcile that did op to a Deployment
// with ready replicas.
func deployment(op reconcile.Operation, ready int32) reconcile.Outcome {
	return reconcile.Outcome{Children: reconcile.Results{
		{Object: &corev1.Secret{}, Operation: reconcile.OperationUnchanged},
		{Object: &appsv1.Deployment{Status: appsv1.DeploymentStatus{ReadyReplicas: ready}}, Operation: op},
		{Object: &corev1.Service{}, Operation: reconcile.OperationUnchanged},
	}}
}

func TestServiceState(t *testing.T) {
	cases := map[string]struct {
		reason       string
		outcome      reconcile.Outcome
		state, msg   string
		dremioState  string
		generatedFor string
	}{
		"Error": {
			reason:  "A failure is Error with its message (Dremio's status has no message).",
			outcome: reconcile.Outcome{Err: errors.New("the role \"ghost\" of spec.anonRole does not exist")},
			state:   postgrestv1.StateError, msg: "the role \"ghost\" of spec.anonRole does not exist", dremioState: dremiov1.StateError,
		},
		"ErrorWinsOverChildren": {
			reason: "A failure is reported even when the children were applied.",
			outcome: func() reconcile.Outcome {
				o := deployment(reconcile.OperationUnchanged, 1)
				o.Err = errors.New("granting failed")
				return o
			}(),
			state: postgrestv1.StateError, msg: "granting failed", dremioState: dremiov1.StateError,
		},
		"Waiting": {
			reason:  "Waiting is PostgREST's Initializing, Dremio's Deploying, with the reason.",
			outcome: reconcile.Outcome{Waiting: `the connection Secret "pg" does not exist yet`},
			state:   postgrestv1.StateInitializing, msg: `the connection Secret "pg" does not exist yet`, dremioState: dremiov1.StateDeploying,
		},
		"NoChildren": {
			reason:  "Before the children are applied, the service waits.",
			outcome: reconcile.Outcome{},
			state:   postgrestv1.StateInitializing, dremioState: dremiov1.StateDeploying,
		},
		"Created": {
			reason:  "A Deployment just created is Deploying.",
			outcome: deployment(reconcile.OperationCreated, 0),
			state:   postgrestv1.StateDeploying, dremioState: dremiov1.StateDeploying,
		},
		"Updated": {
			reason:  "A Deployment changed is Updating, ready or not.",
			outcome: deployment(reconcile.OperationUpdated, 1),
			state:   postgrestv1.StateUpdating, dremioState: dremiov1.StateUpdating,
		},
		"UnchangedNotReady": {
			reason:  "An unchanged Deployment without a ready replica is still Deploying.",
			outcome: deployment(reconcile.OperationUnchanged, 0),
			state:   postgrestv1.StateDeploying, dremioState: dremiov1.StateDeploying,
		},
		"UnchangedReady": {
			reason:  "An unchanged Deployment with a ready replica is Running.",
			outcome: deployment(reconcile.OperationUnchanged, 1),
			state:   postgrestv1.StateRunning, dremioState: dremiov1.StateRunning,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			state, msg := serviceState(tc.outcome, postgrestv1.StateInitializing)
			if diff := cmp.Diff([]string{tc.state, tc.msg}, []string{state, msg}); diff != "" {
				t.Errorf("\nReason: %s\nserviceState: -want, +got:\n%s", tc.reason, diff)
			}
			p := &Postgrest{Spec: PostgrestSpec{Tables: []string{"items"}}}
			wantPostgrest := PostgrestStatus{State: tc.state, Message: tc.msg}
			if diff := cmp.Diff(wantPostgrest, postgrestStatus(p, tc.outcome)); diff != "" {
				t.Errorf("\nReason: %s\npostgrestStatus: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(DremioRestServerStatus{State: tc.dremioState}, dremioStatus(tc.outcome)); diff != "" {
				t.Errorf("\nReason: %s\ndremioStatus: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestPostgrestStatusGeneratedAnonRole(t *testing.T) {
	running := deployment(reconcile.OperationUnchanged, 1)
	withRole := func(o reconcile.Outcome, role string) reconcile.Outcome {
		o.Details = o.Details.With(detailAnonRole, role)
		return o
	}
	cases := map[string]struct {
		reason  string
		spec    PostgrestSpec
		status  PostgrestStatus
		outcome reconcile.Outcome
		want    PostgrestStatus
	}{
		"Generated": {
			reason:  "The role generated for tables is reported.",
			spec:    PostgrestSpec{Tables: []string{"items"}},
			outcome: withRole(running, "items_api_postgrest_role"),
			want:    PostgrestStatus{State: postgrestv1.StateRunning, GeneratedAnonRole: "items_api_postgrest_role"},
		},
		"KeptOnError": {
			reason:  "A failure before the role is observed keeps the role reported, so that a delete can still drop it.",
			spec:    PostgrestSpec{Tables: []string{"items"}},
			status:  PostgrestStatus{State: postgrestv1.StateRunning, GeneratedAnonRole: "items_api_postgrest_role"},
			outcome: reconcile.Outcome{Err: errors.New("the connection: bad")},
			want:    PostgrestStatus{State: postgrestv1.StateError, Message: "the connection: bad", GeneratedAnonRole: "items_api_postgrest_role"},
		},
		"ExistingRole": {
			reason:  "An existing role of spec.anonRole is not a generated one.",
			spec:    PostgrestSpec{AnonRole: "web_anon"},
			outcome: withRole(running, "web_anon"),
			want:    PostgrestStatus{State: postgrestv1.StateRunning},
		},
		"DroppedOnSwitch": {
			reason:  "Switched to an existing role, a reconcile that got through dropped the generated one first: it is no longer reported.",
			spec:    PostgrestSpec{AnonRole: "web_anon"},
			status:  PostgrestStatus{State: postgrestv1.StateRunning, GeneratedAnonRole: "items_api_postgrest_role"},
			outcome: withRole(running, "web_anon"),
			want:    PostgrestStatus{State: postgrestv1.StateRunning},
		},
		"KeptWhileTheDropFails": {
			reason:  "Switched to an existing role, a failed reconcile may not have dropped the generated role: it stays reported, to be dropped later.",
			spec:    PostgrestSpec{AnonRole: "web_anon"},
			status:  PostgrestStatus{State: postgrestv1.StateRunning, GeneratedAnonRole: "items_api_postgrest_role"},
			outcome: reconcile.Outcome{Err: errors.New("connecting: dropping the generated role: refused")},
			want: PostgrestStatus{State: postgrestv1.StateError, Message: "connecting: dropping the generated role: refused",
				GeneratedAnonRole: "items_api_postgrest_role"},
		},
		"KeptWhileWaiting": {
			reason:  "Switched to an existing role, a reconcile waiting for its Secret dropped nothing yet.",
			spec:    PostgrestSpec{AnonRole: "web_anon"},
			status:  PostgrestStatus{State: postgrestv1.StateRunning, GeneratedAnonRole: "items_api_postgrest_role"},
			outcome: reconcile.Outcome{Waiting: `the connection Secret "pg" does not exist yet`},
			want: PostgrestStatus{State: postgrestv1.StateInitializing, Message: `the connection Secret "pg" does not exist yet`,
				GeneratedAnonRole: "items_api_postgrest_role"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := &Postgrest{Spec: tc.spec, Status: tc.status}
			if diff := cmp.Diff(tc.want, postgrestStatus(p, tc.outcome)); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
