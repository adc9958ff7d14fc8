package restapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/hubkit-dev/hubkit/platform"
	"github.com/hubkit-dev/hubkit/platform/platformtest"
	"github.com/hubkit-dev/hubkit/platform/restapi"
)

// Mount the API in a server of your own, here over the embedded demo
// cluster, and list the volumes as the resource manager's console does.
func ExampleNew() {
	ctx := context.Background()
	p, _, err := platformtest.NewEmbedded(ctx, platform.DemoNamespace, true)
	if err != nil {
		panic(err)
	}
	// A real server authenticates the request here and returns
	// p.As(user), so that the cluster's RBAC decides what the user sees.
	api, err := restapi.New(func(*http.Request) (*platform.Platform, error) { return p, nil },
		restapi.WithSimulatedLogs())
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/k8s_pvc?sort=id,DESC", nil)
	if err != nil {
		panic(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var page struct {
		Content []struct {
			ID   string `json:"id"`
			Spec struct {
				Resources struct {
					Requests map[string]string `json:"requests"`
				} `json:"resources"`
			} `json:"spec"`
		} `json:"content"`
		TotalElements int `json:"totalElements"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		panic(err)
	}
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"), page.TotalElements)
	for _, claim := range page.Content {
		fmt.Println(claim.ID, claim.Spec.Resources.Requests["storage"])
	}
	// Output:
	// 200 OK application/json 2
	// scratch 2Gi
	// datasets 20Gi
}
