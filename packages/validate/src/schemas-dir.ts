import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The vendored schemas: beside the sources in the repo, copied beside the compiled modules by the build. */
export const schemasDir = join(dirname(fileURLToPath(import.meta.url)), 'schemas');
