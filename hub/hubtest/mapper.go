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
