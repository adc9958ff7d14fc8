package hubtest

import (
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// swappableMapper is a REST mapper whose content InstallCRDs replaces.
type swappableMapper struct {
	mu sync.RWMutex
	m  meta.RESTMapper
}

var _ meta.RESTMapper = (*swappableMapper)(nil)

func (s *swappableMapper) set(m meta.RESTMapper) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m = m
}

func (s *swappableMapper) get() meta.RESTMapper {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m
}

func (s *swappableMapper) KindFor(resource schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	return s.get().KindFor(resource)
}

func (s *swappableMapper) KindsFor(resource schema.GroupVersionResource) ([]schema.GroupVersionKind, error) {
	return s.get().KindsFor(resource)
}

func (s *swappableMapper) ResourceFor(input schema.GroupVersionResource) (schema.GroupVersionResource, error) {
	return s.get().ResourceFor(input)
}

func (s *swappableMapper) ResourcesFor(input schema.GroupVersionResource) ([]schema.GroupVersionResource, error) {
	return s.get().ResourcesFor(input)
}

func (s *swappableMapper) RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	return s.get().RESTMapping(gk, versions...)
}

func (s *swappableMapper) RESTMappings(gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error) {
	return s.get().RESTMappings(gk, versions...)
}

func (s *swappableMapper) ResourceSingularizer(resource string) (string, error) {
	return s.get().ResourceSingularizer(resource)
}

// layeredMapper asks first, and second only for what first does not know:
// installed CRDs win over the static guesses made from the scheme, which
// would otherwise match the same kinds twice.
type layeredMapper struct {
	first, second meta.RESTMapper
}

var _ meta.RESTMapper = layeredMapper{}

func fallback[T any](first func() (T, error), second func() (T, error)) (T, error) {
	v, err := first()
	if err != nil && meta.IsNoMatchError(err) {
		return second()
	}
	return v, err
}

func (m layeredMapper) KindFor(r schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	return fallback(func() (schema.GroupVersionKind, error) { return m.first.KindFor(r) }, func() (schema.GroupVersionKind, error) { return m.second.KindFor(r) })
}

func (m layeredMapper) KindsFor(r schema.GroupVersionResource) ([]schema.GroupVersionKind, error) {
	return fallback(func() ([]schema.GroupVersionKind, error) { return m.first.KindsFor(r) }, func() ([]schema.GroupVersionKind, error) { return m.second.KindsFor(r) })
}

func (m layeredMapper) ResourceFor(r schema.GroupVersionResource) (schema.GroupVersionResource, error) {
	return fallback(func() (schema.GroupVersionResource, error) { return m.first.ResourceFor(r) }, func() (schema.GroupVersionResource, error) { return m.second.ResourceFor(r) })
}

func (m layeredMapper) ResourcesFor(r schema.GroupVersionResource) ([]schema.GroupVersionResource, error) {
	return fallback(func() ([]schema.GroupVersionResource, error) { return m.first.ResourcesFor(r) }, func() ([]schema.GroupVersionResource, error) { return m.second.ResourcesFor(r) })
}

func (m layeredMapper) RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	return fallback(func() (*meta.RESTMapping, error) { return m.first.RESTMapping(gk, versions...) }, func() (*meta.RESTMapping, error) { return m.second.RESTMapping(gk, versions...) })
}

func (m layeredMapper) RESTMappings(gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error) {
	return fallback(func() ([]*meta.RESTMapping, error) { return m.first.RESTMappings(gk, versions...) }, func() ([]*meta.RESTMapping, error) { return m.second.RESTMappings(gk, versions...) })
}

func (m layeredMapper) ResourceSingularizer(resource string) (string, error) {
	s, err := m.first.ResourceSingularizer(resource)
	if err != nil {
		return m.second.ResourceSingularizer(resource)
	}
	return s, nil
}
