import { z } from 'zod';
import { isYamlSpecial, namespaceBaseProblem } from '../../packages/nx/src/names.js';
import { portOption, databaseOverrideOption } from '../../packages/nx/src/deploy-options.js';
import { SLO_DEFAULTS, shareOption, secondsOption, sloOptionRules } from '../../packages/nx/src/deployment/service-alerts.js';
import { GATE_DEFAULTS } from './lib/release-gate.js';
import { isCidr, isEverywhere } from './lib/cidr.js';

export const progressiveDeliveries = ['none', 'canary', 'blue-green'] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const dnsLabel = (example: string) =>
  z
    .string()
    .trim()
    .refine((value) => value.length <= 63 && DNS_LABEL.test(value), {
      message: `must be a Kubernetes namespace name (DNS-1123 label: lowercase letters, digits and "-", at most 63 characters), e.g. ${example}`,
    })
    .refine((value) => !isYamlSpecial(value), {
      message: `must not be a word YAML reads as a boolean, null or number (it lands unquoted in labels), e.g. ${example}`,
    });

// registry[:port]/path without a tag or digest: overlays own the tag.
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$|^[a-z0-9]+([._-][a-z0-9]+)*$/;

const cidr = z
  .string()
  .trim()
  .refine(isCidr, { message: 'must be a CIDR block, e.g. 10.40.2.0/24' })
  .refine((value) => !isEverywhere(value), { message: 'must not be /0 (every address); name the network the database is on, e.g. 10.40.2.0/24' });

/** `--egressCidrs=203.0.113.0/24,198.51.100.7/32`: the only HTTPS destinations (identity provider, APIs). */
const cidrList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((c) => c.trim()).filter(Boolean))
  .superRefine((list, context) => {
    const bad = list.find((c) => !isCidr(c));
    if (bad !== undefined) context.addIssue({ code: 'custom', message: `"${bad}" is not a CIDR block; list blocks such as 203.0.113.0/24,198.51.100.7/32` });
    const everywhere = list.find((c) => isCidr(c) && isEverywhere(c));
    if (everywhere !== undefined) {
      context.addIssue({ code: 'custom', message: `"${everywhere}" is every address; list the identity provider's and APIs' networks only` });
    }
    if (new Set(list).size !== list.length) context.addIssue({ code: 'custom', message: 'list each block once' });
  });

/** Raw options as Nx passes them. */
export const k8sSchema = z.object({
  project: z.string({ error: 'is required: name the project to deploy, e.g. `nx g @slipway/nx:k8s orders`' }).min(1, {
    error: 'is required: name the project to deploy, e.g. `nx g @slipway/nx:k8s orders`',
  }),
  // Overlays append -staging/-prod to it.
  namespace: dnsLabel('orders')
    .superRefine((value, context) => {
      const problem = namespaceBaseProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  image: z
    .string()
    .trim()
    .refine((value) => !/@|:[^/]*$/.test(value.replace(/^[^/]*:[0-9]+\//, '')), {
      message: 'must not carry a tag or digest (each overlay sets the tag), e.g. myregistry.azurecr.io/orders',
    })
    .refine((value) => IMAGE.test(value), {
      message: 'must be an image repository in lowercase, e.g. myregistry.azurecr.io/orders or ghcr.io/acme/orders',
    })
    .optional(),
  ingressNamespace: dnsLabel('ingress-nginx').default('ingress-nginx'),
  monitoringNamespace: dnsLabel('monitoring').default('monitoring'),
  progressiveDelivery: z.enum(progressiveDeliveries, { error: `must be one of ${progressiveDeliveries.join(', ')}` }).default('none'),
  replicas: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(100, { error: 'must be at most 100; raise the autoscaler bounds in the prod overlay instead' })
    .default(3),
  prometheusUrl: z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(value), { message: 'must be an http(s) URL, e.g. http://prometheus-operated.monitoring.svc:9090' })
    .optional(),
  port: portOption.optional(),
  database: databaseOverrideOption.optional(),
  // Egress is deny-by-default beyond DNS: these name the database and HTTPS destinations.
  databaseCidr: cidr.optional(),
  egressCidrs: cidrList.default([]),
  // Tracing: the in-cluster OpenTelemetry collector's OTLP/HTTP endpoint (the pods get it, and egress to its port).
  otlpEndpoint: z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s/:]+(:\d{1,5})?\/?$/.test(value), {
      message: 'must be an http(s) URL of the collector without a path, e.g. http://otel-collector.observability.svc:4318',
    })
    .optional(),
  // The release gate (AnalysisTemplate) of canary and blue-green releases.
  gateMinHttpSuccessRate: shareOption('0.99').default(GATE_DEFAULTS.gateMinHttpSuccessRate),
  gateMaxToolErrorRatio: shareOption('0.05').default(GATE_DEFAULTS.gateMaxToolErrorRatio),
  gateMaxLatencyRatio: z.coerce
    .number({ error: 'must be a number, e.g. 1.5' })
    .min(1, { error: 'must be at least 1 (the new pods as fast as the stable ones), e.g. 1.5' })
    .default(GATE_DEFAULTS.gateMaxLatencyRatio),
  gateLatencyFloorSeconds: secondsOption('0.05').default(GATE_DEFAULTS.gateLatencyFloorSeconds),
  // The SLO alerts (PrometheusRule).
  sloAvailability: sloOptionRules.sloAvailability.default(SLO_DEFAULTS.sloAvailability),
  sloToolSuccess: sloOptionRules.sloToolSuccess.default(SLO_DEFAULTS.sloToolSuccess),
  sloLatencyP99Seconds: sloOptionRules.sloLatencyP99Seconds.default(SLO_DEFAULTS.sloLatencyP99Seconds),
  alertEventLoopLagSeconds: sloOptionRules.alertEventLoopLagSeconds.default(SLO_DEFAULTS.alertEventLoopLagSeconds),
});

export type K8sSchema = z.input<typeof k8sSchema>;
export type ParsedK8sOptions = z.output<typeof k8sSchema>;
