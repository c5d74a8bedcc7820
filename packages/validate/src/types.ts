/** What a validator found wrong in one artifact; empty when it is valid. */
export interface ValidationProblem {
  readonly file: string;
  readonly message: string;
}

/** A real checker for one kind of generated artifact, shared by the tests and the CLI check. */
export interface ArtifactValidator {
  readonly name: string;
  /** Whether this validator applies to a project-relative path. */
  readonly appliesTo: (path: string) => boolean;
  readonly validate: (files: ReadonlyMap<string, string>) => Promise<ValidationProblem[]>;
}
