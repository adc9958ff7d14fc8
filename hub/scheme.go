package hub

import (
	"fmt"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// AddToSchemeFunc is the signature of the AddToScheme function every API
// package exports, Hubkit's domain packages included.
type AddToSchemeFunc func(*runtime.Scheme) error

// NewScheme returns a scheme that knows client-go's built-in types, the
// apiextensions types (CustomResourceDefinition) and whatever the given
// AddToScheme functions add, typically those of Hubkit's domain packages:
//
//	scheme, err := hub.NewScheme(databases.AddToScheme, objectstore.AddToScheme)
func NewScheme(addToScheme ...AddToSchemeFunc) (*runtime.Scheme, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, fmt.Errorf("hub: adding client-go types to the scheme: %w", err)
	}
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		return nil, fmt.Errorf("hub: adding apiextensions types to the scheme: %w", err)
	}
	for i, add := range addToScheme {
		if add == nil {
			return nil, fmt.Errorf("hub: NewScheme argument %d is a nil AddToScheme function", i)
		}
		if err := add(scheme); err != nil {
			return nil, fmt.Errorf("hub: NewScheme argument %d: %w", i, err)
		}
	}
	return scheme, nil
}
