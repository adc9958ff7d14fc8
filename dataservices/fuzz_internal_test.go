package dataservices

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/dataservices/dremiov1"
	"github.com/hubkit-dev/hubkit/dataservices/postgrestv1"
)

// FuzzParseGrants checks that no grants make the parser panic, and that
// what it returns is a sorted set of table privileges that reads back the
// same, with errors only under the path given.
func FuzzParseGrants(f *testing.F) {
	for _, seed := range []string{"", "SELECT", " select , insert ", "ALL", "all privileges", "SELECT,", ",", "DROP,SELECT", "in sert", "\x00", "ÀLL"} {
		f.Add(seed)
	}
	p := field.NewPath("spec", "grants")
	f.Fuzz(func(t *testing.T, grants string) {
		got, errs := ParseGrants(p, grants)
		for _, e := range errs {
			if e.Field != "spec.grants" || e.Type != field.ErrorTypeNotSupported {
				t.Fatalf("ParseGrants(%q): error %v is not NotSupported under spec.grants", grants, e)
			}
		}
		if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("ParseGrants(%q) = %q, not a sorted set", grants, got)
		}
		for _, g := range got {
			if !slices.Contains(databases.TablePrivilegeNames, g) {
				t.Fatalf("ParseGrants(%q) returned %q, not a table privilege", grants, g)
			}
		}
		if len(errs) == 0 {
			if len(got) == 0 {
				t.Fatalf("ParseGrants(%q) returned no privilege and no error", grants)
			}
			again, errs := ParseGrants(p, strings.Join(got, ","))
			if len(errs) > 0 || !slices.Equal(again, got) {
				t.Fatalf("ParseGrants(%q) = %q, which reads back as %q, %v", grants, got, again, errs)
			}
		}
	})
}

// FuzzValidatePostgrestSpec checks that no spec, given as the JSON a user
// may write, makes the validation, the connection's resolution or the
// rendering panic; that every error has a path of the resource; and that a
// valid spec renders a Service with a valid name.
func FuzzValidatePostgrestSpec(f *testing.F) {
	f.Add("items-api", `{"tables":["items","orders"],"grants":"select, insert","connection":{"secretName":"pg-api"}}`, "postgresql://api:pw@db:5432/shop", "", "")
	f.Add("web", `{"anonRole":"web_anon","schema":"api","connection":{"host":"db","port":5432,"database":"shop","user":"api","password":"p@ss/w:rd"}}`, "", "", "")
	f.Add("by-user", `{"tables":["items"],"connection":{"secretName":"pg","host":"db","database":"shop"}}`, "", "api", "s3cret")
	f.Add("Bad.Name", `{"anonRole":"x","tables":[],"grants":"ALL,DROP","connection":{"secretName":"s","user":"u","password":"p","port":-1}}`, "%zz", "", "")
	f.Add(strings.Repeat("n", 60), `{"tables":["","a","a","`+strings.Repeat("t", 70)+`"],"schema":"\u0000"}`, "not a url", "u", "")
	f.Fuzz(func(t *testing.T, name, specJSON, secretURL, secretUser, secretPassword string) {
		var spec PostgrestSpec
		if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
			return
		}
		errs := validatePostgrestSpec(name, spec)
		for _, e := range errs {
			if !strings.HasPrefix(e.Field, "spec.") && e.Field != "metadata.name" {
				t.Fatalf("error %v has no path of the resource", e)
			}
		}
		var secret *corev1.Secret
		if spec.Connection.SecretName != "" {
			secret = fuzzSecret(secretURL, secretUser, secretPassword)
		}
		conn, bad := resolvePostgres(spec.Connection, secret)
		if len(errs) > 0 || len(bad) > 0 {
			return
		}
		role := spec.AnonRole
		if role == "" {
			role = AnonRoleName(name)
		}
		if len(role) > maxIdentifier {
			t.Fatalf("a valid spec of %q has the role %q, longer than PostgreSQL allows", name, role)
		}
		objs := renderPostgrest(&Postgrest{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Spec: spec}, DefaultPostgrestWorkload, conn.uri, role)
		if msgs := validation.IsDNS1035Label(objs[2].GetName()); len(msgs) > 0 {
			t.Fatalf("a valid spec of %q renders the Service %q: %v", name, objs[2].GetName(), msgs)
		}
	})
}

// FuzzValidateDremioSpec is FuzzValidatePostgrestSpec for Dremio REST
// servers.
func FuzzValidateDremioSpec(f *testing.F) {
	f.Add("lake-api", `{"tables":"lake.sales,lake.customers","connection":{"host":"dremio","port":32010,"user":"u","password":"p&q"}}`, "", "")
	f.Add("lake-api", `{"tables":"a,","connection":{"host":"dremio","secretName":"creds"}}`, "reporter", "s3cret")
	f.Add("Lake.API", `{"tables":" , ","connection":{"secretName":"creds","user":"u","port":99999}}`, "", "")
	f.Fuzz(func(t *testing.T, name, specJSON, secretUser, secretPassword string) {
		var spec DremioRestServerSpec
		if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
			return
		}
		errs := validateDremioSpec(name, spec)
		for _, e := range errs {
			if !strings.HasPrefix(e.Field, "spec.") && e.Field != "metadata.name" {
				t.Fatalf("error %v has no path of the resource", e)
			}
		}
		var secret *corev1.Secret
		if spec.Connection.SecretName != "" {
			secret = fuzzSecret("", secretUser, secretPassword)
		}
		uri, bad := resolveDremio(spec.Connection, secret)
		if len(errs) > 0 || len(bad) > 0 {
			return
		}
		objs := renderDremio(&DremioRestServer{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Spec: spec}, DefaultDremioWorkload, uri)
		if msgs := validation.IsDNS1035Label(objs[2].GetName()); len(msgs) > 0 {
			t.Fatalf("a valid spec of %q renders the Service %q: %v", name, objs[2].GetName(), msgs)
		}
	})
}

// fuzzSecret is a connection Secret with the keys that are not empty.
func fuzzSecret(postgresURL, user, password string) *corev1.Secret {
	s := &corev1.Secret{Data: map[string][]byte{}}
	for k, v := range map[string]string{SecretKeyPostgresURL: postgresURL, SecretKeyUser: user, SecretKeyPassword: password} {
		if v != "" {
			s.Data[k] = []byte(v)
		}
	}
	return s
}

// FuzzResolveConnection checks that the connection URIs keep their
// credentials whole: PostgREST's URI, from the spec's credentials, parses
// back to the same user, password and database; Dremio's query holds the
// same user and password; a Secret's POSTGRES_URL is used as it is.
func FuzzResolveConnection(f *testing.F) {
	f.Add("db", 5432, "shop", "api", "s3cret", "sslmode=disable", "postgresql://api:pw@db:5432/shop")
	f.Add("postgres.databases.svc", 0, "my db", "app@team", "p@ss/w:rd?#%&=+ ", "", "postgres://u@h")
	f.Add("dremio", 32010, "", "a&b=c", "%zz", "useEncryption=false&user=x", "host=db user=api")
	f.Add("x", 1, "/", ":", "@", "#", "postgresql://:@:/")
	f.Fuzz(func(t *testing.T, host string, port int, database, user, password, params, secretURL string) {
		if len(validation.IsDNS1123Subdomain(host)) > 0 || len(validatePort(port)) > 0 {
			return
		}
		pg := postgrestv1.ConnectionProperties{Host: host, Port: port, Database: database, User: user, Password: password, ExtraParams: params}
		// Extra parameters go into the URI as they are, as the operator
		// puts them: a control character in them breaks it, which no rule
		// refuses (see the test's seed corpus).
		rawParams := strings.ContainsFunc(params, func(r rune) bool { return r < 0x20 || r == 0x7f })
		if len(validatePostgresConnection(pg)) == 0 && !rawParams {
			conn, errs := resolvePostgres(pg, nil)
			if len(errs) > 0 {
				t.Fatalf("a valid connection does not resolve: %v", errs)
			}
			u, err := url.Parse(conn.uri)
			if err != nil {
				t.Fatalf("the URI of a valid connection does not parse: %v", err)
			}
			got, _ := u.User.Password()
			if u.User.Username() != user || got != password || u.Path != "/"+database || conn.user != user || conn.database != database {
				t.Fatalf("the URI %q does not hold user %q, its password and database %q", conn.uri, user, database)
			}
		}

		bySecret := postgrestv1.ConnectionProperties{SecretName: "pg", Host: host, Port: port, Database: database}
		conn, errs := resolvePostgres(bySecret, fuzzSecret(secretURL, user, password))
		if secretURL != "" && len(errs) == 0 && conn.uri != secretURL {
			t.Fatalf("POSTGRES_URL %q became %q", secretURL, conn.uri)
		}

		dremio := dremiov1.ConnectionProperties{Host: host, Port: port, User: user, Password: password, JDBCProperties: params}
		if user == "" || password == "" {
			return
		}
		uri, errs := resolveDremio(dremio, nil)
		if len(errs) > 0 {
			t.Fatalf("a Dremio connection with credentials does not resolve: %v", errs)
		}
		_, query, _ := strings.Cut(uri, "?")
		values, err := url.ParseQuery(query)
		if err != nil && params == "" {
			t.Fatalf("the query of %q does not parse: %v", uri, err)
		}
		if values.Get("user") != user || values.Get("password") != password {
			t.Fatalf("the URI %q does not hold user %q and its password first", uri, user)
		}
	})
}
