// Package gateway exposes Services outside the cluster as custom resources
// of the apigw-operator (ApiGw, operator.scc-digitalhub.github.io/v1),
// field for field: a host, a path, a Service and its port, and basic
// authentication (whose user field is "user").
//
// NewApiGw builds and validates a gateway (its host defaults to
// "<name>.services.<platform domain>", its path to "/"); the Client creates
// it, checking that the Service exists and has the port (its first when
// none is named), and Expose publishes a Service in one call, for the other
// domains. Provisioner does the operator's job: the Ingress apigw-<name>
// with the operator's labels and owner reference, TLS when on, and for
// basic authentication the Secret ingress-nginx reads ("auth:
// <user>:<bcrypt hash>") with the operator's SHA-256 annotation, by which a
// changed password is told without hashing again; its states, with the
// reason of an Error. Beyond the operator it renders Gateway API HTTPRoutes
// instead of Ingresses, and can put every gateway under one domain and one
// wildcard certificate. The password never reaches a log, an event, an
// error or the Ingress.
package gateway
