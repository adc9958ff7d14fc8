// Package postgrestv1 holds the API types of the PostgREST operator
// (scc-digitalhub/postgrest-operator): Postgrest in operator.postgrest.org/v1,
// field for field, so that a Postgrest written by Hubkit is one the
// operator reconciles, and one written for the operator reads without loss.
// Like the operator's CRD, the types require nothing and default nothing:
// the dataservices package's builders and reconciler hold the rules.
//
// The package holds types only; dataservices builds, validates, creates
// and reconciles them.
//
// +groupName=operator.postgrest.org
// +versionName=v1
package postgrestv1
