import { type Json, isObject, oneOrMany } from './json-shapes.js';

/** A job's effective permissions: its own block, or the workflow's. */
function permissionsOf(doc: Json, job: Json): unknown {
  return job['permissions'] ?? doc['permissions'];
}

function grants(permissions: unknown, scope: string): boolean {
  if (permissions === 'write-all') return true;
  return isObject(permissions) && permissions[scope] === 'write';
}

/** Least-privilege token scopes, and azure/login over OIDC rather than a stored secret. */
export function checkPermissions(doc: Json, jobs: Array<[string, Json]>): string[] {
  const problems: string[] = [];
  if (doc['permissions'] === undefined && jobs.some(([, job]) => job['permissions'] === undefined)) {
    problems.push(
      'permissions are not declared, so jobs get the repository default token scopes; add `permissions: contents: read` at the top and grant more only on the jobs that need it',
    );
  }
  if (doc['permissions'] === 'write-all') problems.push('permissions: write-all grants every scope; grant only what each job needs');
  if (isObject(doc['permissions']) && jobs.length > 1) {
    for (const [scope, level] of Object.entries(doc['permissions'])) {
      if (level === 'write') problems.push(`permissions: ${scope}: write is granted to every job; grant it on the job that needs it`);
    }
  }
  for (const [jobId, job] of jobs) {
    if (job['permissions'] === 'write-all') problems.push(`jobs.${jobId}: permissions: write-all grants every scope; grant only what the job needs`);
    oneOrMany(job['steps']).forEach((step, index) => {
      if (!isObject(step) || typeof step['uses'] !== 'string' || !/^azure\/login@/i.test(step['uses'])) return;
      const inputs = isObject(step['with']) ? step['with'] : {};
      if (inputs['creds'] !== undefined) {
        problems.push(
          `jobs.${jobId}.steps[${index}]: azure/login with creds stores a long-lived service principal secret; use OIDC (client-id, tenant-id, subscription-id) with id-token: write`,
        );
      } else if (!grants(permissionsOf(doc, job), 'id-token')) {
        problems.push(`jobs.${jobId}.steps[${index}]: azure/login over OIDC needs \`id-token: write\` in the job's permissions`);
      }
    });
  }
  return problems;
}
