package secrets_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

func TestParseFilter(t *testing.T) {
	type bad struct {
		Setting string
		Part    int
		Text    string
	}
	cases := map[string]struct {
		reason string
		spec   secrets.FilterSpec
		want   *bad
		empty  bool
	}{
		"Empty": {reason: "No setting selects everything.", empty: true},
		"DigitalHub": {reason: "DigitalHub's deployed settings parse.", spec: secrets.FilterSpec{
			Owners: "db.movetokube.com/v1alpha1", Names: `(digitalhub\-owner|digitalhub\-reader|digitalhub\-writer).*`,
		}},
		"AllFour": {reason: "All four settings together parse.", spec: secrets.FilterSpec{
			Labels: "app=db|team=data", Owners: "db.movetokube.com/v1alpha1, minio.scc-digitalhub.github.io/v1", Annotations: "hubkit.dev/expose=true|a=b", Names: "x.*,y",
		}},
		"BadLabelTerm":   {reason: "A bad label term is named by position.", spec: secrets.FilterSpec{Labels: "a=b|=c"}, want: &bad{"labels", 1, "=c"}},
		"BadOwner":       {reason: "An owner must be an apiVersion.", spec: secrets.FilterSpec{Owners: "v1,a/b/c"}, want: &bad{"owners", 1, "a/b/c"}},
		"OwnerNoVersion": {reason: "A bare group is not an apiVersion.", spec: secrets.FilterSpec{Owners: "db.movetokube.com/"}, want: &bad{"owners", 0, "db.movetokube.com/"}},
		"AnnotationNoEq": {reason: "An annotation needs key=value.", spec: secrets.FilterSpec{Annotations: "a=b|justakey"}, want: &bad{"annotations", 1, "justakey"}},
		"AnnotationKey":  {reason: "An annotation key must be a qualified name.", spec: secrets.FilterSpec{Annotations: "-bad-=x"}, want: &bad{"annotations", 0, "-bad-=x"}},
		"BadRegexp":      {reason: "A name regexp must compile.", spec: secrets.FilterSpec{Names: "ok,(unclosed"}, want: &bad{"names", 1, "(unclosed"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, err := secrets.ParseFilter(tc.spec)
			var got *bad
			if fe, ok := errors.AsType[*secrets.FilterError](err); ok {
				got = &bad{fe.Setting, fe.Part, fe.Text}
				if !strings.Contains(err.Error(), fe.Setting) || !strings.Contains(err.Error(), fe.Text) {
					t.Errorf("\nReason: %s\nthe error %q does not name the setting and item", tc.reason, err)
				}
			} else if err != nil {
				t.Fatalf("\nReason: %s\nerror %v is not a *FilterError", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
			}
			if err == nil && f.IsEmpty() != tc.empty {
				t.Errorf("\nReason: %s\nIsEmpty() = %v", tc.reason, f.IsEmpty())
			}
		})
	}
}

// FuzzParseFilter checks that no filter setting panics and that every
// error is a *FilterError.
func FuzzParseFilter(f *testing.F) {
	f.Add("a=b|c=d", "v1,db.movetokube.com/v1alpha1", "k=v|x=y", `a.*,(b|c)`)
	f.Add("|", "a/b/c", "novalue", "(")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, labels, owners, annotations, names string) {
		filter, err := secrets.ParseFilter(secrets.FilterSpec{Labels: labels, Owners: owners, Annotations: annotations, Names: names})
		if err != nil {
			if _, ok := errors.AsType[*secrets.FilterError](err); !ok {
				t.Fatalf("error %v is not a *FilterError", err)
			}
			return
		}
		filter.Matches(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: names, Labels: map[string]string{"a": "b"}, Annotations: map[string]string{"k": "v"}}})
	})
}

func TestFilterMatches(t *testing.T) {
	f, err := secrets.ParseFilter(secrets.FilterSpec{
		Labels: "app=db,tier=backend|team=data", Owners: "db.movetokube.com/v1alpha1", Annotations: "hubkit.dev/expose=true", Names: "digitalhub-.*",
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		reason string
		meta   metav1.ObjectMeta
		want   bool
	}{
		"LabelTerm":       {reason: "A whole label term selects.", meta: metav1.ObjectMeta{Name: "a", Labels: map[string]string{"team": "data"}}, want: true},
		"HalfLabelTerm":   {reason: "Half a label term does not.", meta: metav1.ObjectMeta{Name: "a", Labels: map[string]string{"app": "db"}}, want: false},
		"Owner":           {reason: "An owner of a listed apiVersion selects.", meta: metav1.ObjectMeta{Name: "a", OwnerReferences: []metav1.OwnerReference{{APIVersion: "db.movetokube.com/v1alpha1", Kind: "PostgresUser"}}}, want: true},
		"OtherOwner":      {reason: "Another owner does not.", meta: metav1.ObjectMeta{Name: "a", OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment"}}}, want: false},
		"Annotation":      {reason: "The annotation with its value selects.", meta: metav1.ObjectMeta{Name: "a", Annotations: map[string]string{"hubkit.dev/expose": "true"}}, want: true},
		"AnnotationValue": {reason: "The annotation with another value does not.", meta: metav1.ObjectMeta{Name: "a", Annotations: map[string]string{"hubkit.dev/expose": "false"}}, want: false},
		"Name":            {reason: "A name the regexp matches whole selects.", meta: metav1.ObjectMeta{Name: "digitalhub-owner"}, want: true},
		"NamePrefixOnly":  {reason: "The regexp must match the whole name.", meta: metav1.ObjectMeta{Name: "x-digitalhub-owner"}, want: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := f.Matches(&corev1.Secret{ObjectMeta: tc.meta}); got != tc.want {
				t.Errorf("\nReason: %s\nMatches = %v, want %v", tc.reason, got, tc.want)
			}
		})
	}
}

func TestFilterFromEnv(t *testing.T) {
	env := map[string]string{secrets.EnvOwners: "db.movetokube.com/v1alpha1", secrets.EnvNames: "a.*"}
	f, err := secrets.FilterFromEnv(func(k string) string { return env[k] })
	if err != nil || len(f.Owners) != 1 || len(f.Names) != 1 {
		t.Errorf("FilterFromEnv = %+v, %v", f, err)
	}
}

const topSecret = "s3cr3t-v4lue"

func newSecrets(t *testing.T, filter secrets.Filter, objs ...client.Object) (*secrets.Client, *hubtest.Fake) {
	t.Helper()
	f := hubtest.NewFake(t, hubtest.WithObjects(append([]client.Object{&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}}, objs...)...))
	return secrets.NewClient(f.Hub(hub.WithNamespace("team-a")), secrets.WithFilter(filter)), f
}

func TestListGetDecode(t *testing.T) {
	filter, err := secrets.ParseFilter(secrets.FilterSpec{Labels: "app.kubernetes.io/managed-by=krm", Names: "digitalhub-.*"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := newSecrets(t, filter,
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "digitalhub-owner"}, Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"password": []byte(topSecret), "username": []byte("owner")}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "unrelated"}, Data: map[string][]byte{"k": []byte("v")}},
	)
	ctx := t.Context()
	if _, err := c.Create(ctx, secrets.NewSecret("api-token", secrets.KV("token", topSecret))); err != nil {
		t.Fatal(err)
	}
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name string
		Type corev1.SecretType
		Keys int
	}
	rows := make([]row, 0, len(list))
	for _, s := range list {
		rows = append(rows, row{s.Name, s.Type, len(s.Keys)})
	}
	if diff := cmp.Diff([]row{{"api-token", corev1.SecretTypeOpaque, 1}, {"digitalhub-owner", corev1.SecretTypeOpaque, 2}}, rows); diff != "" {
		t.Errorf("List: only relevant secrets, sorted: -want, +got:\n%s", diff)
	}
	details, err := c.Get(ctx, "digitalhub-owner")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"password": secrets.Mask, "username": secrets.Mask}, details.Masked()); diff != "" {
		t.Errorf("Get must mask every value: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff([]string{"password", "username"}, details.Keys); diff != "" {
		t.Errorf("Keys: -want, +got:\n%s", diff)
	}
	v, err := c.Decode(ctx, "digitalhub-owner", "password")
	if err != nil || v.Reveal() != topSecret {
		t.Errorf("Decode = %v (revealed %q), want the value", err, v.Reveal())
	}
	_, err = c.Decode(ctx, "digitalhub-owner", "missing")
	if !hub.IsNotFound(err) || strings.Contains(err.Error(), topSecret) {
		t.Errorf("Decode of a missing key = %v, want NotFound without any value", err)
	}
	// The secret exists: the error must say the key is missing, not the secret.
	if err == nil || !strings.Contains(err.Error(), `has no key "missing"`) || strings.Contains(err.Error(), "not found") {
		t.Errorf("Decode of a missing key = %v; want an error naming the missing key, not a missing secret", err)
	}
	for _, call := range map[string]func() error{
		"Get":    func() error { _, err := c.Get(ctx, "unrelated"); return err },
		"Decode": func() error { _, err := c.Decode(ctx, "unrelated", "k"); return err },
		"Delete": func() error { return c.Delete(ctx, "unrelated") },
	} {
		if err := call(); !hub.IsNotFound(err) {
			t.Errorf("an irrelevant secret must be NotFound, got %v", err)
		}
	}
}

func TestCreate(t *testing.T) {
	existing := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "taken"}, Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"old": []byte("x")}}
	tlsSecret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "tls"}, Type: corev1.SecretTypeTLS, Data: map[string][]byte{"tls.crt": []byte("c"), "tls.key": []byte("k")}}
	cases := map[string]struct {
		reason     string
		secret     secrets.SecretRequest
		opts       []secrets.CreateOption
		wantFields []string
		wantErr    func(error) bool
		wantData   map[string]string
	}{
		"Plain": {
			reason:   "Plain-text values are stored as the secret's data.",
			secret:   secrets.NewSecret("db", secrets.KV("user", "app"), secrets.KV("password", topSecret)),
			wantData: map[string]string{"user": "app", "password": topSecret},
		},
		"EmptyName": {
			reason:     "A secret needs a name.",
			secret:     secrets.NewSecret("", secrets.KV("k", topSecret)),
			wantFields: []string{"metadata.name"},
		},
		"BadName": {
			reason:     "The name must be a DNS subdomain.",
			secret:     secrets.NewSecret("Bad_Name", secrets.KV("k", topSecret)),
			wantFields: []string{"metadata.name"},
		},
		"BadKey": {
			reason:     "Keys must be valid secret keys.",
			secret:     secrets.NewSecret("db", secrets.KV("no spaces", topSecret)),
			wantFields: []string{"data[no spaces]"},
		},
		"EmptyKey": {
			reason:     "Every entry needs a key.",
			secret:     secrets.NewSecret("db", secrets.KV("", topSecret)),
			wantFields: []string{"data[0]"},
		},
		"Duplicate": {
			reason:     "A key may be given once.",
			secret:     secrets.NewSecret("db", secrets.KV("k", topSecret), secrets.KV("k", "other")),
			wantFields: []string{"data[k]"},
		},
		"Exists": {
			reason:  "An existing secret is not overwritten by default.",
			secret:  secrets.NewSecret("taken", secrets.KV("new", topSecret)),
			wantErr: hub.IsAlreadyExists,
		},
		"Replace": {
			reason:   "Replace overwrites the existing secret's data.",
			secret:   secrets.NewSecret("taken", secrets.KV("new", topSecret)),
			opts:     []secrets.CreateOption{secrets.Replace()},
			wantData: map[string]string{"new": topSecret},
		},
		"ReplaceOtherType": {
			reason:     "Replace cannot change a secret's type.",
			secret:     secrets.NewSecret("tls", secrets.KV("k", topSecret)),
			opts:       []secrets.CreateOption{secrets.Replace()},
			wantFields: []string{"type"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			c, f := newSecrets(t, secrets.Filter{}, existing.DeepCopy(), tlsSecret.DeepCopy())
			_, err := c.Create(ctx, tc.secret, tc.opts...)
			if err != nil && strings.Contains(err.Error(), topSecret) {
				t.Fatalf("\nReason: %s\nthe error shows a secret value: %v", tc.reason, err)
			}
			switch {
			case tc.wantFields != nil:
				ve, ok := errors.AsType[*hub.ValidationError](err)
				if !ok {
					t.Fatalf("\nReason: %s\nCreate = %v, want a ValidationError", tc.reason, err)
				}
				fields := make([]string, 0, len(ve.Errors))
				for _, e := range ve.Errors {
					fields = append(fields, e.Field)
				}
				if diff := cmp.Diff(tc.wantFields, fields); diff != "" {
					t.Errorf("\nReason: %s\n-want, +got:\n%s", tc.reason, diff)
				}
				return
			case tc.wantErr != nil:
				if !tc.wantErr(err) {
					t.Errorf("\nReason: %s\nCreate = %v", tc.reason, err)
				}
				return
			case err != nil:
				t.Fatalf("\nReason: %s\nCreate: %v", tc.reason, err)
			}
			stored := &corev1.Secret{}
			if err := f.Client().Get(ctx, client.ObjectKey{Namespace: "team-a", Name: tc.secret.Name}, stored); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for k, v := range stored.Data {
				got[k] = string(v)
			}
			if diff := cmp.Diff(tc.wantData, got); diff != "" {
				t.Errorf("\nReason: %s\nstored data: -want, +got:\n%s", tc.reason, diff)
			}
			if stored.Labels[hub.ManagedByLabel] != hub.DefaultManagedBy {
				t.Errorf("\nReason: %s\nlabels %v, want the managed-by label", tc.reason, stored.Labels)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	c, f := newSecrets(t, secrets.Filter{}, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "old"}})
	if err := c.Delete(t.Context(), "old"); err != nil {
		t.Fatal(err)
	}
	if err := f.Client().Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: "old"}, &corev1.Secret{}); !hub.IsNotFound(err) {
		t.Errorf("the secret survived: %v", err)
	}
	if err := c.Delete(t.Context(), "old"); !hub.IsNotFound(err) {
		t.Errorf("a second delete = %v, want NotFound", err)
	}
}

// TestValuesNeverLeak prints, logs and marshals every type that can carry a
// value, with every common verb, and looks for the value.
func TestValuesNeverLeak(t *testing.T) {
	v := secrets.Plain(topSecret)
	e := secrets.KV("password", topSecret)
	s := secrets.NewSecret("db", e, secrets.KV("other", topSecret))
	carriers := map[string]any{"Value": v, "*Value": &v, "Entry": e, "*Entry": &e, "Secret": s, "*Secret": &s, "[]Entry": s.Entries, "struct": struct{ V secrets.Value }{v}}
	for name, carrier := range carriers {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
			if out := fmt.Sprintf(verb, carrier); strings.Contains(out, topSecret) || strings.Contains(out, fmt.Sprintf("%x", topSecret)) {
				t.Errorf("fmt %s of %s shows the value: %s", verb, name, out)
			}
		}
		var buf bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&buf, nil))
		logger.Info("creating", "carrier", carrier)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("creating", "carrier", carrier)
		if strings.Contains(buf.String(), topSecret) {
			t.Errorf("slog of %s shows the value: %s", name, buf.String())
		}
		if data, err := json.Marshal(carrier); err != nil || strings.Contains(string(data), topSecret) {
			t.Errorf("JSON of %s shows the value: %s (%v)", name, data, err)
		}
		if err := fmt.Errorf("failed on %v", carrier); strings.Contains(err.Error(), topSecret) {
			t.Errorf("an error wrapping %s shows the value: %v", name, err)
		}
	}
	if v.Reveal() != topSecret {
		t.Error("Reveal must return the value")
	}
	if diff := cmp.Diff(secrets.Mask, v.String()); diff != "" {
		t.Errorf("String: %s", diff)
	}
}

func TestRedactErrors(t *testing.T) {
	errs := field.ErrorList{
		field.Invalid(field.NewPath("spec", "password"), "hunter22", "too short"),
		field.Invalid(field.NewPath("spec", "user"), "ada", "taken"),
	}
	secrets.RedactErrors(errs, "spec.password")
	got := []any{errs[0].BadValue, errs[1].BadValue}
	if diff := cmp.Diff([]any{secrets.Mask, "ada"}, got); diff != "" || strings.Contains(errs.ToAggregate().Error(), "hunter22") {
		t.Errorf("only the named field is masked: -want, +got:\n%s%s", diff, errs.ToAggregate())
	}
}
