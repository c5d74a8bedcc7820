/**
 * Hand-written JSON schemas for the custom resources Slipway generates, which kubernetes-types
 * does not declare: Argo Rollouts (Rollout, AnalysisTemplate) and the Prometheus Operator's
 * PodMonitor. They cover the fields Slipway writes plus the common documented ones, strictly
 * (unknown fields fail), and reuse the strict Kubernetes definitions for pod templates and
 * selectors. They are a structural check, not the CRDs' own OpenAPI schemas.
 */
type Schema = Record<string, unknown>;

const K8S = 'kubernetes-strict.json#/definitions/';
const ref = (name: string): Schema => ({ $ref: `${K8S}${name}` });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const intOrString: Schema = { type: ['integer', 'string'] };
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const anyObject: Schema = { type: 'object' };

const metadataLabels = obj({ labels: { type: 'object', additionalProperties: str }, annotations: { type: 'object', additionalProperties: str } });

const rolloutArgument = obj(
  {
    name: str,
    value: str,
    valueFrom: obj({ podTemplateHashValue: { enum: ['Stable', 'Latest'] }, fieldRef: obj({ fieldPath: str }, ['fieldPath']) }),
  },
  ['name'],
);

const rolloutAnalysisProperties: Record<string, Schema> = {
  templates: arrayOf(obj({ templateName: str, clusterScope: bool }, ['templateName'])),
  args: arrayOf(rolloutArgument),
  dryRun: arrayOf(obj({ metricName: str }, ['metricName'])),
  measurementRetention: arrayOf(obj({ metricName: str, limit: int }, ['metricName', 'limit'])),
  analysisRunMetadata: metadataLabels,
};
const rolloutAnalysis = obj(rolloutAnalysisProperties, ['templates']);

const canaryStep: Schema = {
  ...obj({
    setWeight: int,
    pause: obj({ duration: intOrString }),
    analysis: rolloutAnalysis,
    setCanaryScale: obj({ weight: int, replicas: int, matchTrafficWeight: bool }),
    experiment: anyObject,
    setHeaderRoute: anyObject,
    setMirrorRoute: anyObject,
    plugin: anyObject,
  }),
  minProperties: 1,
  maxProperties: 1,
};

const canary = obj({
  canaryService: str,
  stableService: str,
  steps: arrayOf(canaryStep),
  analysis: obj({ ...rolloutAnalysisProperties, startingStep: int }, ['templates']),
  maxSurge: intOrString,
  maxUnavailable: intOrString,
  trafficRouting: anyObject,
  scaleDownDelaySeconds: int,
  scaleDownDelayRevisionLimit: int,
  abortScaleDownDelaySeconds: int,
  dynamicStableScale: bool,
  antiAffinity: anyObject,
  canaryMetadata: metadataLabels,
  stableMetadata: metadataLabels,
  minPodsPerReplicaSet: int,
});

const blueGreen = obj(
  {
    activeService: str,
    previewService: str,
    autoPromotionEnabled: bool,
    autoPromotionSeconds: int,
    scaleDownDelaySeconds: int,
    scaleDownDelayRevisionLimit: int,
    abortScaleDownDelaySeconds: int,
    previewReplicaCount: int,
    prePromotionAnalysis: rolloutAnalysis,
    postPromotionAnalysis: rolloutAnalysis,
    antiAffinity: anyObject,
    previewMetadata: metadataLabels,
    activeMetadata: metadataLabels,
    maxUnavailable: intOrString,
  },
  ['activeService'],
);

const typeMeta = (apiVersion: string, kind: string) => ({
  apiVersion: { const: apiVersion },
  kind: { const: kind },
  metadata: ref('ObjectMeta'),
});

export const rolloutSchema: Schema = obj(
  {
    ...typeMeta('argoproj.io/v1alpha1', 'Rollout'),
    spec: obj(
      {
        replicas: int,
        selector: ref('LabelSelector'),
        template: ref('PodTemplateSpec'),
        workloadRef: obj({ apiVersion: str, kind: str, name: str, scaleDown: { enum: ['never', 'onsuccess', 'progressively'] } }),
        minReadySeconds: int,
        revisionHistoryLimit: int,
        paused: bool,
        progressDeadlineSeconds: int,
        progressDeadlineAbort: bool,
        restartAt: str,
        rollbackWindow: obj({ revisions: int }),
        strategy: { ...obj({ canary, blueGreen }), minProperties: 1, maxProperties: 1 },
      },
      ['selector', 'strategy'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const prometheusProvider = obj(
  {
    address: { type: 'string', pattern: '^https?://' },
    query: { type: 'string', minLength: 1 },
    timeout: int,
    insecure: bool,
    headers: arrayOf(obj({ key: str, value: str }, ['key', 'value'])),
    authentication: anyObject,
    rangeQuery: obj({ start: str, end: str, step: str }),
  },
  ['address', 'query'],
);

const metric = obj(
  {
    name: str,
    interval: str,
    initialDelay: str,
    count: intOrString,
    successCondition: str,
    failureCondition: str,
    failureLimit: intOrString,
    inconclusiveLimit: intOrString,
    consecutiveErrorLimit: intOrString,
    consecutiveSuccessLimit: intOrString,
    provider: {
      ...obj({
        prometheus: prometheusProvider,
        web: anyObject,
        job: anyObject,
        datadog: anyObject,
        newRelic: anyObject,
        wavefront: anyObject,
        kayenta: anyObject,
        cloudWatch: anyObject,
        graphite: anyObject,
        influxdb: anyObject,
        skywalking: anyObject,
        plugin: anyObject,
      }),
      minProperties: 1,
      maxProperties: 1,
    },
  },
  ['name', 'provider'],
);

export const analysisTemplateSchema: Schema = obj(
  {
    ...typeMeta('argoproj.io/v1alpha1', 'AnalysisTemplate'),
    spec: obj(
      {
        args: arrayOf(
          obj(
            {
              name: str,
              value: str,
              valueFrom: obj({ secretKeyRef: obj({ name: str, key: str }, ['name', 'key']), fieldRef: obj({ fieldPath: str }, ['fieldPath']) }),
            },
            ['name'],
          ),
        ),
        metrics: { ...arrayOf(metric), minItems: 1 },
        dryRun: arrayOf(obj({ metricName: str }, ['metricName'])),
        measurementRetention: arrayOf(obj({ metricName: str, limit: int }, ['metricName', 'limit'])),
      },
      ['metrics'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

export const podMonitorSchema: Schema = obj(
  {
    ...typeMeta('monitoring.coreos.com/v1', 'PodMonitor'),
    spec: obj(
      {
        selector: ref('LabelSelector'),
        namespaceSelector: obj({ any: bool, matchNames: arrayOf(str) }),
        podMetricsEndpoints: arrayOf(
          obj({
            port: str,
            portNumber: int,
            path: str,
            scheme: { enum: ['http', 'https'] },
            interval: str,
            scrapeTimeout: str,
            honorLabels: bool,
            relabelings: arrayOf(anyObject),
            metricRelabelings: arrayOf(anyObject),
          }),
        ),
        podTargetLabels: arrayOf(str),
        jobLabel: str,
        sampleLimit: int,
      },
      ['selector'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

/** `apiVersion/kind` → hand-written schema. */
export const customResourceSchemas: Readonly<Record<string, Schema>> = {
  'argoproj.io/v1alpha1/Rollout': rolloutSchema,
  'argoproj.io/v1alpha1/AnalysisTemplate': analysisTemplateSchema,
  'monitoring.coreos.com/v1/PodMonitor': podMonitorSchema,
};
