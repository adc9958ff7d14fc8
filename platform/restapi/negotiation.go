package restapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// The YAML media types the resource manager answers in and reads, besides
// JSON (its WebConfig).
var yamlTypes = []string{"application/x-yaml", "text/yaml", "text/yml"}

// jsonType is the media type of JSON, the API's default.
const jsonType = "application/json"

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

// An acceptRange is one media range of an Accept header.
type acceptRange struct {
	mediaType string
	q         float64
	order     int
}

// specificity ranks */* below type/* below type/subtype.
func (a acceptRange) specificity() int {
	switch {
	case a.mediaType == "*/*":
		return 0
	case strings.HasSuffix(a.mediaType, "/*"):
		return 1
	default:
		return 2
	}
}

// parseAccept reads the media ranges of r's Accept headers, best first:
// by quality, then the more specific, then in the order sent. Ranges with
// q=0 and unreadable ones are left out.
func parseAccept(r *http.Request) []acceptRange {
	var ranges []acceptRange
	for _, header := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(header, ",") {
			mediaType, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(v, 64); err != nil {
					continue
				}
			}
			if q <= 0 {
				continue
			}
			ranges = append(ranges, acceptRange{mediaType: mediaType, q: q, order: len(ranges)})
		}
	}
	slices.SortFunc(ranges, func(a, b acceptRange) int {
		return cmp.Or(cmp.Compare(b.q, a.q), cmp.Compare(b.specificity(), a.specificity()), cmp.Compare(a.order, b.order))
	})
	return ranges
}

// answerType chooses how to answer r: application/json unless r accepts a
// YAML type (named exactly: wildcards mean JSON) before JSON. The answer is
// in the YAML type r named; nothing acceptable means JSON too.
func answerType(r *http.Request) string {
	for _, a := range parseAccept(r) {
		switch {
		case slices.Contains(yamlTypes, a.mediaType):
			return a.mediaType
		case a.mediaType == jsonType, a.mediaType == "application/*", a.mediaType == "*/*":
			return jsonType
		}
	}
	return jsonType
}

// writeOK answers 200 with v, in JSON or in YAML as r accepts.
func writeOK(w http.ResponseWriter, r *http.Request, v any) {
	w.Header().Add("Vary", "Accept")
	mediaType := answerType(r)
	if mediaType == jsonType {
		writeJSON(w, http.StatusOK, v)
		return
	}
	data, err := yaml.Marshal(v)
	if err != nil {
		writeError(w, r, fmt.Errorf("writing YAML: %w", err))
		return
	}
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data) //nolint:gosec // YAML, sent as YAML with nosniff: no browser renders it as a page
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) //nolint:errchkjson // nothing to do when the client is gone
}

// requestJSON returns r's body as JSON: as sent, or converted from YAML
// when its Content-Type is a YAML type (the console's YAML editor sends
// application/x-yaml).
func requestJSON(r *http.Request) (io.Reader, error) {
	body := http.MaxBytesReader(nil, r.Body, maxBody)
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !slices.Contains(yamlTypes, mediaType) {
		return body, nil //nolint:nilerr // not YAML: read as JSON, whose decoder reports what is wrong
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("the request body: %w", err)
	}
	converted, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("the request body: %w", err)
	}
	return bytes.NewReader(converted), nil
}

func decodeBody(r *http.Request, v any) error {
	body, err := requestJSON(r)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the request body: %w", err)
	}
	return nil
}
