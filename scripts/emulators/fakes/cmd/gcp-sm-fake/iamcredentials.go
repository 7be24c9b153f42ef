// IAM Credentials (iamcredentials.googleapis.com v1) generateAccessToken over
// plain HTTP on its own loopback listener (-iam-addr), for service-account
// impersonation tests:
//
//	POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken
//
// The caller authenticates with a self-signed service-account JWT (its issuer
// is the caller; the signature is not checked, as in access.go). Like the
// real service, a delegation chain caller -> delegates... -> target is allowed
// only when each account may mint the next one's tokens
// (roles/iam.serviceAccountTokenCreator). Grants are permissive until a test
// registers one (PUT /_keyhold/token-creators/{email} {"members": [...]});
// then every link must be granted (else 403 PERMISSION_DENIED). Calls are
// recorded for tests: GET /_keyhold/iam-calls.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

var generatePath = regexp.MustCompile(`^/v1/projects/-/serviceAccounts/([^/:]+):generateAccessToken$`)

type iamCall struct {
	Caller    string   `json:"caller"`
	Target    string   `json:"target"`
	Delegates []string `json:"delegates"`
	Scope     []string `json:"scope"`
	Lifetime  string   `json:"lifetime"`
	Status    int      `json:"status"`
}

type iamCredentials struct {
	mu       sync.Mutex
	creators map[string]map[string]bool // target email -> members allowed to mint its tokens
	calls    []iamCall
	issued   int
	verbose  bool
}

func googleError(w http.ResponseWriter, status int, state, message string) {
	writeIAMJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": message, "status": state}})
}

func writeIAMJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// callerOf reads the issuer of a self-signed JWT bearer token ("" when there is none or it expired).
func callerOf(r *http.Request) string {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	parts := strings.Split(token, ".")
	if !ok || len(parts) != 3 {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		Iss string `json:"iss"`
		Exp int64  `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil || claims.Exp < time.Now().Unix() {
		return ""
	}
	return claims.Iss
}

func accountOf(resource string) string {
	return strings.TrimPrefix(resource, "projects/-/serviceAccounts/")
}

func (ic *iamCredentials) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if ic.verbose {
		log.Printf("iam: %s %s", r.Method, r.URL.Path)
	}
	switch {
	case r.URL.Path == "/_keyhold/iam-calls" && r.Method == http.MethodGet:
		ic.mu.Lock()
		defer ic.mu.Unlock()
		writeIAMJSON(w, http.StatusOK, map[string]any{"calls": ic.calls})
	case strings.HasPrefix(r.URL.Path, "/_keyhold/token-creators/") && r.Method == http.MethodPut:
		var body struct {
			Members []string `json:"members"`
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil {
			googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "body must be {\"members\": [...]}")
			return
		}
		target := strings.TrimPrefix(r.URL.Path, "/_keyhold/token-creators/")
		ic.mu.Lock()
		ic.creators[target] = setOf(strings.Join(body.Members, ","))
		ic.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case generatePath.MatchString(r.URL.Path) && r.Method == http.MethodPost:
		ic.generate(w, r, generatePath.FindStringSubmatch(r.URL.Path)[1])
	default:
		googleError(w, http.StatusNotFound, "NOT_FOUND", "The requested URL was not found on this server.")
	}
}

func (ic *iamCredentials) generate(w http.ResponseWriter, r *http.Request, target string) {
	var body struct {
		Delegates []string `json:"delegates"`
		Scope     []string `json:"scope"`
		Lifetime  string   `json:"lifetime"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.")
		return
	}
	call := iamCall{Caller: callerOf(r), Target: target, Scope: body.Scope, Lifetime: body.Lifetime}
	for _, d := range body.Delegates {
		call.Delegates = append(call.Delegates, accountOf(d))
	}
	status := ic.decide(w, call, body.Lifetime)
	ic.mu.Lock()
	call.Status = status
	ic.calls = append(ic.calls, call)
	ic.mu.Unlock()
}

// decide answers the call and returns the status it answered with.
func (ic *iamCredentials) decide(w http.ResponseWriter, call iamCall, lifetime string) int {
	if call.Caller == "" {
		googleError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
		return http.StatusUnauthorized
	}
	if len(call.Scope) == 0 {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Scope must not be empty.")
		return http.StatusBadRequest
	}
	seconds := int64(3600)
	if lifetime != "" {
		n, err := strconv.ParseInt(strings.TrimSuffix(lifetime, "s"), 10, 64)
		if err != nil || n < 1 || n > 43200 {
			googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Lifetime must be between 1s and 43200s.")
			return http.StatusBadRequest
		}
		seconds = n
	}
	chain := append(append([]string{call.Caller}, call.Delegates...), call.Target)
	ic.mu.Lock()
	defer ic.mu.Unlock()
	if len(ic.creators) > 0 {
		for i := 1; i < len(chain); i++ {
			if !ic.creators[chain[i]][chain[i-1]] {
				googleError(w, http.StatusForbidden, "PERMISSION_DENIED", fmt.Sprintf("Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist). (%s may not mint tokens of %s)", chain[i-1], chain[i]))
				return http.StatusForbidden
			}
		}
	}
	ic.issued++
	writeIAMJSON(w, http.StatusOK, map[string]any{
		"accessToken": fmt.Sprintf("ya29.keyhold-fake.%s.%d", base64.RawURLEncoding.EncodeToString([]byte(call.Target)), ic.issued),
		"expireTime":  time.Now().Add(time.Duration(seconds) * time.Second).UTC().Format(time.RFC3339),
	})
	return http.StatusOK
}

// serveIAMCredentials listens on a loopback address (refusing any other) and serves generateAccessToken.
func serveIAMCredentials(addr string, verbose bool) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		log.Fatalf("bad -iam-addr: %v", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Fatalf("refusing to listen on non-loopback address %q", addr)
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("iam listen: %v", err)
	}
	ic := &iamCredentials{creators: map[string]map[string]bool{}, verbose: verbose}
	log.Printf("gcp-sm-fake: IAM Credentials v1 (HTTP) listening on %s", lis.Addr())
	go func() {
		if err := http.Serve(lis, ic); err != nil {
			log.Fatalf("iam serve: %v", err)
		}
	}()
}
