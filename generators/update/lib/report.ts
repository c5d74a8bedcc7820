import { logger } from '@nx/devkit';
import { createTwoFilesPatch } from 'diff';
import type { GenerationUpdate, UpdateOutcome } from '../../../packages/nx/src/update-project.js';

const QUIET: ReadonlySet<UpdateOutcome> = new Set(['unchanged']);

/** The per-file summary, and optionally a unified diff of every change. */
export function reportUpdates(project: string, updates: readonly GenerationUpdate[], showDiff: boolean): void {
  for (const update of updates) {
    const header = `${project} · ${update.generator} · ${update.fromVersion} →`;
    if (update.twoWayReason) logger.warn(`${header} two-way update: ${update.twoWayReason}`);
    const counts = new Map<UpdateOutcome, number>();
    for (const file of update.files) {
      counts.set(file.outcome, (counts.get(file.outcome) ?? 0) + 1);
      if (QUIET.has(file.outcome)) continue;
      logger.info(`  ${file.outcome.padEnd(9)} ${file.path}${file.reason ? ` (${file.reason})` : ''}`);
      if (showDiff && file.before !== file.after) {
        logger.info(createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, file.before ?? '', file.after ?? '', '', '', { context: 3 }));
      }
    }
    logger.info(`${header} ${[...counts].map(([o, n]) => `${n} ${o}`).join(', ')}`);
  }
}

export function conflictedFiles(updates: readonly GenerationUpdate[]): string[] {
  return updates.flatMap((u) => u.files.filter((f) => f.outcome === 'conflict').map((f) => f.path));
}
