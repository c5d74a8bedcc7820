/**
 * The MCP conformance suite's server scenarios that need no fixture capabilities (the reference
 * server's test_* tools, resources and prompts), so that they test any service as it is. Each runs at
 * the wire of its spec revision: 2026-07-28 is stateless with per-request _meta, 2025-11-25 keeps the
 * initialize handshake, and a pass on one says nothing about the other.
 */
export interface ScenarioRun {
  readonly specVersion: '2026-07-28' | '2025-11-25';
  readonly scenario: string;
}

const STATELESS_ERA = [
  'server-stateless',
  'dns-rebinding-protection',
  'http-header-validation',
  'caching',
  'tools-list',
  'input-required-result-unsupported-methods',
  'input-required-result-validate-input',
] as const;

const HANDSHAKE_ERA = ['server-initialize', 'ping', 'dns-rebinding-protection', 'tools-list'] as const;

export const conformanceScenarios: readonly ScenarioRun[] = [
  ...STATELESS_ERA.map((scenario) => ({ specVersion: '2026-07-28' as const, scenario })),
  ...HANDSHAKE_ERA.map((scenario) => ({ specVersion: '2025-11-25' as const, scenario })),
];
