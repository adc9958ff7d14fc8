package compositions_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hubkit-dev/hubkit/compositions"
	"github.com/hubkit-dev/hubkit/compositions/compositionstest"
)

const (
	testSchema   = `{"type":"object","properties":{"replicaCount":{"type":"integer","default":1}}}`
	testPassword = "registry-s3cret"
)

func digestOf(archive []byte) string {
	sum := sha256.Sum256(archive)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// fetched is what a test compares of a fetched chart.
type fetched struct {
	Name, Version, Digest, Schema string
}

func TestFetchChart(t *testing.T) {
	v1 := compositionstest.BuildChart(t, "webapp", "1.0.0", []byte(testSchema), nil)
	v2 := compositionstest.BuildChart(t, "webapp", "1.2.0", []byte(testSchema), nil)
	bare := compositionstest.BuildChart(t, "bare", "0.1.0", nil, nil)
	reg := compositionstest.StartRegistry(t, compositionstest.WithHtpasswd("robot", testPassword))
	for _, a := range [][]byte{v1, v2} {
		compositionstest.PushChart(t, reg, "charts/webapp", a, "robot", testPassword)
	}
	repo := compositionstest.ServeRepository(t, [][]byte{v1, v2, bare}, compositionstest.WithRepoBasicAuth("reader", testPassword))
	tlsRepo := compositionstest.ServeRepository(t, [][]byte{v1}, compositionstest.WithRepoTLS())

	cases := map[string]struct {
		src     compositions.ChartSource
		want    fetched
		wantErr error
		errText string
	}{
		"OCI with credentials": {
			src:  compositions.ChartSource{URL: reg.URL("charts/webapp"), Version: "1.0.0", Username: "robot", Password: testPassword, PlainHTTP: true},
			want: fetched{"webapp", "1.0.0", digestOf(v1), testSchema},
		},
		"OCI, the highest tag": {
			src:  compositions.ChartSource{URL: reg.URL("charts/webapp"), Username: "robot", Password: testPassword, PlainHTTP: true},
			want: fetched{"webapp", "1.2.0", digestOf(v2), testSchema},
		},
		"OCI, wrong password": {
			src:     compositions.ChartSource{URL: reg.URL("charts/webapp"), Version: "1.0.0", Username: "robot", Password: "wrong-password", PlainHTTP: true},
			wantErr: compositions.ErrUnauthorized, errText: "refused the credentials",
		},
		"OCI, no such version": {
			src:     compositions.ChartSource{URL: reg.URL("charts/webapp"), Version: "9.9.9", Username: "robot", Password: testPassword, PlainHTTP: true},
			wantErr: compositions.ErrChartNotFound,
		},
		"Repository, a version": {
			src:  compositions.ChartSource{URL: repo.URL, Repo: "webapp", Version: "1.0.0", Username: "reader", Password: testPassword},
			want: fetched{"webapp", "1.0.0", digestOf(v1), testSchema},
		},
		"Repository, the latest": {
			src:  compositions.ChartSource{URL: repo.URL + "/", Repo: "webapp", Username: "reader", Password: testPassword},
			want: fetched{"webapp", "1.2.0", digestOf(v2), testSchema},
		},
		"Repository, a chart without schema": {
			src:  compositions.ChartSource{URL: repo.URL, Repo: "bare", Username: "reader", Password: testPassword},
			want: fetched{"bare", "0.1.0", digestOf(bare), ""},
		},
		"Repository, wrong password": {
			src:     compositions.ChartSource{URL: repo.URL, Repo: "webapp", Username: "reader", Password: "wrong-password"},
			wantErr: compositions.ErrUnauthorized,
		},
		"Repository, no such chart": {
			src:     compositions.ChartSource{URL: repo.URL, Repo: "nope", Username: "reader", Password: testPassword},
			wantErr: compositions.ErrChartNotFound,
		},
		"Archive URL": {
			src:  compositions.ChartSource{URL: repo.URL + "/webapp-1.0.0.tgz", Username: "reader", Password: testPassword},
			want: fetched{"webapp", "1.0.0", digestOf(v1), testSchema},
		},
		"TLS, unverified certificate refused": {
			src:     compositions.ChartSource{URL: tlsRepo.URL, Repo: "webapp"},
			errText: "certificate",
		},
		"TLS, insecureSkipVerifyTLS": {
			src:  compositions.ChartSource{URL: tlsRepo.URL, Repo: "webapp", InsecureSkipVerifyTLS: true},
			want: fetched{"webapp", "1.0.0", digestOf(v1), testSchema},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := compositions.FetchChart(t.Context(), tc.src)
			if tc.wantErr != nil || tc.errText != "" {
				if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("FetchChart = %v, want %v with %q", err, tc.wantErr, tc.errText)
				}
				if strings.Contains(err.Error(), "wrong-password") || strings.Contains(err.Error(), testPassword) {
					t.Errorf("the error shows a password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := fetched{c.Name, c.Version, c.Digest, string(c.ValuesSchema)}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("-want, +got:\n%s", diff)
			}
		})
	}
}
