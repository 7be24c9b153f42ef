package main

// Request checks the real Secret Manager makes before it touches a secret:
// label and annotation rules, authentication, whether the Secret Manager API
// is enabled in the project and whether the project is visible to the caller.
// The authentication and project checks are off unless their flags are given,
// so the default instance stays as permissive as localgcp.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"cloud.google.com/go/iam/apiv1/iampb"
	smpb "cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

var (
	// The regular expressions of the Secret proto's documentation.
	labelKeyRe      = regexp.MustCompile(`^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$`)
	labelValueRe    = regexp.MustCompile(`^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$`)
	annotationKeyRe = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$`)
	projectOfRe     = regexp.MustCompile(`^projects/([^/]+)`)
)

const (
	maxLabels          = 64
	maxAnnotationBytes = 16 * 1024
	smService          = "/google.cloud.secretmanager.v1.SecretManagerService/"
)

// validateLabels applies the documented label rules (INVALID_ARGUMENT otherwise).
func validateLabels(labels map[string]string) error {
	if len(labels) > maxLabels {
		return status.Errorf(codes.InvalidArgument, "Secret.labels: at most %d labels are allowed, got %d", maxLabels, len(labels))
	}
	for k, v := range labels {
		if len(k) > 128 || !labelKeyRe.MatchString(k) {
			return status.Errorf(codes.InvalidArgument, "Secret.labels: invalid label key %q: keys start with a lowercase letter and contain only lowercase letters, digits, '_' and '-' (1-63 characters)", k)
		}
		if len(v) > 128 || !labelValueRe.MatchString(v) {
			return status.Errorf(codes.InvalidArgument, "Secret.labels: invalid value for label key %q: values contain only lowercase letters, digits, '_' and '-' (0-63 characters)", k)
		}
	}
	return nil
}

// validateAnnotations applies the documented annotation rules (INVALID_ARGUMENT otherwise).
func validateAnnotations(annotations map[string]string) error {
	total := 0
	for k, v := range annotations {
		if len(k) > 128 || utf8.RuneCountInString(k) > 63 || !annotationKeyRe.MatchString(k) {
			return status.Errorf(codes.InvalidArgument, "Secret.annotations: invalid annotation key %q: keys are 1-63 characters, begin and end with a letter or digit and may contain '-', '_' and '.' in between", k)
		}
		total += len(k) + len(v)
	}
	if total >= maxAnnotationBytes {
		return status.Errorf(codes.InvalidArgument, "Secret.annotations: the total size of annotation keys and values must be less than 16KiB, got %d bytes", total)
	}
	return nil
}

// accessRules are the optional checks of the interceptor below.
type accessRules struct {
	projects         map[string]bool // empty: every project exists
	disabledProjects map[string]bool // the Secret Manager API is not enabled there
	serviceAccounts  map[string]bool // empty: no authentication required
}

func setOf(list string) map[string]bool {
	out := map[string]bool{}
	for _, v := range strings.Split(list, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out[v] = true
		}
	}
	return out
}

// resourceOf returns the resource a Secret Manager request names.
func resourceOf(req any) string {
	switch r := req.(type) {
	case *smpb.UpdateSecretRequest:
		return r.GetSecret().GetName()
	case *iampb.SetIamPolicyRequest:
		return r.GetResource()
	case *iampb.GetIamPolicyRequest:
		return r.GetResource()
	case *iampb.TestIamPermissionsRequest:
		return r.GetResource()
	case interface{ GetParent() string }:
		return r.GetParent()
	case interface{ GetName() string }:
		return r.GetName()
	}
	return ""
}

var permissions = map[string]string{
	"ListSecrets": "secretmanager.secrets.list", "CreateSecret": "secretmanager.secrets.create",
	"GetSecret": "secretmanager.secrets.get", "UpdateSecret": "secretmanager.secrets.update",
	"DeleteSecret": "secretmanager.secrets.delete", "AddSecretVersion": "secretmanager.versions.add",
	"GetSecretVersion": "secretmanager.versions.get", "AccessSecretVersion": "secretmanager.versions.access",
	"ListSecretVersions": "secretmanager.versions.list", "EnableSecretVersion": "secretmanager.versions.enable",
	"DisableSecretVersion": "secretmanager.versions.disable", "DestroySecretVersion": "secretmanager.versions.destroy",
	"SetIamPolicy": "secretmanager.secrets.setIamPolicy", "GetIamPolicy": "secretmanager.secrets.getIamPolicy",
	"TestIamPermissions": "secretmanager.secrets.get",
}

const authHelp = "Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."

// authenticate accepts a self-signed service-account JWT (what the client
// libraries send for service-account keys) whose issuer is a known account.
// The signature is not checked: the fake has no key registry.
func (a accessRules) authenticate(ctx context.Context) error {
	md, _ := metadata.FromIncomingContext(ctx)
	values := md.Get("authorization")
	if len(values) == 0 {
		return status.Error(codes.Unauthenticated, "Request is missing required authentication credential. "+authHelp)
	}
	invalid := status.Error(codes.Unauthenticated, "Request had invalid authentication credentials. "+authHelp)
	token, ok := strings.CutPrefix(values[0], "Bearer ")
	parts := strings.Split(token, ".")
	if !ok || len(parts) != 3 {
		return invalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return invalid
	}
	var claims struct {
		Iss string `json:"iss"`
		Exp int64  `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil || claims.Exp < time.Now().Unix() || !a.serviceAccounts[claims.Iss] {
		return invalid
	}
	return nil
}

// interceptor answers as the real service does, in its order: authentication,
// API enablement, then the project's visibility (PERMISSION_DENIED, "or it may not exist").
func (a accessRules) interceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	method, ok := strings.CutPrefix(info.FullMethod, smService)
	if !ok {
		return h(ctx, req)
	}
	if len(a.serviceAccounts) > 0 {
		if err := a.authenticate(ctx); err != nil {
			return nil, err
		}
	}
	resource := resourceOf(req)
	m := projectOfRe.FindStringSubmatch(resource)
	if m == nil {
		return h(ctx, req)
	}
	project := m[1]
	if a.disabledProjects[project] {
		st := status.New(codes.PermissionDenied, fmt.Sprintf("Secret Manager API has not been used in project %s before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/secretmanager.googleapis.com/overview?project=%s then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.", project, project))
		if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{
			Reason:   "SERVICE_DISABLED",
			Domain:   "googleapis.com",
			Metadata: map[string]string{"service": "secretmanager.googleapis.com", "consumer": "projects/" + project},
		}); err == nil {
			st = withInfo
		}
		return nil, st.Err()
	}
	if len(a.projects) > 0 && !a.projects[project] {
		return nil, status.Errorf(codes.PermissionDenied, "Permission '%s' denied for resource '%s' (or it may not exist).", permissions[method], resource)
	}
	return h(ctx, req)
}
