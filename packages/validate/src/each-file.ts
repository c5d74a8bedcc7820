import type { ArtifactValidator, ValidationProblem } from './types.js';

/**
 * The `validate` of a validator whose checks look at one file at a time: `check` returns that file's
 * messages, and each becomes a problem of the file.
 */
export function eachFile(
  appliesTo: (path: string) => boolean,
  check: (file: string, text: string) => readonly string[] | Promise<readonly string[]>,
): ArtifactValidator['validate'] {
  return async (files) => {
    const problems: ValidationProblem[] = [];
    for (const [file, text] of files) {
      if (!appliesTo(file)) continue;
      for (const message of await check(file, text)) problems.push({ file, message });
    }
    return problems;
  };
}
