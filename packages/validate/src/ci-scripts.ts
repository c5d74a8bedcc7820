// What a CI step's script does, read from its text: GitHub workflows and Azure pipelines ask the same questions.

/** The database owner's URL: only the step that runs the migration may get it. */
export const MIGRATION_URL = 'DATABASE_MIGRATION_URL';

/** A script that runs the migration: `npm run migrate`, `nx affected -t migrate`, `node dist/migrate.js`. */
export const RUNS_MIGRATION = /\bmigrat(e|ion)\b/i;

/** A script that publishes an image: `docker push`, `podman image push`, `buildx build --push`, `az acr build`. */
export const PUSHES_IMAGE = /\b(docker|podman)\s+(image\s+)?push\b|\bbuildx\s+build\b.*--push\b|\baz\s+acr\s+build\b/;
