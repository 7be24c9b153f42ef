// Command gcp-sm-fake is a small in-memory fake of Google Secret Manager
// (google.cloud.secretmanager.v1.SecretManagerService) over plaintext gRPC,
// used by Keyhold's integration tests. It is not a security product: it keeps
// everything in memory, accepts any (or no) credentials and binds to loopback.
//
// Supported: Create/Get/Update/Delete/List secrets (labels, annotations,
// version aliases, topics and rotation schedules checked as documented,
// expire time, etag checks, a subset of the list filter syntax, paging),
// Add/Get/Access/List/Enable/Disable/Destroy versions (with the "latest" alias
// and CRC32C checksums), and a trivial IAM policy store. Labels and annotations
// are checked against the documented rules. Optional flags (see main) add the
// service's authentication, API-enablement and project checks, or make lists
// ignore filter and page_size the way localgcp does.
package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"hash/crc32"
	"log"
	"net"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"cloud.google.com/go/iam/apiv1/iampb"
	smpb "cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

var (
	secretIDRe   = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)
	parentRe     = regexp.MustCompile(`^projects/[^/]+(/locations/[^/]+)?$`)
	secretNameRe = regexp.MustCompile(`^(projects/[^/]+(?:/locations/[^/]+)?)/secrets/([^/]+)$`)
	versionRe    = regexp.MustCompile(`^(projects/[^/]+(?:/locations/[^/]+)?/secrets/[^/]+)/versions/([^/]+)$`)
	castagnoli   = crc32.MakeTable(crc32.Castagnoli)
)

const maxPayload = 64 * 1024

const maxPageSize = 25000

type secretEntry struct {
	secret   *smpb.Secret
	versions []*versionEntry // index i holds version number i+1
	seq      int64           // creation order, for stable listing
}

type versionEntry struct {
	meta *smpb.SecretVersion
	data []byte
}

type server struct {
	smpb.UnimplementedSecretManagerServiceServer
	mu      sync.Mutex
	secrets map[string]*secretEntry // full resource name -> entry
	policy  map[string]*iampb.Policy
	seq     int64
	verbose bool
	// ignoreListOptions: answer every list with everything in one page (localgcp does).
	ignoreListOptions bool
}

func newServer(verbose bool) *server {
	return &server{secrets: map[string]*secretEntry{}, policy: map[string]*iampb.Policy{}, verbose: verbose}
}

func etagNow() string { return strconv.Quote(strconv.FormatInt(time.Now().UnixNano(), 10)) }

func (s *server) getSecretLocked(name string) (*secretEntry, error) {
	if !secretNameRe.MatchString(name) {
		return nil, status.Errorf(codes.InvalidArgument, "invalid secret name %q: expected projects/*/secrets/*", name)
	}
	e, ok := s.secrets[name]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "Secret [%s] not found or has no versions.", name)
	}
	return e, nil
}

// resolveVersionLocked resolves projects/*/secrets/*/versions/{n|latest|alias}.
func (s *server) resolveVersionLocked(name string) (*secretEntry, *versionEntry, error) {
	m := versionRe.FindStringSubmatch(name)
	if m == nil {
		return nil, nil, status.Errorf(codes.InvalidArgument, "invalid secret version name %q: expected projects/*/secrets/*/versions/*", name)
	}
	e, err := s.getSecretLocked(m[1])
	if err != nil {
		return nil, nil, err
	}
	v := m[2]
	var n int64
	switch {
	case v == "latest":
		n = int64(len(e.versions))
		if n == 0 {
			return nil, nil, status.Errorf(codes.NotFound, "Secret Version [%s] not found.", name)
		}
	default:
		if num, perr := strconv.ParseInt(v, 10, 64); perr == nil {
			n = num
		} else if alias, ok := e.secret.GetVersionAliases()[v]; ok {
			n = alias
		} else {
			return nil, nil, status.Errorf(codes.NotFound, "Secret Version [%s] not found.", name)
		}
	}
	if n < 1 || n > int64(len(e.versions)) {
		return nil, nil, status.Errorf(codes.NotFound, "Secret Version [%s] not found.", name)
	}
	return e, e.versions[n-1], nil
}

func (s *server) CreateSecret(_ context.Context, req *smpb.CreateSecretRequest) (*smpb.Secret, error) {
	if !parentRe.MatchString(req.GetParent()) {
		return nil, status.Errorf(codes.InvalidArgument, "invalid parent %q: expected projects/*", req.GetParent())
	}
	if !secretIDRe.MatchString(req.GetSecretId()) {
		return nil, status.Errorf(codes.InvalidArgument, "invalid secret_id %q: must match [a-zA-Z0-9_-]{1,255}", req.GetSecretId())
	}
	in := req.GetSecret()
	if in == nil {
		in = &smpb.Secret{}
	}
	global := !strings.Contains(req.GetParent(), "/locations/")
	if global && in.GetReplication().GetReplication() == nil {
		return nil, status.Error(codes.InvalidArgument, "Secret.replication must be specified (e.g. {automatic: {}})")
	}
	if err := validateLabels(in.GetLabels()); err != nil {
		return nil, err
	}
	if err := validateAnnotations(in.GetAnnotations()); err != nil {
		return nil, err
	}
	if err := validateSchedule(in, time.Now(), true); err != nil {
		return nil, err
	}
	name := req.GetParent() + "/secrets/" + req.GetSecretId()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.secrets[name]; ok {
		return nil, status.Errorf(codes.AlreadyExists, "Secret [%s] already exists.", name)
	}
	sec := proto.Clone(in).(*smpb.Secret)
	sec.Name = name
	sec.CreateTime = timestamppb.Now()
	sec.Etag = etagNow()
	if ttl, ok := sec.GetExpiration().(*smpb.Secret_Ttl); ok {
		sec.Expiration = &smpb.Secret_ExpireTime{ExpireTime: timestamppb.New(time.Now().Add(ttl.Ttl.AsDuration()))}
	}
	s.seq++
	s.secrets[name] = &secretEntry{secret: sec, seq: s.seq}
	return proto.Clone(sec).(*smpb.Secret), nil
}

func (s *server) GetSecret(_ context.Context, req *smpb.GetSecretRequest) (*smpb.Secret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.getSecretLocked(req.GetName())
	if err != nil {
		return nil, err
	}
	return proto.Clone(e.secret).(*smpb.Secret), nil
}

func (s *server) UpdateSecret(_ context.Context, req *smpb.UpdateSecretRequest) (*smpb.Secret, error) {
	in := req.GetSecret()
	if in == nil {
		return nil, status.Error(codes.InvalidArgument, "secret is required")
	}
	paths := req.GetUpdateMask().GetPaths()
	if len(paths) == 0 {
		return nil, status.Error(codes.InvalidArgument, "update_mask is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.getSecretLocked(in.GetName())
	if err != nil {
		return nil, err
	}
	if in.GetEtag() != "" && in.GetEtag() != e.secret.GetEtag() {
		return nil, status.Errorf(codes.Aborted, "etag mismatch for secret [%s]: have %s, got %s", in.GetName(), e.secret.GetEtag(), in.GetEtag())
	}
	next := proto.Clone(e.secret).(*smpb.Secret)
	rotationChanged := false
	for _, p := range paths {
		switch p {
		case "labels":
			if err := validateLabels(in.GetLabels()); err != nil {
				return nil, err
			}
			next.Labels = in.GetLabels()
		case "annotations":
			if err := validateAnnotations(in.GetAnnotations()); err != nil {
				return nil, err
			}
			next.Annotations = in.GetAnnotations()
		case "topics":
			next.Topics = in.GetTopics()
		case "rotation":
			next.Rotation = in.GetRotation()
			rotationChanged = true
		case "version_aliases", "versionAliases":
			for alias, v := range in.GetVersionAliases() {
				if v < 1 || v > int64(len(e.versions)) {
					return nil, status.Errorf(codes.InvalidArgument, "version alias %q points to missing version %d", alias, v)
				}
			}
			next.VersionAliases = in.GetVersionAliases()
		case "version_destroy_ttl", "versionDestroyTtl":
			next.VersionDestroyTtl = in.GetVersionDestroyTtl()
		case "expire_time", "expireTime":
			if in.GetExpireTime() == nil {
				next.Expiration = nil
			} else {
				next.Expiration = &smpb.Secret_ExpireTime{ExpireTime: in.GetExpireTime()}
			}
		case "ttl":
			if in.GetTtl() == nil {
				next.Expiration = nil
			} else {
				next.Expiration = &smpb.Secret_ExpireTime{ExpireTime: timestamppb.New(time.Now().Add(in.GetTtl().AsDuration()))}
			}
		default:
			return nil, status.Errorf(codes.InvalidArgument, "update_mask path %q is not supported", p)
		}
	}
	if err := validateSchedule(next, time.Now(), rotationChanged); err != nil {
		return nil, err
	}
	next.Etag = etagNow()
	e.secret = next
	return proto.Clone(next).(*smpb.Secret), nil
}

func (s *server) DeleteSecret(_ context.Context, req *smpb.DeleteSecretRequest) (*emptypb.Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.getSecretLocked(req.GetName())
	if err != nil {
		return nil, err
	}
	if req.GetEtag() != "" && req.GetEtag() != e.secret.GetEtag() {
		return nil, status.Errorf(codes.Aborted, "etag mismatch for secret [%s]", req.GetName())
	}
	delete(s.secrets, req.GetName())
	delete(s.policy, req.GetName())
	return &emptypb.Empty{}, nil
}

func pageBounds(n int, pageSize int32, token string) (int, int, string, error) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return 0, 0, "", status.Error(codes.InvalidArgument, "invalid page_token")
		}
		start, err = strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || start < 0 {
			return 0, 0, "", status.Error(codes.InvalidArgument, "invalid page_token")
		}
	}
	if pageSize < 0 {
		return 0, 0, "", status.Error(codes.InvalidArgument, "page_size must not be negative")
	}
	// "If set to 0, the server decides the number of results to return. If the number is greater than 25000, it is
	// capped at 25000." (ListSecretsRequest.page_size, google/cloud/secretmanager/v1/service.proto)
	if pageSize == 0 || pageSize > maxPageSize {
		pageSize = maxPageSize
	}
	if start > n {
		start = n
	}
	end := n
	if pageSize > 0 && start+int(pageSize) < n {
		end = start + int(pageSize)
	}
	next := ""
	if end < n {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return start, end, next, nil
}

func (s *server) ListSecrets(_ context.Context, req *smpb.ListSecretsRequest) (*smpb.ListSecretsResponse, error) {
	if !parentRe.MatchString(req.GetParent()) {
		return nil, status.Errorf(codes.InvalidArgument, "invalid parent %q: expected projects/*", req.GetParent())
	}
	filter, pageSize, pageToken := req.GetFilter(), req.GetPageSize(), req.GetPageToken()
	if s.ignoreListOptions {
		filter, pageSize, pageToken = "", 0, ""
	}
	match, err := compileFilter(filter, false)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*secretEntry
	prefix := req.GetParent() + "/secrets/"
	for name, e := range s.secrets {
		if strings.HasPrefix(name, prefix) && match(e.secret, nil) {
			all = append(all, e)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	start, end, next, err := pageBounds(len(all), pageSize, pageToken)
	if err != nil {
		return nil, err
	}
	resp := &smpb.ListSecretsResponse{NextPageToken: next, TotalSize: int32(len(all))}
	for _, e := range all[start:end] {
		resp.Secrets = append(resp.Secrets, proto.Clone(e.secret).(*smpb.Secret))
	}
	return resp, nil
}

func (s *server) AddSecretVersion(_ context.Context, req *smpb.AddSecretVersionRequest) (*smpb.SecretVersion, error) {
	p := req.GetPayload()
	if p == nil {
		return nil, status.Error(codes.InvalidArgument, "payload is required")
	}
	if len(p.GetData()) > maxPayload {
		return nil, status.Errorf(codes.InvalidArgument, "payload exceeds %d bytes", maxPayload)
	}
	if p.DataCrc32C != nil && int64(crc32.Checksum(p.GetData(), castagnoli)) != p.GetDataCrc32C() {
		return nil, status.Error(codes.InvalidArgument, "Data corruption detected: data_crc32c does not match the payload.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.getSecretLocked(req.GetParent())
	if err != nil {
		return nil, err
	}
	n := len(e.versions) + 1
	v := &smpb.SecretVersion{
		Name:                           fmt.Sprintf("%s/versions/%d", e.secret.GetName(), n),
		CreateTime:                     timestamppb.Now(),
		State:                          smpb.SecretVersion_ENABLED,
		Etag:                           etagNow(),
		ClientSpecifiedPayloadChecksum: p.DataCrc32C != nil,
		ReplicationStatus: &smpb.ReplicationStatus{ReplicationStatus: &smpb.ReplicationStatus_Automatic{
			Automatic: &smpb.ReplicationStatus_AutomaticStatus{},
		}},
	}
	e.versions = append(e.versions, &versionEntry{meta: v, data: append([]byte(nil), p.GetData()...)})
	return proto.Clone(v).(*smpb.SecretVersion), nil
}

func (s *server) GetSecretVersion(_ context.Context, req *smpb.GetSecretVersionRequest) (*smpb.SecretVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, v, err := s.resolveVersionLocked(req.GetName())
	if err != nil {
		return nil, err
	}
	return proto.Clone(v.meta).(*smpb.SecretVersion), nil
}

func (s *server) AccessSecretVersion(_ context.Context, req *smpb.AccessSecretVersionRequest) (*smpb.AccessSecretVersionResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, v, err := s.resolveVersionLocked(req.GetName())
	if err != nil {
		return nil, err
	}
	if v.meta.GetState() != smpb.SecretVersion_ENABLED {
		return nil, status.Errorf(codes.FailedPrecondition, "Secret Version [%s] is in %s state.", v.meta.GetName(), v.meta.GetState())
	}
	sum := int64(crc32.Checksum(v.data, castagnoli))
	return &smpb.AccessSecretVersionResponse{
		Name:    v.meta.GetName(),
		Payload: &smpb.SecretPayload{Data: append([]byte(nil), v.data...), DataCrc32C: &sum},
	}, nil
}

func (s *server) ListSecretVersions(_ context.Context, req *smpb.ListSecretVersionsRequest) (*smpb.ListSecretVersionsResponse, error) {
	filter, pageSize, pageToken := req.GetFilter(), req.GetPageSize(), req.GetPageToken()
	if s.ignoreListOptions {
		filter, pageSize, pageToken = "", 0, ""
	}
	match, err := compileFilter(filter, true)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.getSecretLocked(req.GetParent())
	if err != nil {
		return nil, err
	}
	var all []*versionEntry
	for i := len(e.versions) - 1; i >= 0; i-- { // newest first, like the real service
		if match(nil, e.versions[i].meta) {
			all = append(all, e.versions[i])
		}
	}
	start, end, next, err := pageBounds(len(all), pageSize, pageToken)
	if err != nil {
		return nil, err
	}
	resp := &smpb.ListSecretVersionsResponse{NextPageToken: next, TotalSize: int32(len(all))}
	for _, v := range all[start:end] {
		resp.Versions = append(resp.Versions, proto.Clone(v.meta).(*smpb.SecretVersion))
	}
	return resp, nil
}

func (s *server) transition(name, etag string, to smpb.SecretVersion_State) (*smpb.SecretVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, v, err := s.resolveVersionLocked(name)
	if err != nil {
		return nil, err
	}
	if etag != "" && etag != v.meta.GetEtag() {
		return nil, status.Errorf(codes.Aborted, "etag mismatch for secret version [%s]", v.meta.GetName())
	}
	if v.meta.GetState() == smpb.SecretVersion_DESTROYED {
		return nil, status.Errorf(codes.FailedPrecondition, "Secret Version [%s] is in DESTROYED state.", v.meta.GetName())
	}
	v.meta.State = to
	v.meta.Etag = etagNow()
	if to == smpb.SecretVersion_DESTROYED {
		v.meta.DestroyTime = timestamppb.Now()
		v.data = nil
	}
	return proto.Clone(v.meta).(*smpb.SecretVersion), nil
}

func (s *server) DisableSecretVersion(_ context.Context, req *smpb.DisableSecretVersionRequest) (*smpb.SecretVersion, error) {
	return s.transition(req.GetName(), req.GetEtag(), smpb.SecretVersion_DISABLED)
}

func (s *server) EnableSecretVersion(_ context.Context, req *smpb.EnableSecretVersionRequest) (*smpb.SecretVersion, error) {
	return s.transition(req.GetName(), req.GetEtag(), smpb.SecretVersion_ENABLED)
}

func (s *server) DestroySecretVersion(_ context.Context, req *smpb.DestroySecretVersionRequest) (*smpb.SecretVersion, error) {
	return s.transition(req.GetName(), req.GetEtag(), smpb.SecretVersion_DESTROYED)
}

func (s *server) SetIamPolicy(_ context.Context, req *iampb.SetIamPolicyRequest) (*iampb.Policy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.getSecretLocked(req.GetResource()); err != nil {
		return nil, err
	}
	p := proto.Clone(req.GetPolicy()).(*iampb.Policy)
	p.Etag = []byte(etagNow())
	s.policy[req.GetResource()] = p
	return proto.Clone(p).(*iampb.Policy), nil
}

func (s *server) GetIamPolicy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.getSecretLocked(req.GetResource()); err != nil {
		return nil, err
	}
	if p, ok := s.policy[req.GetResource()]; ok {
		return proto.Clone(p).(*iampb.Policy), nil
	}
	return &iampb.Policy{Version: 1}, nil
}

// ---- filter subset -------------------------------------------------------

type matcher func(sec *smpb.Secret, ver *smpb.SecretVersion) bool

var termRe = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.\-]*)(:|=)(.*)$`)

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		return v[1 : len(v)-1]
	}
	return v
}

func tokenize(f string) []string {
	var out []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case quote != 0:
			cur.WriteByte(c)
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
			cur.WriteByte(c)
		case c == ' ' || c == '\t' || c == '\n':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func shortName(full string) string { return full[strings.LastIndex(full, "/")+1:] }

// compileFilter supports a conjunction (implicit or explicit AND) of terms:
// secrets:  name:SUB  name=ID  labels.K:*  labels.K:SUB  labels.K=V  BARE
// versions: state:S   state=S  name:SUB    name=N
// Anything else (OR, NOT, parentheses, time comparisons) is rejected with
// INVALID_ARGUMENT so tests notice instead of silently getting everything.
func compileFilter(f string, versions bool) (matcher, error) {
	var terms []matcher
	for _, tok := range tokenize(f) {
		if tok == "AND" {
			continue
		}
		if tok == "OR" || tok == "NOT" || strings.HasPrefix(tok, "-") || strings.ContainsAny(tok, "()<>") {
			return nil, status.Errorf(codes.InvalidArgument, "filter %q: only AND-ed name/labels/state terms are supported by the keyhold fake", f)
		}
		m := termRe.FindStringSubmatch(tok)
		if m == nil {
			val := strings.ToLower(unquote(tok))
			terms = append(terms, func(sec *smpb.Secret, ver *smpb.SecretVersion) bool {
				if ver != nil {
					return strings.Contains(strings.ToLower(shortName(ver.GetName())), val)
				}
				if strings.Contains(strings.ToLower(shortName(sec.GetName())), val) {
					return true
				}
				for k, v := range sec.GetLabels() {
					if strings.Contains(strings.ToLower(k), val) || strings.Contains(strings.ToLower(v), val) {
						return true
					}
				}
				return false
			})
			continue
		}
		field, op, val := m[1], m[2], unquote(m[3])
		switch {
		case field == "name":
			terms = append(terms, func(sec *smpb.Secret, ver *smpb.SecretVersion) bool {
				n := ""
				if ver != nil {
					n = shortName(ver.GetName())
				} else {
					n = shortName(sec.GetName())
				}
				if op == "=" {
					return n == val
				}
				return strings.Contains(n, val)
			})
		case !versions && strings.HasPrefix(field, "labels."):
			key := strings.TrimPrefix(field, "labels.")
			terms = append(terms, func(sec *smpb.Secret, _ *smpb.SecretVersion) bool {
				v, ok := sec.GetLabels()[key]
				switch {
				case !ok:
					return false
				case op == ":" && val == "*":
					return true
				case op == "=":
					return v == val
				default:
					return strings.Contains(v, val)
				}
			})
		case versions && field == "state":
			want := strings.ToUpper(val)
			terms = append(terms, func(_ *smpb.Secret, ver *smpb.SecretVersion) bool {
				return ver.GetState().String() == want
			})
		default:
			return nil, status.Errorf(codes.InvalidArgument, "filter %q: field %q is not supported by the keyhold fake", f, field)
		}
	}
	return func(sec *smpb.Secret, ver *smpb.SecretVersion) bool {
		for _, t := range terms {
			if !t(sec, ver) {
				return false
			}
		}
		return true
	}, nil
}

// ---- main ----------------------------------------------------------------

func main() {
	addr := flag.String("addr", "127.0.0.1:8086", "listen address (host:port); keep it on loopback")
	verbose := flag.Bool("v", false, "log every call")
	projects := flag.String("projects", "", "comma-separated projects that exist; others answer PERMISSION_DENIED (default: every project exists)")
	disabled := flag.String("disabled-projects", "", "comma-separated projects where the Secret Manager API is disabled (PERMISSION_DENIED, reason SERVICE_DISABLED)")
	accounts := flag.String("service-accounts", "", "comma-separated service-account emails; when set, calls need a self-signed JWT issued by one of them (UNAUTHENTICATED otherwise)")
	iamAddr := flag.String("iam-addr", "", "optional plain-HTTP listen address for IAM Credentials generateAccessToken (iamcredentials.go)")
	ignoreList := flag.Bool("ignore-list-options", false, "ignore filter, page_size and page_token in list calls and answer in one page, as localgcp does")
	granted := flag.String("granted-permissions", "", "comma-separated Secret Manager permissions the caller holds (permissions.go); default: all")
	flag.Parse()
	if *iamAddr != "" {
		serveIAMCredentials(*iamAddr, *verbose)
	}
	grantedPermissions = setOf(*granted)

	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatalf("bad -addr: %v", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Fatalf("refusing to listen on non-loopback address %q", *addr)
	}
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	srv := newServer(*verbose)
	srv.ignoreListOptions = *ignoreList
	rules := accessRules{projects: setOf(*projects), disabledProjects: setOf(*disabled), serviceAccounts: setOf(*accounts)}
	interceptors := []grpc.UnaryServerInterceptor{(&faultState{}).interceptor}
	if *verbose {
		interceptors = append(interceptors, func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			resp, err := h(ctx, req)
			log.Printf("%s -> %v", info.FullMethod, status.Code(err))
			return resp, err
		})
	}
	interceptors = append(interceptors, rules.interceptor, permissionInterceptor)
	g := grpc.NewServer(grpc.ChainUnaryInterceptor(interceptors...))
	smpb.RegisterSecretManagerServiceServer(g, srv)
	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(g, hs)
	reflection.Register(g)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-sig
		g.Stop()
	}()
	log.Printf("gcp-sm-fake: Secret Manager v1 (gRPC, plaintext) listening on %s", lis.Addr())
	if err := g.Serve(lis); err != nil {
		log.Fatalf("serve: %v", err)
	}
}
