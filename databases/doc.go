// Package databases manages PostgreSQL databases and users as custom
// resources of the movetokube postgres-operator (db.movetokube.com/v1alpha1:
// Postgres and PostgresUser), field for field, so that Hubkit works on
// clusters where that operator runs and reads what its users wrote.
//
// NewDatabase and NewUser build and validate the resources; the Client
// creates, lists and deletes them, summarises their status, and returns a
// user's ConnectionInfo from the Secret the operator writes
// ("<secretName>-<resource name>"). Provisioner does the operator's job
// itself: two reconcile.Managed controllers over a Server, the real
// PostgreSQL (PostgreSQLServer, through a pgx pool) or databasestest's
// in-memory one. What the operator would make of an object (role names,
// grants, the user's group, the Secret, the statuses) is written once, in
// pure functions both use; databasestest's contract suite proves that the
// two Servers agree.
package databases
