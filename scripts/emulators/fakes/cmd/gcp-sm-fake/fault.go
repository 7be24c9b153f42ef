package main

// Faults on demand for Keyhold's fault tests (tests/faults). gRPC has no spare URL for a control endpoint, so the
// control rides on the health service: a grpc.health.v1.Health/Check call carrying `x-keyhold-fault: {json rule}`
// arms a rule (`{}` clears it), and every Check call answers the counters in its `x-keyhold-fault-counts` header.
//
//	{"code": 8, "count": 2, "skip": 1, "retryAfterSeconds": 1, "method": "ListSecrets"}
//
// Calls whose method ends with `method` count: the first `skip` pass, the next `count` fail with `code`
// (RESOURCE_EXHAUSTED by default; with google.rpc.RetryInfo when retryAfterSeconds > 0), the rest pass again.

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

type faultRule struct {
	Code              int     `json:"code"`
	Count             int     `json:"count"`
	Skip              int     `json:"skip"`
	RetryAfterSeconds float64 `json:"retryAfterSeconds"`
	Method            string  `json:"method"`
}

type faultState struct {
	mu      sync.Mutex
	rule    *faultRule
	seen    int
	served  int
	methods map[string]int
}

func (f *faultState) counts() string {
	out, _ := json.Marshal(map[string]any{"seen": f.seen, "served": f.served, "methods": f.methods})
	return string(out)
}

func (f *faultState) interceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if info.FullMethod == "/grpc.health.v1.Health/Check" {
		f.mu.Lock()
		if md, ok := metadata.FromIncomingContext(ctx); ok && len(md.Get("x-keyhold-fault")) > 0 {
			var rule faultRule
			if err := json.Unmarshal([]byte(md.Get("x-keyhold-fault")[0]), &rule); err != nil {
				f.mu.Unlock()
				return nil, status.Errorf(codes.InvalidArgument, "bad fault rule: %v", err)
			}
			f.rule, f.seen, f.served, f.methods = nil, 0, 0, map[string]int{}
			if rule.Count > 0 {
				if rule.Code == 0 {
					rule.Code = int(codes.ResourceExhausted)
				}
				f.rule = &rule
			}
		}
		_ = grpc.SetHeader(ctx, metadata.Pairs("x-keyhold-fault-counts", f.counts()))
		f.mu.Unlock()
		return h(ctx, req)
	}
	f.mu.Lock()
	name := info.FullMethod[strings.LastIndex(info.FullMethod, "/")+1:]
	if f.methods != nil {
		f.methods[name]++
	}
	rule := f.rule
	if rule == nil || !strings.HasSuffix(info.FullMethod, rule.Method) {
		f.mu.Unlock()
		return h(ctx, req)
	}
	f.seen++
	if f.seen <= rule.Skip || f.seen > rule.Skip+rule.Count {
		f.mu.Unlock()
		return h(ctx, req)
	}
	f.served++
	f.mu.Unlock()
	st := status.New(codes.Code(rule.Code), "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute per project'.")
	if rule.RetryAfterSeconds > 0 {
		if d, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(rule.RetryAfterSeconds * float64(time.Second)))}); err == nil {
			st = d
		}
	}
	return nil, st.Err()
}
