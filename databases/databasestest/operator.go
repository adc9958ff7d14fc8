// Package databasestest simulates the movetokube postgres-operator in a
// hubtest fake cluster: databases get their status roles, users get their
// role, group and the Secret with every key the operator writes.
package databasestest

import (
	"context"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/hubkit-dev/hubkit/databases"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
)

// An Operator simulates the postgres-operator. Add it to a fake with
// hubtest.WithSimulators; the fake's scheme must know the databases types.
type Operator struct {
	// Host and Port are what the user Secrets point at.
	Host string
	Port int
	// URIArgs are appended to POSTGRES_URL.
	URIArgs string
	// KeepSecretName names user Secrets "<secretName>" rather than
	// "<secretName>-<resource name>", as KEEP_SECRET_NAME=true does.
	KeepSecretName bool
}

// NewOperator returns an operator whose users connect to
// postgres.databases.svc:5432.
func NewOperator() *Operator {
	return &Operator{Host: "postgres.databases.svc", Port: 5432, URIArgs: "sslmode=disable"}
}

var _ hubtest.Simulator = (*Operator)(nil)

// Simulate reacts to Postgres and PostgresUser changes.
func (o *Operator) Simulate(ctx context.Context, f *hubtest.Fake, ev hubtest.Event) error {
	if ev.Type == hubtest.EventDeleted {
		return nil
	}
	switch obj := ev.Object.(type) {
	case *databases.Postgres:
		return o.reconcileDatabase(ctx, f.Client(), obj)
	case *databases.PostgresUser:
		return o.reconcileUser(ctx, f.Client(), obj)
	}
	return nil
}

func (o *Operator) reconcileDatabase(ctx context.Context, c client.Client, p *databases.Postgres) error {
	if p.DeletionTimestamp != nil {
		return removeFinalizer(ctx, c, p)
	}
	if added, err := addFinalizer(ctx, c, p); added || err != nil {
		return err
	}
	owner := p.Spec.MasterRole
	if owner == "" {
		owner = p.Spec.Database + "-group"
	}
	want := databases.PostgresStatus{
		Succeeded:  true,
		Roles:      databases.PostgresRoles{Owner: owner, Reader: p.Spec.Database + "-reader", Writer: p.Spec.Database + "-writer"},
		Schemas:    slices.Clone(p.Spec.Schemas),
		Extensions: slices.Clone(p.Spec.Extensions),
	}
	if equality.Semantic.DeepEqual(want, p.Status) {
		return nil
	}
	p.Status = want
	return client.IgnoreNotFound(c.Status().Update(ctx, p))
}

func (o *Operator) reconcileUser(ctx context.Context, c client.Client, u *databases.PostgresUser) error {
	if u.DeletionTimestamp != nil {
		return removeFinalizer(ctx, c, u)
	}
	if added, err := addFinalizer(ctx, c, u); added || err != nil {
		return err
	}
	db := &databases.Postgres{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: u.Namespace, Name: u.Spec.Database}, db); err != nil {
		if apierrors.IsNotFound(err) {
			return nil // the operator retries until the database exists
		}
		return err
	}
	if !db.Status.Succeeded {
		return nil
	}
	if !metav1.IsControlledBy(u, db) {
		if err := controllerutil.SetControllerReference(db, u, c.Scheme()); err != nil {
			return err
		}
		return client.IgnoreNotFound(c.Update(ctx, u))
	}
	role := u.Status.PostgresRole
	if role == "" {
		role = databases.NewRoleName(u.Spec.Role)
	}
	group := db.Status.Roles.Owner
	switch u.Spec.Privileges {
	case string(databases.PrivilegeRead):
		group = db.Status.Roles.Reader
	case string(databases.PrivilegeWrite):
		group = db.Status.Roles.Writer
	}
	if err := o.ensureSecret(ctx, c, u, db, role); err != nil {
		return err
	}
	want := databases.PostgresUserStatus{Succeeded: true, PostgresRole: role, PostgresLogin: role, PostgresGroup: group, DatabaseName: db.Spec.Database}
	if equality.Semantic.DeepEqual(want, u.Status) {
		return nil
	}
	u.Status = want
	return client.IgnoreNotFound(c.Status().Update(ctx, u))
}

func (o *Operator) ensureSecret(ctx context.Context, c client.Client, u *databases.PostgresUser, db *databases.Postgres, role string) error {
	name := databases.SecretNameFor(u, o.KeepSecretName)
	existing := &corev1.Secret{}
	err := c.Get(ctx, client.ObjectKey{Namespace: u.Namespace, Name: name}, existing)
	if err == nil || !apierrors.IsNotFound(err) {
		return err
	}
	labels := map[string]string{"app": u.Name}
	maps.Copy(labels, u.Spec.Labels)
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: u.Namespace, Name: name, Labels: labels, Annotations: maps.Clone(u.Spec.Annotations)},
		Type:       corev1.SecretTypeOpaque,
		Data:       databases.SecretData(o.Host, o.Port, db.Spec.Database, role, databases.NewPassword().Reveal(), o.URIArgs),
	}
	if err := controllerutil.SetControllerReference(u, secret, c.Scheme()); err != nil {
		return err
	}
	return c.Create(ctx, secret)
}

func addFinalizer(ctx context.Context, c client.Client, obj client.Object) (bool, error) {
	if !controllerutil.AddFinalizer(obj, databases.Finalizer) {
		return false, nil
	}
	return true, client.IgnoreNotFound(c.Update(ctx, obj))
}

func removeFinalizer(ctx context.Context, c client.Client, obj client.Object) error {
	if !controllerutil.RemoveFinalizer(obj, databases.Finalizer) {
		return nil
	}
	return client.IgnoreNotFound(c.Update(ctx, obj))
}
