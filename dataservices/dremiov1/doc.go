// Package dremiov1 holds the API types of the Dremio REST server operator
// (scc-digitalhub/dremio-rest-server-operator): DremioRestServer in
// operator.dremiorestserver.com/v1, field for field: its tables are one
// comma-separated string, and its connection properties are jdbcProperties,
// not extraParams. Like the operator's CRD, the types require nothing and
// default nothing: the dataservices package's builders and reconciler hold
// the rules.
//
// The package holds types only; dataservices builds, validates, creates
// and reconciles them.
//
// +groupName=operator.dremiorestserver.com
// +versionName=v1
package dremiov1
