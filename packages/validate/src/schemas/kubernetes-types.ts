// The Kubernetes kinds Slipway generates, as kubernetes-types declares them. generate-kubernetes-schema.ts
// turns these declarations into kubernetes-strict.json, where every object rejects unknown fields.
export type { Deployment } from 'kubernetes-types/apps/v1.js';
export type { ConfigMap, Namespace, PodTemplateSpec, Secret, Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
export type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
export type { Ingress, NetworkPolicy } from 'kubernetes-types/networking/v1.js';
export type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
export type { LabelSelector, ObjectMeta } from 'kubernetes-types/meta/v1.js';
