// The Kubernetes kinds Slipway generates, as kubernetes-types declares them, and the custom resources
// (Argo Rollouts, the Prometheus Operator's PodMonitor and PrometheusRule) as @kubernetes-models declares them.
// generate-kubernetes-schema.ts turns these declarations into kubernetes-strict.json, where every
// object rejects unknown fields.
export type { Deployment } from 'kubernetes-types/apps/v1.js';
export type { ConfigMap, Namespace, PodTemplateSpec, Secret, Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
export type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
export type { Ingress, NetworkPolicy } from 'kubernetes-types/networking/v1.js';
export type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
export type { LabelSelector, ObjectMeta } from 'kubernetes-types/meta/v1.js';
export type { IRollout as Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
export type { IAnalysisTemplate as AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
export type { IPodMonitor as PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
export type { IPrometheusRule as PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
