import type { DeployTarget } from '../deploy-target.js';
import { sqlIdentifier } from '../names.js';

/**
 * The two database logins every deploy target splits a service's credentials into: the owner (the
 * PostgreSQL superuser or server admin), which only the one-shot migration step receives as
 * DATABASE_MIGRATION_URL, and the serving login in DATABASE_URL, which the migration creates and
 * grants to. The serving process never gets the owner, so a SQL escape cannot take the database over.
 */

/** The serving login's name: the database's, with `_app`, so it never collides with the owner. */
export function appLogin(service: string): string {
  return `${sqlIdentifier(service)}_app`;
}

/** The Container Apps Job that runs the migration (job names: at most 32 characters, no trailing hyphen). */
export function migrationJobName(containerApp: string): string {
  const suffix = '-migrate';
  return `${containerApp.slice(0, 32 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/** The migration step in the service's own image: WORKDIR is the project folder and tini stays the entrypoint. */
export function migrationCommand(target: DeployTarget): string[] {
  return ['node', `${target.outputDir}/migrate.js`];
}
