// A minimal Microsoft Entra ID (v2.0) authority for confidential clients,
// served on the vault's HTTPS listener so that ClientSecretCredential can be
// pointed at it with `authorityHost` (the identity library requires https).
// It answers the two calls MSAL makes with instance discovery disabled:
//
//	GET  /{tenant}/v2.0/.well-known/openid-configuration
//	POST /{tenant}/oauth2/v2.0/token   (grant_type=client_credentials, client_secret)
//
// Clients are permissive by default, like the vault itself: any client id
// with any secret gets a token with every permission. A test can register a
// client (PUT /_keyhold/clients/{id}); then its secret must match (else 401
// invalid_client, AADSTS7000215) and the vault enforces its access-policy
// permissions (else 403 Forbidden / AccessDenied), as a real vault does.
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const vaultAudience = "https://vault.azure.net"

// Access-policy permission names for secrets (get, list, set, delete, recover, purge).
var allPermissions = []string{"get", "list", "set", "delete", "recover", "purge"}

type client struct {
	Secret      string
	Permissions map[string]bool
}

// tokenClaims is the part of a v1 access token the vault looks at.
type tokenClaims struct {
	Aud   string `json:"aud"`
	Iss   string `json:"iss"`
	Iat   int64  `json:"iat"`
	Nbf   int64  `json:"nbf"`
	Exp   int64  `json:"exp"`
	AppID string `json:"appid"`
	Oid   string `json:"oid"`
	Tid   string `json:"tid"`
	Ver   string `json:"ver"`
}

var entraPath = regexp.MustCompile(`^/([0-9A-Za-z.-]+)/(v2\.0/\.well-known/openid-configuration|oauth2/v2\.0/token|discovery/v2\.0/keys)$`)

// entraError writes the error shape Entra ID uses for OAuth failures.
func entraError(w http.ResponseWriter, status int, code, aadsts, description string) {
	writeJSON(w, status, map[string]any{
		"error":             code,
		"error_description": fmt.Sprintf("%s: %s Trace ID: 00000000-0000-0000-0000-000000000000 Correlation ID: 00000000-0000-0000-0000-000000000000 Timestamp: %s", aadsts, description, time.Now().UTC().Format("2006-01-02 15:04:05Z")),
		"error_codes":       []int{codeOf(aadsts)},
		"timestamp":         time.Now().UTC().Format("2006-01-02 15:04:05Z"),
	})
}

func codeOf(aadsts string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(aadsts, "AADSTS"))
	return n
}

// serveEntra handles the authority paths; it returns false for any other path.
func (st *store) serveEntra(w http.ResponseWriter, r *http.Request) bool {
	m := entraPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		return false
	}
	tenant, what := m[1], m[2]
	if !strings.EqualFold(tenant, fakeTenant) {
		entraError(w, http.StatusBadRequest, "invalid_tenant", "AADSTS90002",
			fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
		return true
	}
	base := baseURL(r) + "/" + fakeTenant
	switch {
	case what == "discovery/v2.0/keys" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"keys": []any{}})
	case strings.HasSuffix(what, "openid-configuration") && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{
			"token_endpoint":                        base + "/oauth2/v2.0/token",
			"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
			"jwks_uri":                              base + "/discovery/v2.0/keys",
			"response_modes_supported":              []string{"query", "fragment", "form_post"},
			"subject_types_supported":               []string{"pairwise"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
			"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
			"issuer":                                base + "/v2.0",
			"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
			"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
			"tenant_region_scope":                   nil,
			"cloud_instance_name":                   "microsoftonline.com",
		})
	case what == "oauth2/v2.0/token" && r.Method == http.MethodPost:
		st.issueToken(w, r)
	default:
		entraError(w, http.StatusMethodNotAllowed, "invalid_request", "AADSTS900561", "The endpoint only accepts POST requests.")
	}
	return true
}

func (st *store) issueToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		entraError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144", "The request body must be form-encoded.")
		return
	}
	f := r.PostForm
	if f.Get("grant_type") != "client_credentials" {
		entraError(w, http.StatusBadRequest, "unsupported_grant_type", "AADSTS70003", "The app requested an unsupported grant type (the fake supports client_credentials only).")
		return
	}
	id := f.Get("client_id")
	if id == "" {
		entraError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144", "The request body must contain the following parameter: 'client_id'.")
		return
	}
	secret := f.Get("client_secret")
	if secret == "" {
		entraError(w, http.StatusBadRequest, "invalid_client", "AADSTS7000218", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
		return
	}
	resource := ""
	for _, s := range strings.Fields(f.Get("scope")) {
		if strings.HasSuffix(s, "/.default") {
			resource = strings.TrimSuffix(s, "/.default")
		}
	}
	if resource == "" {
		entraError(w, http.StatusBadRequest, "invalid_scope", "AADSTS1002012", "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
		return
	}
	st.mu.Lock()
	c, registered := st.clients[strings.ToLower(id)]
	st.mu.Unlock()
	if registered && c.Secret != secret {
		entraError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215",
			fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", id))
		return
	}
	now := time.Now().Unix()
	claims := tokenClaims{Aud: resource, Iss: "https://sts.windows.net/" + fakeTenant + "/", Iat: now, Nbf: now, Exp: now + 3599, AppID: id, Oid: oidOf(id), Tid: fakeTenant, Ver: "1.0"}
	writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": encodeToken(claims)})
}

// oidOf gives a client a stable, GUID-shaped object id for messages.
func oidOf(id string) string {
	h := fmt.Sprintf("%x", sha256.Sum256([]byte(id)))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// encodeToken builds a JWT-shaped token; the signature is not verifiable, as the fake checks no signatures.
func encodeToken(c tokenClaims) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "RS256", "kid": "keyhold-fake"})
	payload, _ := json.Marshal(c)
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString([]byte("keyhold-fake-signature"))
}

// claimsOf returns the claims of a token this authority issued, or nil for any other bearer token.
func claimsOf(token string) *tokenClaims {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var c tokenClaims
	if json.Unmarshal(raw, &c) != nil || c.AppID == "" || c.Tid != fakeTenant {
		return nil
	}
	return &c
}

// authorize checks a bearer token against the vault; it returns an error to send, or nil.
func (st *store) authorize(r *http.Request, token, permission string) *apiError {
	c := claimsOf(token)
	if c == nil {
		return nil // tokens from elsewhere (static test credentials, the IMDS endpoint) keep full access
	}
	if strings.TrimSuffix(c.Aud, "/") != vaultAudience {
		return errf(http.StatusUnauthorized, "Unauthorized", "AKV10022: Invalid audience. Expected %s, found: %s.", vaultAudience, c.Aud)
	}
	if time.Now().Unix() >= c.Exp {
		return errf(http.StatusUnauthorized, "Unauthorized", "AKV10032: Invalid issuer or expired token (exp %d).", c.Exp)
	}
	cl, registered := st.clients[strings.ToLower(c.AppID)]
	if !registered || permission == "" || cl.Permissions[permission] {
		return nil
	}
	e := errf(http.StatusForbidden, "Forbidden", "The user, group or application 'appid=%s;oid=%s;iss=%s' does not have secrets %s permission on key vault '%s;location=local'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
		c.AppID, c.Oid, c.Iss, permission, vaultName(r))
	e.inner = "AccessDenied"
	return e
}

func vaultName(r *http.Request) string {
	host := r.Host
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	if name, _, ok := strings.Cut(host, "."); ok && name != "" && !strings.ContainsAny(name[:1], "0123456789") {
		return name
	}
	return "keyhold-fake"
}

// serveClients handles PUT/DELETE /_keyhold/clients/{id} (test control, not part of any Azure API).
func (st *store) serveClients(w http.ResponseWriter, r *http.Request, id string) error {
	id, err := url.PathUnescape(id)
	if err != nil || id == "" {
		return errf(http.StatusBadRequest, "BadParameter", "client id required")
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	switch r.Method {
	case http.MethodDelete:
		delete(st.clients, strings.ToLower(id))
	case http.MethodPut:
		var req struct {
			Secret      string    `json:"secret"`
			Permissions *[]string `json:"permissions"`
		}
		if err := decode(r, &req); err != nil {
			return err
		}
		if req.Secret == "" {
			return errf(http.StatusBadRequest, "BadParameter", "secret is required")
		}
		perms := allPermissions
		if req.Permissions != nil {
			perms = *req.Permissions
		}
		c := &client{Secret: req.Secret, Permissions: map[string]bool{}}
		for _, p := range perms {
			c.Permissions[strings.ToLower(p)] = true
		}
		st.clients[strings.ToLower(id)] = c
	default:
		return errf(http.StatusMethodNotAllowed, "BadParameter", "use PUT or DELETE")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
