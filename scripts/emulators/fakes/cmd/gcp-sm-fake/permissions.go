package main

// An optional IAM model: with -granted-permissions the caller holds only the
// listed Secret Manager permissions. Every other call answers
// PERMISSION_DENIED as the real service does, and TestIamPermissions (which
// needs no permission of its own) answers the subset the caller holds, so a
// read-only credential can be told from a read-write one. Without the flag
// every permission is granted. A test seeds such an instance with the
// metadata header x-keyhold-seed: 1, which the model lets through.

import (
	"context"
	"strings"

	"cloud.google.com/go/iam/apiv1/iampb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// grantedPermissions: empty means every permission.
var grantedPermissions = map[string]bool{}

func (s *server) TestIamPermissions(_ context.Context, req *iampb.TestIamPermissionsRequest) (*iampb.TestIamPermissionsResponse, error) {
	s.mu.Lock()
	_, err := s.getSecretLocked(req.GetResource())
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	held := []string{}
	for _, p := range req.GetPermissions() {
		if len(grantedPermissions) == 0 || grantedPermissions[p] {
			held = append(held, p)
		}
	}
	return &iampb.TestIamPermissionsResponse{Permissions: held}, nil
}

// permissionInterceptor refuses a call whose permission the caller does not hold.
func permissionInterceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	method, ok := strings.CutPrefix(info.FullMethod, smService)
	if !ok || len(grantedPermissions) == 0 || method == "TestIamPermissions" {
		return h(ctx, req)
	}
	if md, _ := metadata.FromIncomingContext(ctx); len(md.Get("x-keyhold-seed")) > 0 {
		return h(ctx, req)
	}
	if perm, known := permissions[method]; known && !grantedPermissions[perm] {
		return nil, status.Errorf(codes.PermissionDenied, "Permission '%s' denied for resource '%s' (or it may not exist).", perm, resourceOf(req))
	}
	return h(ctx, req)
}
