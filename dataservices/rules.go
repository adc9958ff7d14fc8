package dataservices

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/dataservices/dremiov1"
	"github.com/hubkit-dev/hubkit/dataservices/postgrestv1"
	"github.com/hubkit-dev/hubkit/hub/reconcile"
	"github.com/hubkit-dev/hubkit/secrets"
)

// What the operators name, label and read, as they do.
const (
	// PostgrestFinalizer is the finalizer the PostgREST operator keeps on a
	// Postgrest until its generated role is dropped.
	PostgrestFinalizer = "operator.postgrest.org/finalizer"

	// KeyPostgresURI and KeyDremioURI are the keys of the rendered Secrets:
	// the connection URI each service reads.
	KeyPostgresURI = "postgresUri"
	KeyDremioURI   = "dremioUri"

	// SecretKeyPostgresURL, SecretKeyUser and SecretKeyPassword are the
	// keys the operators read from a connection Secret.
	SecretKeyPostgresURL = "POSTGRES_URL" //nolint:gosec // a key's name, not a credential
	SecretKeyUser        = "USER"
	SecretKeyPassword    = "PASSWORD"

	// DefaultSchema is the schema PostgREST exposes when a Postgrest names
	// none; DefaultGrants what its generated role gets when it names none.
	DefaultSchema = "public"
	DefaultGrants = "SELECT"

	// DefaultPostgresPort and DefaultDremioPort are the ports the resource
	// manager's UI puts in a connection that names none; the builders do
	// the same, the operators do not.
	DefaultPostgresPort = 5432
	DefaultDremioPort   = 32010

	// ServicePort is the port both services are reached at.
	ServicePort = 3000

	postgrestTargetPort = 3000
	dremioTargetPort    = 8080

	postgrestPrefix = "postgrest-"
	dremioPrefix    = "dremiorestserver-"
	anonRoleSuffix  = "_postgrest_role"

	// maxIdentifier is PostgreSQL's identifier length.
	maxIdentifier = 63

	// capabilityAll drops every Linux capability.
	capabilityAll corev1.Capability = "ALL"
	// grantAll stands for every table privilege in a Postgrest's grants.
	grantAll = "ALL"
)

// PostgrestObjectName is the name of the Secret, Deployment and Service
// rendered for the Postgrest called name.
func PostgrestObjectName(name string) string { return postgrestPrefix + name }

// DremioObjectName is the name of the Secret, Deployment and Service
// rendered for the DremioRestServer called name.
func DremioObjectName(name string) string { return dremioPrefix + name }

// AnonRoleName is the role generated for the tables of the Postgrest called
// name: the name in lower case, with '.', ' ' and '-' as '_', and the
// suffix "_postgrest_role".
func AnonRoleName(name string) string {
	return strings.ToLower(strings.NewReplacer(".", "_", " ", "_", "-", "_").Replace(name)) + anonRoleSuffix
}

// ServiceURL is the URL a service is reached at inside the cluster, through
// the Service rendered for it: objectName is PostgrestObjectName's or
// DremioObjectName's.
func ServiceURL(objectName, namespace string) string {
	return "http://" + objectName + "." + namespace + ".svc:" + strconv.Itoa(ServicePort)
}

// A Workload is how an operator runs its services, from its environment:
// the image and its tag, the type of the Services, the containers'
// resources.
type Workload struct {
	Image, Tag  string
	ServiceType corev1.ServiceType
	Resources   corev1.ResourceRequirements
}

// image is the container image, as the operators join it.
func (w Workload) image() string { return w.Image + ":" + w.Tag }

// tag is the version label's value.
func (w Workload) tag() string { return w.Tag }

// The workloads of the operators' defaults: their images at "latest", and
// ClusterIP Services, as the operators' own installation manifests set
// them (their code falls back to NodePort).
var (
	DefaultPostgrestWorkload = Workload{Image: "postgrest/postgrest", Tag: "latest", ServiceType: corev1.ServiceTypeClusterIP}
	DefaultDremioWorkload    = Workload{Image: "ghcr.io/scc-digitalhub/dremio-rest-server", Tag: "latest", ServiceType: corev1.ServiceTypeClusterIP}
)

// serviceLabels are the labels an operator puts on everything it renders,
// and selectorLabels those of them it selects pods by.
func serviceLabels(app, instance, operator, version, partOf string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":       app,
		"app.kubernetes.io/instance":   instance,
		"app.kubernetes.io/managed-by": operator,
		"app.kubernetes.io/version":    version,
		"app.kubernetes.io/part-of":    partOf,
	}
}

func selectorLabels(all map[string]string) map[string]string {
	out := maps.Clone(all)
	delete(out, "app.kubernetes.io/version")
	delete(out, "app.kubernetes.io/part-of")
	return out
}

func postgrestLabels(name string, w Workload) map[string]string {
	return serviceLabels("Postgrest", name, "postgrest-operator", w.tag(), "postgrest")
}

func dremioLabels(name string, w Workload) map[string]string {
	return serviceLabels("DremioRestServer", name, "dremiorestserver-operator", w.tag(), "dremiorestserver")
}

// A service is what an operator renders for one object, before the
// differences between the two.
type service struct {
	name, namespace string
	labels          map[string]string
	workload        Workload
	secretKey, uri  string
	container       corev1.Container
	targetPort      int
}

// render returns the Secret, the Deployment and the Service of s.
func (s service) render() []client.Object {
	meta := func() metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: s.name, Namespace: s.namespace, Labels: maps.Clone(s.labels)}
	}
	secret := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: meta(),
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{s.secretKey: []byte(s.uri)},
	}
	container := s.container
	container.Image = s.workload.image()
	container.ImagePullPolicy = corev1.PullIfNotPresent
	container.Resources = *s.workload.Resources.DeepCopy()
	selector := selectorLabels(s.labels)
	deployment := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta(),
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: maps.Clone(s.labels)},
				Spec: corev1.PodSpec{
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   new(true),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{container},
				},
			},
		},
	}
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta(),
		Spec: corev1.ServiceSpec{
			Type:     s.workload.ServiceType,
			Selector: selector,
			Ports: []corev1.ServicePort{{
				Protocol: corev1.ProtocolTCP, Port: ServicePort, TargetPort: intstr.FromInt(s.targetPort),
			}},
		},
	}
	return []client.Object{secret, deployment, svc}
}

// envFromSecret is an environment variable read from key of the Secret
// called secret.
func envFromSecret(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key, Optional: new(false),
	}}}
}

// renderPostgrest returns what the PostgREST operator renders for p: the
// Secret with uri under postgresUri, the Deployment of one postgrest
// container reading it, and the Service of port 3000. anonRole is the
// role PostgREST serves anonymous requests as: p's anonRole, or the one
// generated for its tables.
func renderPostgrest(p *Postgrest, w Workload, uri, anonRole string) []client.Object {
	name := PostgrestObjectName(p.Name)
	return service{
		name: name, namespace: p.Namespace, labels: postgrestLabels(p.Name, w), workload: w,
		secretKey: KeyPostgresURI, uri: uri, targetPort: postgrestTargetPort,
		container: corev1.Container{
			Name:    "postgrest",
			Command: []string{"postgrest"},
			Env: []corev1.EnvVar{
				envFromSecret("PGRST_DB_URI", name, KeyPostgresURI),
				{Name: "PGRST_DB_SCHEMAS", Value: schemaOf(p.Spec)},
				{Name: "PGRST_DB_ANON_ROLE", Value: anonRole},
			},
			SecurityContext: &corev1.SecurityContext{
				RunAsNonRoot: new(true), RunAsUser: new(int64(1001)), AllowPrivilegeEscalation: new(false),
				Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{capabilityAll}},
			},
		},
	}.render()
}

// renderDremio returns what the Dremio REST server operator renders for d:
// the Secret with uri under dremioUri, the Deployment of one
// dremiorestserver container reading it and d's tables, and the Service of
// port 3000 to the container's 8080.
func renderDremio(d *DremioRestServer, w Workload, uri string) []client.Object {
	name := DremioObjectName(d.Name)
	return service{
		name: name, namespace: d.Namespace, labels: dremioLabels(d.Name, w), workload: w,
		secretKey: KeyDremioURI, uri: uri, targetPort: dremioTargetPort,
		container: corev1.Container{
			Name: "dremiorestserver",
			Env: []corev1.EnvVar{
				envFromSecret("DREMIO_URL", name, KeyDremioURI),
				{Name: "DREMIO_TABLES", Value: d.Spec.Tables},
			},
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: new(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{capabilityAll}},
			},
		},
	}.render()
}

// schemaOf is the schema a Postgrest exposes.
func schemaOf(spec PostgrestSpec) string {
	if spec.Schema == "" {
		return DefaultSchema
	}
	return spec.Schema
}

// ParseGrants reads a Postgrest's grants as the operator does (blanks
// dropped, upper case, comma separated; empty is SELECT) and checks each is
// a PostgreSQL table privilege; ALL stands for all of them. Errors are
// under p.
func ParseGrants(p *field.Path, grants string) ([]string, field.ErrorList) {
	text := strings.ToUpper(strings.Join(strings.Fields(grants), ""))
	if text == "" {
		text = DefaultGrants
	}
	var out []string
	var errs field.ErrorList
	for item := range strings.SplitSeq(text, ",") {
		switch {
		case item == grantAll || item == grantAll+"PRIVILEGES":
			out = append(out, databases.TablePrivilegeNames...)
		case slices.Contains(databases.TablePrivilegeNames, item):
			out = append(out, item)
		default:
			errs = append(errs, field.NotSupported(p, item, append([]string{grantAll}, databases.TablePrivilegeNames...)))
		}
	}
	slices.Sort(out)
	return slices.Compact(out), errs
}

// A postgresConnection is where a PostgREST service connects, resolved from
// its spec and Secret: the URI it reads, and the role and database in it.
type postgresConnection struct {
	uri, user, database string
}

// connectionPath is the field path of a connection.
var connectionPath = field.NewPath("spec", "connection")

// resolvePostgres resolves spec's connection as the operator does: the
// Secret's POSTGRES_URL as it is; else the Secret's USER and PASSWORD, or
// the spec's user and password, with the spec's host, port, database and
// extra parameters. secret is the Secret spec.connection.secretName names
// (nil when it names none). User and password are escaped in the URI (the
// operator puts them in as they are, which breaks on '@' or '/').
func resolvePostgres(c postgrestv1.ConnectionProperties, secret *corev1.Secret) (postgresConnection, field.ErrorList) {
	user, password := c.User, c.Password
	if c.SecretName != "" {
		if raw, ok := secret.Data[SecretKeyPostgresURL]; ok {
			u, err := url.Parse(string(raw))
			if err != nil || u.Host == "" || u.User == nil {
				return postgresConnection{}, field.ErrorList{field.Invalid(connectionPath.Child("secretName"), c.SecretName,
					"its "+SecretKeyPostgresURL+" is not a URL such as postgresql://user:password@host:5432/database")}
			}
			return postgresConnection{uri: string(raw), user: u.User.Username(), database: strings.TrimPrefix(u.Path, "/")}, nil
		}
		user, password = string(secret.Data[SecretKeyUser]), string(secret.Data[SecretKeyPassword])
		switch {
		case user == "" || password == "":
			return postgresConnection{}, field.ErrorList{field.Invalid(connectionPath.Child("secretName"), c.SecretName,
				"the Secret must hold "+SecretKeyPostgresURL+", or "+SecretKeyUser+" and "+SecretKeyPassword)}
		case c.Host == "":
			return postgresConnection{}, field.ErrorList{field.Required(connectionPath.Child("host"), "the Secret holds "+SecretKeyUser+" and "+SecretKeyPassword+": name the host and database")}
		case c.Database == "":
			return postgresConnection{}, field.ErrorList{field.Required(connectionPath.Child("database"), "the Secret holds "+SecretKeyUser+" and "+SecretKeyPassword+": name the host and database")}
		}
	}
	host := c.Host
	if c.Port != 0 {
		host += ":" + strconv.Itoa(c.Port)
	}
	u := url.URL{Scheme: "postgresql", User: url.UserPassword(user, password), Host: host, Path: "/" + c.Database, RawQuery: c.ExtraParams}
	return postgresConnection{uri: u.String(), user: user, database: c.Database}, nil
}

// resolveDremio resolves a DremioRestServer's connection as the operator
// does: host[:port]?user=…&password=…[&jdbcProperties], with the spec's
// user and password or the Secret's USER and PASSWORD. secret is the
// Secret spec.connection.secretName names (nil when it names none).
// User and password are query-escaped.
func resolveDremio(c dremiov1.ConnectionProperties, secret *corev1.Secret) (string, field.ErrorList) {
	user, password := c.User, c.Password
	if c.SecretName != "" {
		user, password = string(secret.Data[SecretKeyUser]), string(secret.Data[SecretKeyPassword])
		if user == "" || password == "" {
			return "", field.ErrorList{field.Invalid(connectionPath.Child("secretName"), c.SecretName, "the Secret must hold "+SecretKeyUser+" and "+SecretKeyPassword)}
		}
	}
	uri := c.Host
	if c.Port != 0 {
		uri += ":" + strconv.Itoa(c.Port)
	}
	uri += "?user=" + url.QueryEscape(user) + "&password=" + url.QueryEscape(password)
	if c.JDBCProperties != "" {
		uri += "&" + c.JDBCProperties
	}
	return uri, nil
}

// validateServiceName checks that the objects rendered for a resource
// called name, objectName, can be a Service's name: a DNS-1035 label.
func validateServiceName(name, objectName string) field.ErrorList {
	p := field.NewPath("metadata", "name")
	msgs := validation.IsDNS1035Label(objectName)
	errs := make(field.ErrorList, 0, len(msgs))
	for _, msg := range msgs {
		errs = append(errs, field.Invalid(p, name, fmt.Sprintf("the Service %q rendered for it must be a DNS-1035 label: %s", objectName, msg)))
	}
	return errs
}

// validatePostgresConnection checks a PostgREST connection that needs no
// Secret read: by Secret, without user and password; else host, database,
// user and password.
func validatePostgresConnection(c postgrestv1.ConnectionProperties) field.ErrorList {
	var errs field.ErrorList
	if c.SecretName != "" {
		errs = append(errs, forbiddenWithSecret(c.User, c.Password)...)
	} else {
		for _, f := range []struct{ name, value string }{{"host", c.Host}, {"database", c.Database}, {"user", c.User}, {"password", c.Password}} {
			if f.value == "" {
				errs = append(errs, field.Required(connectionPath.Child(f.name), "without secretName, name the host, database, user and password"))
			}
		}
	}
	return append(errs, validatePort(c.Port)...)
}

// forbiddenWithSecret refuses a user or password beside a secretName.
func forbiddenWithSecret(user, password string) field.ErrorList {
	var errs field.ErrorList
	if user != "" {
		errs = append(errs, field.Forbidden(connectionPath.Child("user"), "not with secretName: the Secret holds the user"))
	}
	if password != "" {
		errs = append(errs, field.Forbidden(connectionPath.Child("password"), "not with secretName: the Secret holds the password"))
	}
	return errs
}

func validatePort(port int) field.ErrorList {
	if port < 0 || port > 65535 {
		return field.ErrorList{field.Invalid(connectionPath.Child("port"), port, "a port from 1 to 65535, or 0 for none")}
	}
	return nil
}

// validatePostgrestSpec checks what the PostgREST operator checks at run
// time, and what would break what it renders, with field paths: an
// existing role or tables to expose, not both; valid grants, only with
// tables; a connection by Secret or by host, database, user and password.
func validatePostgrestSpec(name string, spec PostgrestSpec) field.ErrorList {
	p := field.NewPath("spec")
	errs := validateServiceName(name, PostgrestObjectName(name))
	switch {
	case spec.AnonRole != "" && spec.Tables != nil:
		errs = append(errs, field.Forbidden(p.Child("tables"), "not with anonRole: expose tables through a generated role, or serve as an existing role"))
	case spec.AnonRole == "" && len(spec.Tables) == 0:
		errs = append(errs, field.Required(p.Child("tables"), "name the tables to expose, or an existing role in anonRole"))
	}
	if spec.AnonRole != "" && spec.Grants != "" {
		errs = append(errs, field.Forbidden(p.Child("grants"), "only with tables: the generated role gets them"))
	}
	if spec.AnonRole == "" {
		if role := AnonRoleName(name); len(role) > maxIdentifier {
			errs = append(errs, field.TooLong(field.NewPath("metadata", "name"), name, maxIdentifier-len(anonRoleSuffix)))
		}
	}
	errs = append(errs, validateIdentifier(p.Child("schema"), spec.Schema)...)
	errs = append(errs, validateIdentifier(p.Child("anonRole"), spec.AnonRole)...)
	seen := map[string]bool{}
	for i, t := range spec.Tables {
		tp := p.Child("tables").Index(i)
		switch {
		case t == "":
			errs = append(errs, field.Required(tp, "a table's name"))
		case seen[t]:
			errs = append(errs, field.Duplicate(tp, t))
		default:
			errs = append(errs, validateIdentifier(tp, t)...)
		}
		seen[t] = true
	}
	if _, grantErrs := ParseGrants(p.Child("grants"), spec.Grants); len(grantErrs) > 0 {
		errs = append(errs, grantErrs...)
	}
	return append(errs, validatePostgresConnection(spec.Connection)...)
}

// validateIdentifier checks a PostgreSQL identifier Hubkit quotes: at most
// 63 bytes, no NUL. Empty is left to the caller.
func validateIdentifier(p *field.Path, name string) field.ErrorList {
	switch {
	case len(name) > maxIdentifier:
		return field.ErrorList{field.TooLong(p, name, maxIdentifier)}
	case strings.ContainsRune(name, 0):
		return field.ErrorList{field.Invalid(p, name, "a PostgreSQL identifier holds no NUL")}
	}
	return nil
}

// validateDremioSpec checks what the Dremio REST server operator checks at
// run time, with field paths: tables, a host, and a user and password or a
// Secret.
func validateDremioSpec(name string, spec DremioRestServerSpec) field.ErrorList {
	p := field.NewPath("spec")
	errs := validateServiceName(name, DremioObjectName(name))
	if strings.TrimSpace(strings.ReplaceAll(spec.Tables, ",", "")) == "" {
		errs = append(errs, field.Required(p.Child("tables"), "name the tables to expose, comma separated"))
	} else {
		for i, t := range strings.Split(spec.Tables, ",") {
			if strings.TrimSpace(t) == "" {
				errs = append(errs, field.Invalid(p.Child("tables"), spec.Tables, fmt.Sprintf("table %d of the list is empty", i+1)))
			}
		}
	}
	c := spec.Connection
	if c.Host == "" {
		errs = append(errs, field.Required(connectionPath.Child("host"), "Dremio's host"))
	}
	if c.SecretName != "" {
		errs = append(errs, forbiddenWithSecret(c.User, c.Password)...)
	} else {
		if c.User == "" {
			errs = append(errs, field.Required(connectionPath.Child("user"), "without secretName, name the user and password"))
		}
		if c.Password == "" {
			errs = append(errs, field.Required(connectionPath.Child("password"), "without secretName, name the user and password"))
		}
	}
	return append(errs, validatePort(c.Port)...)
}

// The details the PostgREST reconciler passes from its External to the
// rendering and the status.
const (
	detailURI      = "uri"
	detailAnonRole = "anonRole"
)

// postgrestStatus is the status the PostgREST operator reports for p after
// a reconcile: Error with the message when it failed, Initializing while
// it waits for what it needs, Updating when it changed what it rendered,
// Deploying until the Deployment has a ready replica, then Running. The
// role generated for tables is reported once observed, and kept while a
// reconcile fails or waits, so that it can still be dropped; a Postgrest
// serving as an existing role (spec.anonRole) reports none once a
// reconcile got through, since it drops the generated role first.
func postgrestStatus(p *Postgrest, o reconcile.Outcome) PostgrestStatus {
	status := PostgrestStatus{GeneratedAnonRole: p.Status.GeneratedAnonRole}
	switch role := o.Details.Get(detailAnonRole); {
	case p.Spec.AnonRole == "" && role != "":
		status.GeneratedAnonRole = role
	case p.Spec.AnonRole != "" && o.Err == nil && o.Waiting == "":
		status.GeneratedAnonRole = ""
	}
	status.State, status.Message = serviceState(o, postgrestv1.StateInitializing)
	return status
}

// generatedRoleOf names the role generated for p's tables that may still
// exist: the one its status reports, else, while a database is recorded
// for it (AnnotationAnonRoleDatabase), the one named after p (a reconcile
// that made it may have failed before reporting it); "" when none.
func generatedRoleOf(p *Postgrest) string {
	switch {
	case p.Status.GeneratedAnonRole != "":
		return p.Status.GeneratedAnonRole
	case p.Annotations[AnnotationAnonRoleDatabase] != "":
		return AnonRoleName(p.Name)
	}
	return ""
}

// dremioStatus is the status the Dremio REST server operator reports for
// d, which has no message: Error, Deploying (also while waiting),
// Updating, then Running.
func dremioStatus(o reconcile.Outcome) DremioRestServerStatus {
	state, _ := serviceState(o, dremiov1.StateDeploying)
	return DremioRestServerStatus{State: state}
}

// serviceState is the state of a service after a reconcile, and its
// message: waiting is the state of a service waiting for what it needs.
// The operators' state names are the same in both.
func serviceState(o reconcile.Outcome, waiting string) (string, string) {
	switch {
	case o.Err != nil:
		return postgrestv1.StateError, o.Err.Error()
	case o.Waiting != "":
		return waiting, o.Waiting
	}
	deployment, op, ok := reconcile.ResultOf[*appsv1.Deployment](o.Children)
	switch {
	case !ok:
		return waiting, ""
	case op == reconcile.OperationUpdated:
		return postgrestv1.StateUpdating, ""
	case op == reconcile.OperationUnchanged && deployment.Status.ReadyReplicas > 0:
		return postgrestv1.StateRunning, ""
	}
	return postgrestv1.StateDeploying, ""
}

// anonRoleWant is what a Postgrest with tables wants of PostgreSQL: its
// generated role, using schema and holding privileges on tables of it in
// database, and the connecting user allowed to switch to it.
type anonRoleWant struct {
	role, user, database, schema string
	tables, privileges           []string
}

// anonRoleState is what PostgreSQL has of a generated role.
type anonRoleState struct {
	exists bool
	// switchable says the connecting user is a member of the role.
	switchable bool
	privileges []databases.TablePrivilege
	// usage lists the schemas the role may use.
	usage []string
	// connecting holds, for each table of grantsToCheck, the privileges
	// the connecting user holds on it.
	connecting map[tableName][]string
}

// A roleStep is one change of planAnonRole's plan.
type roleStep struct {
	name string
	do   func(context.Context, databases.Server) error
	// base marks the role's creation, without which no later step can
	// succeed.
	base bool
}

// A tableName is a table and its schema.
type tableName struct{ schema, table string }

func (t tableName) String() string { return t.schema + "." + t.table }

func (t tableName) compare(o tableName) int {
	return cmp.Or(strings.Compare(t.schema, o.schema), strings.Compare(t.table, o.table))
}

// privilegeUsage is the schema privilege the generated role gets.
const privilegeUsage = "USAGE"

// startsOver tells whether the generated role may use another schema
// than the one wanted (the spec's schema changed): it then first loses
// everything it was granted in the database, and is granted anew.
func startsOver(want anonRoleWant, have anonRoleState) bool {
	return slices.ContainsFunc(have.usage, func(s string) bool { return s != want.schema })
}

// tableGrants compares the table privileges of the generated role with
// those wanted (the spec's privileges on each of its tables), by table. It
// returns the extra ones, held but no longer asked, then the missing ones,
// asked but not held. A role that starts over holds none.
func tableGrants(want anonRoleWant, have anonRoleState) (map[tableName][]string, map[tableName][]string) {
	held := have.privileges
	if startsOver(want, have) {
		held = nil
	}
	wanted := map[databases.TablePrivilege]bool{}
	for _, t := range want.tables {
		for _, p := range want.privileges {
			wanted[databases.TablePrivilege{Schema: want.schema, Table: t, Privilege: p}] = true
		}
	}
	extra, missing := map[tableName][]string{}, map[tableName][]string{}
	for _, p := range held {
		if !wanted[p] {
			t := tableName{p.Schema, p.Table}
			extra[t] = append(extra[t], p.Privilege)
		}
		delete(wanted, p)
	}
	for p := range wanted {
		t := tableName{p.Schema, p.Table}
		missing[t] = append(missing[t], p.Privilege)
	}
	return extra, missing
}

// grantsToCheck lists, by table, the privileges the connecting user must
// hold itself before the generated role gets them: PostgREST's operator
// grants as that user, so a PostgREST service gets no more than the role
// it connects as; Hubkit grants as the administrator, so it checks first.
//
// Those are the privileges the plan grants (tableGrants' missing), and,
// while the connecting user is not a member of the generated role yet,
// every privilege asked: making it a member passes on all the generated
// role holds, whoever it was granted for (the connection may have moved
// to another user). Once the user is a member, it holds whatever the
// generated role holds, so checking a privilege the role was granted
// already would be circular: that privilege was checked when it was
// granted, and is not checked again (a privilege the user loses later is
// not taken back from the generated role).
func grantsToCheck(want anonRoleWant, have anonRoleState) map[tableName][]string {
	_, missing := tableGrants(want, have)
	if have.switchable {
		return missing
	}
	asked := make(map[tableName][]string, len(want.tables))
	for _, t := range want.tables {
		asked[tableName{want.schema, t}] = slices.Clone(want.privileges)
	}
	return asked
}

// refusedGrants refuses the privileges of asked (by table) that the
// connecting user does not hold (held, by table), naming the user, each
// privilege and each table; nil when it holds them all.
func refusedGrants(user string, asked, held map[tableName][]string) error {
	var refused []string
	for _, t := range slices.SortedFunc(maps.Keys(asked), tableName.compare) {
		var not []string
		for _, p := range slices.SortedFunc(slices.Values(asked[t]), comparePrivileges) {
			if !slices.Contains(held[t], p) && !slices.Contains(not, p) {
				not = append(not, p)
			}
		}
		if len(not) > 0 {
			refused = append(refused, "may not "+strings.Join(not, ", ")+" on "+t.String())
		}
	}
	if len(refused) == 0 {
		return nil
	}
	return fmt.Errorf("the connecting role %q %s: a PostgREST service gets no more than the role it connects as", user, strings.Join(refused, "; "))
}

// comparePrivileges orders table privileges as PostgreSQL lists them
// (databases.TablePrivilegeNames), any other word last.
func comparePrivileges(a, b string) int {
	index := func(p string) int {
		if i := slices.Index(databases.TablePrivilegeNames, p); i >= 0 {
			return i
		}
		return len(databases.TablePrivilegeNames)
	}
	return cmp.Or(cmp.Compare(index(a), index(b)), strings.Compare(a, b))
}

// planAnonRole lists the changes that make PostgreSQL hold want, given
// have: the role (which cannot log in), the use of its schema (a role that
// may use another schema, because the spec's schema changed, first loses
// everything it was granted in the database), exactly the privileges asked
// on exactly the tables asked (what is no longer asked is revoked), and
// the connecting user's membership. Nothing when have holds want. It does
// not check that the connecting user may pass the privileges on: see
// grantsToCheck and refusedGrants, which the Provisioner runs first.
func planAnonRole(want anonRoleWant, have anonRoleState) []roleStep {
	var plan []roleStep
	extra, missing := tableGrants(want, have)
	if !have.exists {
		plan = append(plan, roleStep{name: "create role " + want.role, base: true, do: func(ctx context.Context, s databases.Server) error {
			return s.CreateRole(ctx, want.role, secrets.Value{})
		}})
	}
	if startsOver(want, have) {
		plan = append(plan, roleStep{name: "revoke what " + want.role + " holds in " + want.database, base: true, do: func(ctx context.Context, s databases.Server) error {
			return s.HandOver(ctx, want.database, want.role, s.Admin())
		}})
		have.usage = nil
	}
	if !slices.Contains(have.usage, want.schema) {
		plan = append(plan, roleStep{name: "grant usage on schema " + want.schema + " to " + want.role, do: func(ctx context.Context, s databases.Server) error {
			return s.Grant(ctx, want.database, want.schema, databases.Grant{On: databases.OnSchema, Privileges: []string{privilegeUsage}, To: want.role})
		}})
	}
	for _, t := range slices.SortedFunc(maps.Keys(extra), tableName.compare) {
		privileges := slices.Sorted(slices.Values(extra[t]))
		plan = append(plan, roleStep{name: "revoke " + strings.Join(privileges, ",") + " on " + t.String() + " from " + want.role, do: func(ctx context.Context, s databases.Server) error {
			return s.RevokeTable(ctx, want.database, t.schema, t.table, privileges, want.role)
		}})
	}
	for _, t := range slices.SortedFunc(maps.Keys(missing), tableName.compare) {
		privileges := slices.Sorted(slices.Values(missing[t]))
		plan = append(plan, roleStep{name: "grant " + strings.Join(privileges, ",") + " on " + t.String() + " to " + want.role, do: func(ctx context.Context, s databases.Server) error {
			return s.GrantTable(ctx, want.database, t.schema, t.table, privileges, want.role)
		}})
	}
	if !have.switchable {
		plan = append(plan, roleStep{name: "grant " + want.role + " to " + want.user, do: func(ctx context.Context, s databases.Server) error {
			return s.GrantRole(ctx, want.role, want.user)
		}})
	}
	return plan
}
