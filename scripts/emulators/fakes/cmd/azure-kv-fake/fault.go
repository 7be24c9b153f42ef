package main

// Faults on demand for Keyhold's fault tests (tests/faults): POST /__fault arms a rule, GET /__fault reads the
// counters, DELETE /__fault clears both. Kept apart from the Key Vault handlers so that they stay a model of the
// service; nothing here runs until a test arms a rule.
//
//	POST /__fault {"status": 429, "count": 2, "skip": 1, "retryAfter": "1", "match": "/secrets", "method": "GET",
//	               "mode": "status" | "html" | "truncated"}
//
// The rule applies to requests that carry a token and whose path contains `match` (and whose method is `method`, when given): the first
// `skip` of them pass, the next `count` get the fault, the rest pass again. `mode` "status" answers `status` with
// Key Vault's JSON error body (and Retry-After when given), "html" answers 200 with an HTML page, "truncated"
// answers the real response cut in half.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

type faultRule struct {
	Status     int    `json:"status"`
	Count      int    `json:"count"`
	Skip       int    `json:"skip"`
	RetryAfter string `json:"retryAfter"`
	Match      string `json:"match"`
	Method     string `json:"method"`
	Mode       string `json:"mode"`
}

type faultState struct {
	mu     sync.Mutex
	rule   *faultRule
	seen   int            // requests that matched the rule
	served int            // faults answered
	paths  map[string]int // every request by "METHOD path" since the last reset
}

func (f *faultState) control(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Method {
	case http.MethodPost:
		var rule faultRule
		if err := json.NewDecoder(r.Body).Decode(&rule); err != nil {
			http.Error(w, "bad fault rule: "+err.Error(), http.StatusBadRequest)
			return
		}
		if rule.Mode == "" {
			rule.Mode = "status"
		}
		f.rule, f.seen, f.served = &rule, 0, 0
		f.paths = map[string]int{}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		f.rule, f.seen, f.served = nil, 0, 0
		f.paths = map[string]int{}
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"seen": f.seen, "served": f.served, "paths": f.paths})
	}
}

// take decides, under the lock, whether this request gets the fault.
func (f *faultState) take(r *http.Request) *faultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paths != nil {
		f.paths[r.Method+" "+r.URL.Path]++
	}
	rule := f.rule
	// Only requests with a token count: the SDK's first, unauthenticated request is the challenge, not a call.
	if r.Header.Get("Authorization") == "" {
		return nil
	}
	if rule == nil || !strings.Contains(r.URL.Path, rule.Match) || (rule.Method != "" && rule.Method != r.Method) {
		return nil
	}
	f.seen++
	if f.seen <= rule.Skip || f.seen > rule.Skip+rule.Count {
		return nil
	}
	f.served++
	return rule
}

func faultMiddleware(next http.Handler) http.Handler {
	f := &faultState{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/__fault" {
			f.control(w, r)
			return
		}
		rule := f.take(r)
		if rule == nil {
			next.ServeHTTP(w, r)
			return
		}
		switch rule.Mode {
		case "html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("<html><head><title>Gateway</title></head><body><h1>Service temporarily unavailable</h1></body></html>"))
		case "truncated":
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body[:len(body)/2])
		default:
			if rule.RetryAfter != "" {
				w.Header().Set("Retry-After", rule.RetryAfter)
			}
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(rule.Status)
			var msg bytes.Buffer
			fmt.Fprintf(&msg, `{"error":{"code":"Throttled","message":"Operations per second is over the limit for this vault."}}`)
			_, _ = w.Write(msg.Bytes())
		}
	})
}
