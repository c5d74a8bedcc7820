import type { AuthInfo } from '@modelcontextprotocol/server';

/** Who a call is charged to: only ever from the verified token, never from headers or arguments. */
export interface CallerIdentity {
  /** The token's `sub`, else its client id; undefined without authentication. */
  readonly subject: string | undefined;
  /** The tenant claim's value, else undefined. */
  readonly tenant: string | undefined;
  /** The bucket owner: `t:<tenant>`, else `s:<subject>`, else `anonymous` (one shared bucket). */
  readonly key: string;
}

const ANONYMOUS: CallerIdentity = Object.freeze({ subject: undefined, tenant: undefined, key: 'anonymous' });

function claim(authInfo: AuthInfo, name: string): string | undefined {
  const value = authInfo.extra?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function identityOf(authInfo: AuthInfo | undefined, tenantClaim: string): CallerIdentity {
  if (authInfo === undefined) return ANONYMOUS;
  const subject = claim(authInfo, 'sub') ?? (authInfo.clientId !== '' ? authInfo.clientId : undefined);
  const tenant = claim(authInfo, tenantClaim);
  // The prefixes keep a subject named like a tenant from sharing that tenant's bucket.
  const key = tenant !== undefined ? `t:${tenant}` : subject !== undefined ? `s:${subject}` : 'anonymous';
  return { subject, tenant, key };
}

export const DEFAULT_TENANT_CLAIM = 'tenant';
