import { parse } from 'libpg-query';

/** A query the guard refuses, with a message for the caller that says what to change. */
export class SqlRejectedError extends Error {
  override readonly name = 'SqlRejectedError';
}

export const MAX_SQL_LENGTH = 20_000;

/**
 * Functions a read-only sales query may call. An allow-list: anything else (set_config, pg_sleep,
 * nextval, dblink, lo_import, pg_read_file, query_to_xml, ...) is refused, since a SELECT can
 * write or escalate through a function.
 */
const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set([
  // aggregates
  'count', 'sum', 'avg', 'min', 'max', 'stddev', 'stddev_pop', 'stddev_samp', 'variance', 'var_pop', 'var_samp',
  'string_agg', 'array_agg', 'bool_and', 'bool_or', 'every', 'percentile_cont', 'percentile_disc', 'mode',
  'json_agg', 'jsonb_agg', 'json_object_agg', 'jsonb_object_agg', 'corr', 'covar_pop', 'covar_samp',
  'regr_slope', 'regr_intercept', 'regr_r2', 'regr_count',
  // window functions
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value',
  // numbers
  'abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc', 'sign', 'sqrt', 'cbrt', 'power', 'pow', 'exp', 'ln', 'log', 'log10',
  'mod', 'div', 'width_bucket', 'to_number',
  // text
  'lower', 'upper', 'initcap', 'length', 'char_length', 'character_length', 'octet_length', 'substring', 'substr', 'btrim',
  'ltrim', 'rtrim', 'replace', 'concat', 'concat_ws', 'left', 'right', 'lpad', 'rpad', 'split_part', 'position', 'strpos',
  'starts_with', 'format', 'to_char', 'translate', 'reverse', 'repeat', 'overlay', 'normalize', 'similar_to_escape',
  'regexp_replace', 'regexp_match', 'regexp_matches', 'regexp_like', 'regexp_count', 'regexp_substr', 'md5',
  // dates and times
  'now', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'statement_timestamp',
  'transaction_timestamp', 'date_trunc', 'date_part', 'extract', 'age', 'to_date', 'to_timestamp', 'make_date', 'make_time',
  'make_timestamp', 'make_timestamptz', 'make_interval', 'date_bin', 'timezone', 'justify_days', 'justify_hours',
  'justify_interval', 'isfinite', 'overlaps',
  // json, arrays, sets
  'json_build_object', 'jsonb_build_object', 'json_build_array', 'jsonb_build_array', 'to_json', 'to_jsonb', 'row_to_json',
  'json_array_length', 'jsonb_array_length', 'unnest', 'generate_series', 'array_length', 'cardinality', 'array_to_string',
  'string_to_array', 'array_position', 'array_remove', 'array_append',
  // full-text search over descriptions
  'to_tsvector', 'to_tsquery', 'plainto_tsquery', 'websearch_to_tsquery', 'ts_rank', 'ts_headline',
]);

const STATEMENT_NAMES: Readonly<Record<string, string>> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  DropStmt: 'DROP',
  TruncateStmt: 'TRUNCATE',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  AlterTableStmt: 'ALTER TABLE',
  GrantStmt: 'GRANT',
  CopyStmt: 'COPY',
  VariableSetStmt: 'SET',
  TransactionStmt: 'a transaction command',
  ExplainStmt: 'EXPLAIN',
  DoStmt: 'DO',
  CallStmt: 'CALL',
};

function statementName(kind: string): string {
  return STATEMENT_NAMES[kind] ?? kind.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every (key, value) pair of the parse tree, depth first. */
function* walk(value: unknown): Generator<[string, unknown]> {
  if (Array.isArray(value)) {
    for (const item of value) yield* walk(item);
  } else if (isNode(value)) {
    for (const [key, child] of Object.entries(value)) {
      yield [key, child];
      yield* walk(child);
    }
  }
}

function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => (isNode(item) && isNode(item['String']) ? String(item['String']['sval']) : '?'));
}

/**
 * Accepts exactly one SELECT (WITH, UNION and VALUES included) that reads only the given tables and
 * calls only allow-listed functions; returns its text without a trailing semicolon. Parsed by
 * PostgreSQL's own parser (libpg-query), so comments, quoting and dollar-quoting cannot hide a
 * second statement. The database role and the read-only transaction are the second line of defence.
 */
export async function checkReadOnlySelect(sql: string, tables: ReadonlySet<string>): Promise<string> {
  if (sql.length > MAX_SQL_LENGTH) throw new SqlRejectedError(`The query is longer than ${MAX_SQL_LENGTH} characters.`);
  let tree: { stmts?: Array<{ stmt?: Node; stmt_location?: number; stmt_len?: number }> };
  try {
    tree = (await parse(sql)) as typeof tree;
  } catch (error) {
    throw new SqlRejectedError(`The query is not valid SQL: ${(error as Error).message}`);
  }
  const statements = tree.stmts ?? [];
  if (statements.length === 0) throw new SqlRejectedError('The query is empty: send one SELECT statement.');
  if (statements.length > 1) {
    throw new SqlRejectedError(`Send exactly one SELECT statement; this text holds ${statements.length} statements.`);
  }
  const [only] = statements;
  const kind = Object.keys(only?.stmt ?? {})[0] ?? 'unknown';
  if (kind !== 'SelectStmt') throw new SqlRejectedError(`Only a read-only SELECT is allowed; this is ${statementName(kind)}.`);

  const cteNames = new Set<string>();
  for (const [key, value] of walk(only)) {
    if (key === 'CommonTableExpr' && isNode(value) && typeof value['ctename'] === 'string') cteNames.add(value['ctename'].toLowerCase());
  }
  for (const [key, value] of walk(only)) {
    if (key.endsWith('Stmt') && key !== 'SelectStmt') {
      throw new SqlRejectedError(`Only a read-only SELECT is allowed; the query contains ${statementName(key)}.`);
    }
    if (key === 'intoClause') throw new SqlRejectedError('SELECT ... INTO creates a table: it is not allowed. Remove the INTO clause.');
    if (key === 'lockingClause') throw new SqlRejectedError('FOR UPDATE / FOR SHARE lock rows: they are not allowed in a read-only query.');
    if (key === 'ParamRef') throw new SqlRejectedError('Query parameters ($1, ...) are not supported: write the values into the query.');
    if (key === 'FuncCall' && isNode(value)) {
      const parts = names(value['funcname']).map((n) => n.toLowerCase());
      const name = parts.at(-1) ?? '?';
      const qualifier = parts.length > 1 ? parts.slice(0, -1).join('.') : undefined;
      if ((qualifier !== undefined && qualifier !== 'pg_catalog') || !ALLOWED_FUNCTIONS.has(name)) {
        throw new SqlRejectedError(`The function ${parts.join('.')}() is not allowed in a read-only sales query.`);
      }
    }
    if (key === 'RangeVar' && isNode(value)) {
      const schema = typeof value['schemaname'] === 'string' ? value['schemaname'].toLowerCase() : undefined;
      const relation = String(value['relname']).toLowerCase();
      const known = schema === 'retail' ? tables.has(relation) : schema === undefined && (tables.has(relation) || cteNames.has(relation));
      if (value['catalogname'] !== undefined || !known) {
        throw new SqlRejectedError(
          `The table ${schema === undefined ? relation : `${schema}.${relation}`} is not available; query the retail tables listed by get_table_schemas.`,
        );
      }
    }
  }
  const start = only?.stmt_location ?? 0;
  const text = only?.stmt_len ? sql.slice(start, start + only.stmt_len) : sql.slice(start);
  return text.trim().replace(/;+$/, '').trim();
}
