/** What a validator found wrong in one artifact; empty when it is valid. */
export interface ValidationProblem {
  readonly file: string;
  readonly message: string;
  /** 1-based line in the file, when the validator knows it. */
  readonly line?: number;
}

/** Where validation runs: the workspace whose node_modules resolve imports and tools (tsc). */
export interface ValidationContext {
  readonly root: string;
  /** The PATH system tools are looked up on (default: the process's). */
  readonly path?: string | undefined;
}

/** A program outside npm that a validator runs; without it the check cannot run. */
export interface SystemTool {
  readonly command: string;
  readonly install: string;
  /** Set when only this part of the validator needs the tool; the rest still runs. */
  readonly part?: string;
}

/** A real checker for one kind of generated artifact, shared by the tests and the CLI check. */
export interface ArtifactValidator {
  readonly name: string;
  /** Whether this validator applies to a project-relative path. */
  readonly appliesTo: (path: string) => boolean;
  readonly validate: (files: ReadonlyMap<string, string>, context?: ValidationContext) => Promise<ValidationProblem[]>;
  readonly tools?: readonly SystemTool[];
}
