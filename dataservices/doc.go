// Package dataservices manages REST services over data as custom resources
// of two scc-digitalhub operators, field for field: PostgREST services over
// PostgreSQL tables (Postgrest, operator.postgrest.org/v1, the
// postgrest-operator's) and REST servers over Dremio virtual datasets
// (DremioRestServer, operator.dremiorestserver.com/v1, the
// dremio-rest-server-operator's). The API types live in postgrestv1 and
// dremiov1, one package per API group as controller-gen wants; this
// package names them through aliases.
//
// NewPostgrest and NewDremioRestServer build and validate the resources
// with the checks the operators make only at run time (an existing role or
// tables, not both; privileges PostgreSQL knows; a connection by Secret or
// by user and password, not both), and apply the resource manager's UI
// port defaults. The Client creates them, checking the Secret they connect
// with, and CreatePostgrestForUser puts a PostgREST service over a
// databases user in one call. Provisioner does the operators' job itself:
// the Secret, Deployment and Service each operator renders, named and
// labelled as it does; the role PostgREST generates for tables, with
// exactly the grants asked for; the operators' states. What the operators
// would make of an object is written once, in pure functions the
// Provisioner and the simulator (dataservicestest) share.
package dataservices
