package main

// The Secret proto's rules for topics and rotation schedules
// (google/cloud/secretmanager/v1/resources.proto, Secret.topics, Topic.name,
// Rotation): up to 10 topics named projects/*/topics/*; rotation needs at
// least one topic; next_rotation_time at least 300s and at most 3153600000s
// (100 years) in the future when it is set; rotation_period whole seconds,
// 3600s to 3153600000s, and only with a next_rotation_time. The fake neither
// publishes to the topics nor advances next_rotation_time: nothing here
// checks that a topic exists.

import (
	"regexp"
	"time"

	smpb "cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var topicNameRe = regexp.MustCompile(`^projects/[^/]+/topics/[^/]+$`)

const (
	maxTopics          = 10
	minRotationLead    = 300 * time.Second
	maxRotationSeconds = 3153600000
	minRotationPeriod  = 3600
)

// validateSchedule checks a secret's topics and rotation as the service does when it is created or updated.
func validateSchedule(sec *smpb.Secret, now time.Time, rotationChanged bool) error {
	topics := sec.GetTopics()
	if len(topics) > maxTopics {
		return status.Errorf(codes.InvalidArgument, "Secret.topics: at most %d topics are allowed, got %d", maxTopics, len(topics))
	}
	for _, t := range topics {
		if !topicNameRe.MatchString(t.GetName()) {
			return status.Errorf(codes.InvalidArgument, "Secret.topics: invalid topic name %q: expected projects/*/topics/*", t.GetName())
		}
	}
	r := sec.GetRotation()
	if r == nil || (r.GetNextRotationTime() == nil && r.GetRotationPeriod() == nil) {
		return nil
	}
	if len(topics) == 0 {
		return status.Error(codes.InvalidArgument, "Secret.rotation: Secret.topics must be set to configure rotation")
	}
	if !rotationChanged {
		return nil
	}
	if p := r.GetRotationPeriod(); p != nil {
		if r.GetNextRotationTime() == nil {
			return status.Error(codes.InvalidArgument, "Secret.rotation.next_rotation_time must be set if rotation_period is set")
		}
		if p.GetNanos() != 0 || p.GetSeconds() < minRotationPeriod || p.GetSeconds() > maxRotationSeconds {
			return status.Errorf(codes.InvalidArgument, "Secret.rotation.rotation_period must be in seconds and at least %ds (1h) and at most %ds (100 years)", minRotationPeriod, maxRotationSeconds)
		}
	}
	if t := r.GetNextRotationTime(); t != nil {
		at := t.AsTime()
		if at.Before(now.Add(minRotationLead)) || at.After(now.Add(maxRotationSeconds*time.Second)) {
			return status.Error(codes.InvalidArgument, "Secret.rotation.next_rotation_time cannot be set to less than 300s (5 min) in the future or more than 3153600000s (100 years)")
		}
	}
	return nil
}
