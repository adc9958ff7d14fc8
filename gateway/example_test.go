package gateway_test

import (
	"context"
	"fmt"
	"log"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/gateway/gatewaytest"
	"github.com/hubkit-dev/hubkit/hub"
	"github.com/hubkit-dev/hubkit/hub/hubtest"
	"github.com/hubkit-dev/hubkit/secrets"
)

// A gateway in front of a Service with basic authentication, on the
// platform's domain: the defaults fill in the host and the path. Validate
// says what is wrong with another, with the field paths of the resource
// and without the password.
func ExampleNewApiGw() {
	r := gateway.NewApiGw("items-api", "items",
		gateway.WithDomain("hubkit.example"), gateway.WithBasicAuth("analyst", secrets.Plain("s3cret")))
	fmt.Println(len(r.Validate()), "errors")
	g := r.Build("team-a")
	fmt.Println(g.Spec.Host, g.Spec.Path, g.Spec.Service, g.Spec.Auth.Type, g.Spec.Auth.Basic.User)
	fmt.Println(gateway.ObjectName(g.Name), r.Password)

	bad := gateway.NewApiGw("items-api", "items", gateway.WithPath("api"), gateway.WithPort(70000),
		gateway.WithBasicAuth("team:analyst", secrets.Plain("s3cret")))
	for _, err := range bad.Validate() {
		fmt.Println(err)
	}
	// Output:
	// 0 errors
	// items-api.services.hubkit.example / items basic analyst
	// apigw-items-api *************
	// spec.host: Required value: the DNS name the service is reached at
	// spec.path: Invalid value: "api": a path starting with /
	// spec.port: Invalid value: 70000: one of the Service's ports, from 1 to 65535
	// spec.auth.basic.user: Invalid value: "team:analyst": a user name holds no ':' and no control character (a line break would split the htpasswd line)
}

// A Service exposed in one call, on "<service>.services.<platform domain>"
// and its first port, behind basic authentication. The operator is
// simulated here; on a cluster it is the apigw-operator, or Hubkit's
// Provisioner.
func ExampleClient_Expose() {
	ctx := context.Background()
	scheme, err := hub.NewScheme(gateway.AddToScheme)
	if err != nil {
		log.Fatal(err)
	}
	f, err := hubtest.New(hubtest.WithScheme(scheme), hubtest.WithCRDs(gateway.CRDs()...),
		hubtest.WithSimulators(gatewaytest.NewOperator()),
		hubtest.WithObjects(
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "items", Namespace: "team-a"},
				Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 3000}, {Name: "metrics", Port: 9090}}}},
		))
	if err != nil {
		log.Fatal(err)
	}
	gateways := gateway.NewClient(f.Hub(hub.WithNamespace("team-a")), gateway.WithPlatformDomain("hubkit.example"))

	if _, err := gateways.Expose(ctx, "items", gateway.WithBasicAuth("analyst", secrets.Plain("s3cret"))); err != nil {
		log.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	g, err := gateways.WaitForApiGw(waitCtx, "items")
	cancel()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Status.State, g.Spec.Host, g.Spec.Port)
	fmt.Println(gateway.URL(g, false))
	fmt.Println(g.Status.Hash == gateway.CredentialHash("analyst", "s3cret"))
	// Output:
	// Ready items.services.hubkit.example 3000
	// http://items.services.hubkit.example/
	// true
}
