package hub_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hubkit-dev/hubkit/hub"
)

func TestCheckOf(t *testing.T) {
	check := hub.CheckOf(func(_ context.Context, _ *hub.Client, cm *corev1.ConfigMap) (field.ErrorList, error) {
		if cm.Data["size"] == "" {
			return field.ErrorList{field.Required(field.NewPath("data", "size"), "")}, nil
		}
		return nil, nil
	})
	ctx := t.Context()
	errs, err := check(ctx, nil, &corev1.ConfigMap{})
	if err != nil || len(errs) != 1 || errs[0].Field != "data.size" {
		t.Errorf("the typed check of a ConfigMap = %v, %v; want its field error", errs, err)
	}
	if errs, err := check(ctx, nil, &corev1.ConfigMap{Data: map[string]string{"size": "s"}}); err != nil || len(errs) != 0 {
		t.Errorf("a valid ConfigMap = %v, %v; want no error", errs, err)
	}
	if _, err := check(ctx, nil, &corev1.Secret{}); err == nil {
		t.Error("a check of ConfigMaps given a Secret must fail, not pass")
	}
}
