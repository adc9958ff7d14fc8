package dataservices

import (
	"errors"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/hubkit-dev/hubkit/dataservices/dremiov1"
	"github.com/hubkit-dev/hubkit/dataservices/postgrestv1"
)

// The two kinds live in two API groups, each in its own package as
// controller-gen wants (one group per package); these aliases let a reader
// of this package name them as its own.
type (
	// Postgrest is a PostgREST service (operator.postgrest.org/v1).
	Postgrest = postgrestv1.Postgrest
	// PostgrestList is a list of Postgrests.
	PostgrestList = postgrestv1.PostgrestList
	// PostgrestSpec is a Postgrest's spec.
	PostgrestSpec = postgrestv1.PostgrestSpec
	// PostgrestStatus is a Postgrest's status.
	PostgrestStatus = postgrestv1.PostgrestStatus
	// DremioRestServer is a Dremio REST server
	// (operator.dremiorestserver.com/v1).
	DremioRestServer = dremiov1.DremioRestServer
	// DremioRestServerList is a list of DremioRestServers.
	DremioRestServerList = dremiov1.DremioRestServerList
	// DremioRestServerSpec is a DremioRestServer's spec.
	DremioRestServerSpec = dremiov1.DremioRestServerSpec
	// DremioRestServerStatus is a DremioRestServer's status.
	DremioRestServerStatus = dremiov1.DremioRestServerStatus
)

// AddToScheme adds Postgrest and DremioRestServer to a scheme; pass it to
// hub.NewScheme.
func AddToScheme(s *runtime.Scheme) error {
	return errors.Join(postgrestv1.AddToScheme(s), dremiov1.AddToScheme(s))
}
