// Command azure-kv-fake is a small in-memory fake of the Azure Key Vault
// *secrets* data-plane REST API (api-version 7.x), served over HTTPS with a
// self-signed certificate, for Keyhold's integration tests. It mirrors what
// Lowkey Vault does for secrets: any non-empty bearer token is accepted (a
// request without one gets the usual 401 challenge), soft delete is always on
// (Recoverable+Purgeable, 90 days), and an optional plain-HTTP endpoint mimics
// the managed-identity (IMDS) token endpoint.
//
// Tokens issued by the fake's own Entra ID endpoints (entra.go) are checked
// for audience, expiry and, for clients a test registered, access-policy
// permissions; any other non-empty bearer token keeps full access.
//
// Not supported: keys, certificates, backup/restore, RBAC roles, signatures.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	recoveryLevel   = "Recoverable+Purgeable"
	recoverableDays = 90
	defaultPageSize = 25
	maxPageSize     = 25
	fakeTenant      = "00000000-0000-0000-0000-000000000000"
	maxTags         = 15
	maxValueBytes   = 25 * 1024
)

var nameRe = regexp.MustCompile(`^[0-9a-zA-Z-]{1,127}$`)

// ---- model -----------------------------------------------------------------

type version struct {
	ID          string
	Value       string
	ContentType *string
	Tags        map[string]string
	Enabled     bool
	NotBefore   *int64
	Expires     *int64
	Created     int64
	Updated     int64
}

type secret struct {
	Name        string // as first created (lookups are case-insensitive)
	Versions    []*version
	Seq         int64
	DeletedDate int64 // non-zero when soft-deleted
	// Deletion and recovery are long-running on the real service: the SDK's pollers see 404 for a few GETs first.
	DeletingPolls   int
	RecoveringPolls int
	PendingUntil    time.Time // a deletion or recovery nobody polls completes by itself after a few seconds
}

func (s *secret) deleting() bool   { return s.DeletingPolls > 0 && time.Now().Before(s.PendingUntil) }
func (s *secret) recovering() bool { return s.RecoveringPolls > 0 && time.Now().Before(s.PendingUntil) }

// lroPolls is how many polling GETs a deletion or recovery answers 404 before it completes (-lro-polls).
var lroPolls = 2

func (s *secret) current() *version { return s.Versions[len(s.Versions)-1] }

type store struct {
	mu      sync.Mutex
	active  map[string]*secret // lower-case name -> secret
	deleted map[string]*secret
	clients map[string]*client // lower-case client id -> registered client (entra.go)
	seq     int64
}

// ---- wire types --------------------------------------------------------------

type attributes struct {
	Enabled         *bool  `json:"enabled,omitempty"`
	NotBefore       *int64 `json:"nbf,omitempty"`
	Expires         *int64 `json:"exp,omitempty"`
	Created         int64  `json:"created,omitempty"`
	Updated         int64  `json:"updated,omitempty"`
	RecoveryLevel   string `json:"recoveryLevel,omitempty"`
	RecoverableDays int    `json:"recoverableDays,omitempty"`
}

type setRequest struct {
	Value       *string           `json:"value"`
	ContentType *string           `json:"contentType"`
	Tags        map[string]string `json:"tags"`
	Attributes  *attributes       `json:"attributes"`
}

type updateRequest struct {
	ContentType *string            `json:"contentType"`
	Tags        *map[string]string `json:"tags"`
	Attributes  *attributes        `json:"attributes"`
}

func boolp(b bool) *bool { return &b }

func attrsOf(v *version) attributes {
	return attributes{
		Enabled: boolp(v.Enabled), NotBefore: v.NotBefore, Expires: v.Expires,
		Created: v.Created, Updated: v.Updated,
		RecoveryLevel: recoveryLevel, RecoverableDays: recoverableDays,
	}
}

func tagsOrEmpty(t map[string]string) map[string]string {
	if t == nil {
		return map[string]string{}
	}
	return t
}

// bundle renders a SecretBundle (withValue) or the same minus value.
func bundle(base string, s *secret, v *version, withValue bool) map[string]any {
	m := map[string]any{
		"id":         fmt.Sprintf("%s/secrets/%s/%s", base, s.Name, v.ID),
		"attributes": attrsOf(v),
		"tags":       tagsOrEmpty(v.Tags),
	}
	if withValue {
		m["value"] = v.Value
	}
	if v.ContentType != nil {
		m["contentType"] = *v.ContentType
	}
	return m
}

// item renders a SecretItem (list entry): id without version unless versioned.
func item(base string, s *secret, v *version, versioned bool) map[string]any {
	id := fmt.Sprintf("%s/secrets/%s", base, s.Name)
	if versioned {
		id += "/" + v.ID
	}
	m := map[string]any{"id": id, "attributes": attrsOf(v), "tags": tagsOrEmpty(v.Tags)}
	if v.ContentType != nil {
		m["contentType"] = *v.ContentType
	}
	return m
}

func addDeletedInfo(base string, s *secret, m map[string]any) map[string]any {
	m["recoveryId"] = fmt.Sprintf("%s/deletedsecrets/%s", base, s.Name)
	m["deletedDate"] = s.DeletedDate
	m["scheduledPurgeDate"] = s.DeletedDate + recoverableDays*24*3600
	return m
}

// ---- HTTP plumbing -------------------------------------------------------------

type apiError struct {
	status  int
	code    string
	message string
	inner   string // innererror.code, as Key Vault sends for 403s
}

func (e *apiError) Error() string { return e.message }

func errf(status int, code, format string, a ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, a...)}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if body != nil {
		_ = json.NewEncoder(w).Encode(body)
	}
}

// challenge is what Key Vault sends with every 401: where to get a token, and for which resource.
var challenge = fmt.Sprintf(`Bearer authorization="https://login.microsoftonline.com/%s", resource="https://vault.azure.net"`, fakeTenant)

func writeErr(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = errf(http.StatusInternalServerError, "InternalError", "%v", err)
	}
	if ae.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	body := map[string]any{"code": ae.code, "message": ae.message}
	if ae.inner != "" {
		body["innererror"] = map[string]any{"code": ae.inner}
	}
	writeJSON(w, ae.status, map[string]any{"error": body})
}

func baseURL(r *http.Request) string { return "https://" + r.Host }

func newVersionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func notFound(name string) *apiError {
	return errf(http.StatusNotFound, "SecretNotFound", "A secret with (name/id) %s was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.", name)
}

func (st *store) lookup(name string) (*secret, *apiError) {
	s, ok := st.active[strings.ToLower(name)]
	if !ok {
		return nil, notFound(name)
	}
	if s.recovering() {
		return nil, notFound(name)
	}
	return s, nil
}

// deletedEntry is a secret whose deletion has completed (a deleted-but-recoverable one); one still being deleted
// answers 404 and counts as a poll.
func (st *store) deletedEntry(name string) (*secret, *apiError) {
	s, ok := st.deleted[strings.ToLower(name)]
	if !ok {
		return nil, errf(http.StatusNotFound, "SecretNotFound", "Deleted Secret not found: %s", name)
	}
	if s.deleting() {
		return nil, beingDeleted(name)
	}
	return s, nil
}

func beingDeleted(name string) *apiError {
	return errf(http.StatusConflict, "Conflict", "Secret %s is currently being deleted.", name)
}

// busy tells whether a name is in the middle of a deletion or recovery (the real service answers 409 then).
func (st *store) busy(name string) *apiError {
	key := strings.ToLower(name)
	if s, ok := st.deleted[key]; ok && s.deleting() {
		return beingDeleted(name)
	}
	if s, ok := st.active[key]; ok && s.recovering() {
		return errf(http.StatusConflict, "Conflict", "Secret %s is currently being recovered.", name)
	}
	return nil
}

func findVersion(s *secret, id string) (*version, *apiError) {
	if id == "" {
		return s.current(), nil
	}
	for _, v := range s.Versions {
		if strings.EqualFold(v.ID, id) {
			return v, nil
		}
	}
	return nil, errf(http.StatusNotFound, "SecretNotFound", "A secret with (name/id) %s/%s was not found in this key vault.", s.Name, id)
}

func paging(r *http.Request, n int) (int, int, error) {
	q := r.URL.Query()
	size := defaultPageSize
	if ms := q.Get("maxresults"); ms != "" {
		v, err := strconv.Atoi(ms)
		if err != nil || v < 1 || v > maxPageSize {
			return 0, 0, errf(http.StatusBadRequest, "BadParameter", "maxresults must be between 1 and %d", maxPageSize)
		}
		size = v
	}
	start := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		v, err := strconv.Atoi(tok)
		if err != nil || v < 0 {
			return 0, 0, errf(http.StatusBadRequest, "BadParameter", "invalid $skiptoken")
		}
		start = v
	}
	if start > n {
		start = n
	}
	end := start + size
	if end > n {
		end = n
	}
	return start, end, nil
}

func nextLink(r *http.Request, end, n int) any {
	if end >= n {
		return nil
	}
	q := r.URL.Query()
	q.Set("$skiptoken", strconv.Itoa(end))
	if q.Get("maxresults") == "" {
		q.Set("maxresults", strconv.Itoa(defaultPageSize))
	}
	return baseURL(r) + r.URL.Path + "?" + q.Encode()
}

func decode(r *http.Request, into any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return errf(http.StatusBadRequest, "BadParameter", "cannot read body: %v", err)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return errf(http.StatusBadRequest, "BadParameter", "request body is required")
	}
	if err := json.Unmarshal(body, into); err != nil {
		return errf(http.StatusBadRequest, "BadParameter", "invalid JSON body: %v", err)
	}
	return nil
}

// ---- handlers ----------------------------------------------------------------

func (st *store) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path == "/ping" || path == "/_keyhold/ping" {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
		return
	}
	if st.serveEntra(w, r) {
		return
	}
	auth := r.Header.Get("Authorization")
	token := strings.TrimSpace(strings.TrimPrefix(auth, "Bearer "))
	if !strings.HasPrefix(auth, "Bearer ") || token == "" {
		w.Header().Set("WWW-Authenticate", challenge)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer or PoP token."}})
		return
	}
	if path == "/_keyhold/reset" && r.Method == http.MethodPost {
		st.mu.Lock()
		st.active, st.deleted, st.clients = map[string]*secret{}, map[string]*secret{}, map[string]*client{}
		st.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if id, ok := strings.CutPrefix(path, "/_keyhold/clients/"); ok {
		if err := st.serveClients(w, r, id); err != nil {
			writeErr(w, err)
		}
		return
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	// "/secrets/name/" (trailing slash = latest version) keeps an empty last segment.
	if strings.HasSuffix(path, "/") && len(segs) == 2 {
		segs = append(segs, "")
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	perm, handle := st.route(w, r, segs)
	var err error
	if aerr := st.authorize(r, token, perm); aerr != nil {
		err = aerr
	} else {
		err = handle()
	}
	if err != nil {
		writeErr(w, err)
	}
}

// route picks the handler of a vault request and the access-policy permission it needs.
func (st *store) route(w http.ResponseWriter, r *http.Request, segs []string) (string, func() error) {
	path := r.URL.Path
	switch {
	case len(segs) == 1 && segs[0] == "secrets" && r.Method == http.MethodGet:
		return "list", func() error { return st.listSecrets(w, r) }
	case len(segs) == 2 && segs[0] == "secrets" && r.Method == http.MethodPut:
		return "set", func() error { return st.setSecret(w, r, segs[1]) }
	case len(segs) == 2 && segs[0] == "secrets" && r.Method == http.MethodDelete:
		return "delete", func() error { return st.deleteSecret(w, r, segs[1]) }
	case len(segs) == 3 && segs[0] == "secrets" && segs[2] == "versions" && r.Method == http.MethodGet:
		return "list", func() error { return st.listVersions(w, r, segs[1]) }
	case (len(segs) == 2 || len(segs) == 3) && segs[0] == "secrets" && r.Method == http.MethodGet:
		return "get", func() error { return st.getSecret(w, r, segs[1], at(segs, 2)) }
	case (len(segs) == 2 || len(segs) == 3) && segs[0] == "secrets" && r.Method == http.MethodPatch:
		return "set", func() error { return st.updateSecret(w, r, segs[1], at(segs, 2)) }
	case len(segs) == 1 && segs[0] == "deletedsecrets" && r.Method == http.MethodGet:
		return "list", func() error { return st.listDeleted(w, r) }
	case len(segs) == 2 && segs[0] == "deletedsecrets" && r.Method == http.MethodGet:
		return "get", func() error { return st.getDeleted(w, r, segs[1]) }
	case len(segs) == 2 && segs[0] == "deletedsecrets" && r.Method == http.MethodDelete:
		return "purge", func() error { return st.purge(w, segs[1]) }
	case len(segs) == 3 && segs[0] == "deletedsecrets" && segs[2] == "recover" && r.Method == http.MethodPost:
		return "recover", func() error { return st.recover(w, r, segs[1]) }
	case len(segs) >= 1 && (segs[0] == "keys" || segs[0] == "certificates" || segs[0] == "deletedkeys" || segs[0] == "deletedcertificates"),
		len(segs) >= 2 && segs[0] == "secrets" && (segs[len(segs)-1] == "backup" || segs[1] == "restore"):
		return "", func() error {
			return errf(http.StatusNotImplemented, "NotImplemented", "%s %s is not implemented by the keyhold Key Vault fake (secrets only)", r.Method, path)
		}
	default:
		return "", func() error { return errf(http.StatusNotFound, "NotFound", "no route for %s %s", r.Method, path) }
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

func (st *store) setSecret(w http.ResponseWriter, r *http.Request, name string) error {
	if !nameRe.MatchString(name) {
		return errf(http.StatusBadRequest, "BadParameter", "The request URI contains an invalid name: %s", name)
	}
	var req setRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Value == nil {
		return errf(http.StatusBadRequest, "BadParameter", "Property 'value' is required.")
	}
	if len(*req.Value) > maxValueBytes {
		return errf(http.StatusBadRequest, "BadParameter", "The secret value exceeds the maximum size of %d bytes.", maxValueBytes)
	}
	if err := checkTags(req.Tags); err != nil {
		return err
	}
	key := strings.ToLower(name)
	if err := st.busy(name); err != nil {
		return err
	}
	if _, gone := st.deleted[key]; gone {
		e := errf(http.StatusConflict, "Conflict", "Secret %s is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.", name)
		e.inner = "ObjectIsDeletedButRecoverable"
		return e
	}
	now := time.Now().Unix()
	v := &version{ID: newVersionID(), Value: *req.Value, ContentType: req.ContentType, Tags: req.Tags, Enabled: true, Created: now, Updated: now}
	if a := req.Attributes; a != nil {
		if a.Enabled != nil {
			v.Enabled = *a.Enabled
		}
		v.NotBefore, v.Expires = a.NotBefore, a.Expires
	}
	s, ok := st.active[key]
	if !ok {
		st.seq++
		s = &secret{Name: name, Seq: st.seq}
		st.active[key] = s
	}
	s.Versions = append(s.Versions, v)
	writeJSON(w, http.StatusOK, bundle(baseURL(r), s, v, true))
	return nil
}

// checkTags applies Key Vault's limits: at most 15 tags, names up to 512 and values up to 256 characters.
func checkTags(tags map[string]string) *apiError {
	if len(tags) > maxTags {
		return errf(http.StatusBadRequest, "BadParameter", "The number of tags (%d) exceeds the maximum of %d.", len(tags), maxTags)
	}
	for k, v := range tags {
		if len(k) > 512 || len(v) > 256 {
			return errf(http.StatusBadRequest, "BadParameter", "Tag names are limited to 512 characters and tag values to 256 characters.")
		}
	}
	return nil
}

func (st *store) getSecret(w http.ResponseWriter, r *http.Request, name, ver string) error {
	if s, ok := st.active[strings.ToLower(name)]; ok && s.recovering() {
		s.RecoveringPolls--
		return notFound(name)
	}
	s, aerr := st.lookup(name)
	if aerr != nil {
		return aerr
	}
	v, aerr := findVersion(s, ver)
	if aerr != nil {
		return aerr
	}
	if !v.Enabled {
		e := errf(http.StatusForbidden, "Forbidden", "Operation get is not allowed on a disabled secret.")
		e.inner = "SecretDisabled"
		return e
	}
	writeJSON(w, http.StatusOK, bundle(baseURL(r), s, v, true))
	return nil
}

func (st *store) updateSecret(w http.ResponseWriter, r *http.Request, name, ver string) error {
	s, aerr := st.lookup(name)
	if aerr != nil {
		return aerr
	}
	v, aerr := findVersion(s, ver)
	if aerr != nil {
		return aerr
	}
	var req updateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.ContentType != nil {
		v.ContentType = req.ContentType
	}
	if req.Tags != nil {
		if err := checkTags(*req.Tags); err != nil {
			return err
		}
		v.Tags = *req.Tags
	}
	if a := req.Attributes; a != nil {
		if a.Enabled != nil {
			v.Enabled = *a.Enabled
		}
		if a.NotBefore != nil {
			v.NotBefore = a.NotBefore
		}
		if a.Expires != nil {
			v.Expires = a.Expires
		}
	}
	v.Updated = time.Now().Unix()
	writeJSON(w, http.StatusOK, bundle(baseURL(r), s, v, false))
	return nil
}

func (st *store) deleteSecret(w http.ResponseWriter, r *http.Request, name string) error {
	if err := st.busy(name); err != nil {
		return err
	}
	s, aerr := st.lookup(name)
	if aerr != nil {
		return aerr
	}
	key := strings.ToLower(name)
	delete(st.active, key)
	s.DeletedDate = time.Now().Unix()
	s.DeletingPolls, s.PendingUntil = lroPolls, time.Now().Add(5*time.Second)
	st.deleted[key] = s
	writeJSON(w, http.StatusOK, addDeletedInfo(baseURL(r), s, bundle(baseURL(r), s, s.current(), false)))
	return nil
}

func sorted(m map[string]*secret) []*secret {
	out := make([]*secret, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

func (st *store) listSecrets(w http.ResponseWriter, r *http.Request) error {
	all := []*secret{}
	for _, s := range sorted(st.active) {
		if !s.recovering() {
			all = append(all, s)
		}
	}
	start, end, err := paging(r, len(all))
	if err != nil {
		return err
	}
	items := []any{}
	for _, s := range all[start:end] {
		items = append(items, item(baseURL(r), s, s.current(), false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": items, "nextLink": nextLink(r, end, len(all))})
	return nil
}

func (st *store) listVersions(w http.ResponseWriter, r *http.Request, name string) error {
	s, aerr := st.lookup(name)
	if aerr != nil {
		// The real service answers an empty list, not 404, for the versions of a secret that does not exist.
		if _, _, err := paging(r, 0); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"value": []any{}, "nextLink": nil})
		return nil
	}
	start, end, err := paging(r, len(s.Versions))
	if err != nil {
		return err
	}
	items := []any{}
	for _, v := range s.Versions[start:end] {
		items = append(items, item(baseURL(r), s, v, true))
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": items, "nextLink": nextLink(r, end, len(s.Versions))})
	return nil
}

func (st *store) listDeleted(w http.ResponseWriter, r *http.Request) error {
	all := []*secret{}
	for _, s := range sorted(st.deleted) {
		if !s.deleting() {
			all = append(all, s)
		}
	}
	start, end, err := paging(r, len(all))
	if err != nil {
		return err
	}
	items := []any{}
	for _, s := range all[start:end] {
		items = append(items, addDeletedInfo(baseURL(r), s, item(baseURL(r), s, s.current(), false)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": items, "nextLink": nextLink(r, end, len(all))})
	return nil
}

func (st *store) getDeleted(w http.ResponseWriter, r *http.Request, name string) error {
	s, ok := st.deleted[strings.ToLower(name)]
	if !ok || s.deleting() {
		if ok {
			s.DeletingPolls--
		}
		return errf(http.StatusNotFound, "SecretNotFound", "Deleted Secret not found: %s", name)
	}
	writeJSON(w, http.StatusOK, addDeletedInfo(baseURL(r), s, bundle(baseURL(r), s, s.current(), false)))
	return nil
}

func (st *store) purge(w http.ResponseWriter, name string) error {
	key := strings.ToLower(name)
	if _, aerr := st.deletedEntry(name); aerr != nil {
		return aerr
	}
	delete(st.deleted, key)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (st *store) recover(w http.ResponseWriter, r *http.Request, name string) error {
	key := strings.ToLower(name)
	s, aerr := st.deletedEntry(name)
	if aerr != nil {
		return aerr
	}
	delete(st.deleted, key)
	s.DeletedDate = 0
	s.RecoveringPolls, s.PendingUntil = lroPolls, time.Now().Add(5*time.Second)
	st.active[key] = s
	writeJSON(w, http.StatusOK, bundle(baseURL(r), s, s.current(), false))
	return nil
}

// ---- managed-identity (IMDS-style) token endpoint -------------------------------

func tokenHandler(w http.ResponseWriter, r *http.Request) {
	log.Printf("token endpoint: %s %s (Metadata: %q)", r.Method, r.URL.RequestURI(), r.Header.Get("Metadata"))
	if !strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/oauth2/token") {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not_found"})
		return
	}
	if !strings.EqualFold(r.Header.Get("Metadata"), "true") {
		// Real IMDS answers 400 without the Metadata header; Azure Identity's
		// availability probe relies on getting *some* answer quickly.
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "Required metadata header not specified"})
		return
	}
	resource := r.URL.Query().Get("resource")
	if resource == "" {
		resource = "https://vault.azure.net"
	}
	exp := time.Now().Add(24 * time.Hour).Unix()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":  "keyhold-fake-token",
		"refresh_token": "",
		"expires_in":    "86400",
		"expires_on":    strconv.FormatInt(exp, 10),
		"not_before":    strconv.FormatInt(time.Now().Unix(), 10),
		"resource":      resource,
		"token_type":    "Bearer",
	})
}

// ---- TLS ---------------------------------------------------------------------

// ensureCert loads dir/cert.pem + dir/key.pem, creating a self-signed
// certificate (CA:true so it can be used directly as a trust anchor) for
// localhost, *.localhost, 127.0.0.1 and ::1 when they do not exist yet.
func ensureCert(dir string) (tls.Certificate, error) {
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if c, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil {
		if leaf, perr := x509.ParseCertificate(c.Certificate[0]); perr == nil && time.Now().Add(30*24*time.Hour).Before(leaf.NotAfter) {
			return c, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return tls.Certificate{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	tpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"Keyhold test Key Vault fake"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost", "*.localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return tls.Certificate{}, err
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return tls.Certificate{}, err
	}
	return tls.LoadX509KeyPair(certPath, keyPath)
}

func checkLoopback(addr string) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		log.Fatalf("bad address %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Fatalf("refusing to listen on non-loopback address %q", addr)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "HTTPS listen address for the vault (keep it on loopback)")
	tokenAddr := flag.String("token-addr", "", "optional plain-HTTP listen address for the IMDS-style token endpoint")
	certDir := flag.String("cert-dir", ".", "directory holding cert.pem/key.pem (created if missing)")
	genOnly := flag.Bool("gen-cert", false, "only make sure the certificate exists, then exit")
	verbose := flag.Bool("v", false, "log every request")
	flag.IntVar(&lroPolls, "lro-polls", lroPolls, "polling GETs a deletion or recovery answers 404 before it completes")
	flag.Parse()

	cert, err := ensureCert(*certDir)
	if err != nil {
		log.Fatalf("certificate: %v", err)
	}
	if *genOnly {
		fmt.Println(filepath.Join(*certDir, "cert.pem"))
		return
	}
	checkLoopback(*addr)
	st := &store{active: map[string]*secret{}, deleted: map[string]*secret{}, clients: map[string]*client{}}
	var h http.Handler = faultMiddleware(http.HandlerFunc(st.serveHTTP))
	if *verbose {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			log.Printf("%s %s", r.Method, r.URL.RequestURI())
			inner.ServeHTTP(w, r)
		})
	}
	if *tokenAddr != "" {
		checkLoopback(*tokenAddr)
		go func() {
			log.Printf("azure-kv-fake: IMDS-style token endpoint on http://%s/metadata/identity/oauth2/token", *tokenAddr)
			log.Fatal(http.ListenAndServe(*tokenAddr, http.HandlerFunc(tokenHandler)))
		}()
	}
	srv := &http.Server{
		Addr:              *addr,
		Handler:           h,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
	}
	u := url.URL{Scheme: "https", Host: *addr}
	log.Printf("azure-kv-fake: Key Vault secrets API listening on %s (cert %s)", u.String(), filepath.Join(*certDir, "cert.pem"))
	log.Fatal(srv.ListenAndServeTLS("", ""))
}
