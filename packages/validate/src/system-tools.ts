import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether a command is an executable on the given PATH (what execFile would find). */
export function onPath(command: string, path: string | undefined = process.env['PATH']): boolean {
  return (path ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}
