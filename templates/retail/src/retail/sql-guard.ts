import { parse } from 'libpg-query';
import { checkNames, type QueryableSchema } from './sql-guard-names.js';
import { isNode, names, SqlRejectedError, walk, type Node } from './sql-guard-tree.js';

export { SqlRejectedError } from './sql-guard-tree.js';
export type { QueryableSchema } from './sql-guard-names.js';

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

// Tab, LF and CR are the only control characters a query needs. NUL ends the text libpg-query sees
// (what follows would be sent unchecked); form feed and vertical tab are whitespace to PostgreSQL
// only; a lone surrogate is not UTF-8 (it would be sent as U+FFFD).
// eslint-disable-next-line no-control-regex -- control characters are what this refuses.
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\p{Cs}/u;

// What PostgreSQL's scanner counts as whitespace (minus \f and \v, refused above); String.prototype.trim
// would also strip characters PostgreSQL reads as part of an identifier.
const LEADING_OR_TRAILING_SPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;

interface ParsedStatement {
  readonly stmt?: Node;
  /** Offset and length in UTF-8 bytes, not JavaScript characters; no length means "to the end". */
  readonly stmt_location?: number;
  readonly stmt_len?: number;
}

/**
 * Accepts exactly one SELECT (WITH, UNION and VALUES included) that reads only the given tables and
 * columns and calls only allow-listed functions; returns its text without a trailing semicolon.
 * Parsed by PostgreSQL's own parser (libpg-query), so comments, quoting and dollar-quoting cannot
 * hide a second statement. What is returned is a text the guard accepted on its own: the statement
 * is cut out of the input, then checked again, and must come back unchanged. The database role and
 * the read-only transaction are the second line of defence.
 */
export async function checkReadOnlySelect(sql: string, tables: QueryableSchema): Promise<string> {
  const statement = await checkOnce(sql, tables);
  if (statement !== sql && (await checkOnce(statement, tables)) !== statement) {
    throw new SqlRejectedError('The statement could not be cut out of the text exactly: send the SELECT alone, without comments around it.');
  }
  return statement;
}

async function checkOnce(sql: string, tables: QueryableSchema): Promise<string> {
  if (sql.length > MAX_SQL_LENGTH) throw new SqlRejectedError(`The query is longer than ${MAX_SQL_LENGTH} characters.`);
  const forbidden = FORBIDDEN_CHARACTER.exec(sql)?.[0];
  if (forbidden !== undefined) {
    const code = `U+${(forbidden.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new SqlRejectedError(`The query contains the control or invalid character ${code}: remove it (tab and line breaks are fine).`);
  }
  let tree: { stmts?: ParsedStatement[] };
  try {
    tree = await parse(sql);
  } catch (error) {
    throw new SqlRejectedError(`The query is not valid SQL: ${(error as Error).message}`);
  }
  const statements = tree.stmts ?? [];
  if (statements.length === 0) throw new SqlRejectedError('The query is empty: send one SELECT statement.');
  if (statements.length > 1) {
    throw new SqlRejectedError(`Send exactly one SELECT statement; this text holds ${statements.length} statements.`);
  }
  const [only] = statements;
  const select = only?.stmt?.['SelectStmt'];
  if (!isNode(select)) throw new SqlRejectedError(`Only a read-only SELECT is allowed; this is ${statementName(Object.keys(only?.stmt ?? {})[0] ?? 'unknown')}.`);
  checkClauses(select);
  checkNames(select, tables);
  return statementText(sql, only ?? {});
}

/** Rules that hold wherever a node sits: no other statement, INTO, locking, parameter or function outside the allow-list. */
function checkClauses(select: Node): void {
  for (const [key, value] of walk(select)) {
    if (key.endsWith('Stmt') && key !== 'SelectStmt') {
      throw new SqlRejectedError(`Only a read-only SELECT is allowed; the query contains ${statementName(key)}.`);
    }
    if (key === 'intoClause') throw new SqlRejectedError('SELECT ... INTO creates a table: it is not allowed. Remove the INTO clause.');
    if (key === 'lockingClause') throw new SqlRejectedError('FOR UPDATE / FOR SHARE lock rows: they are not allowed in a read-only query.');
    if (key === 'ParamRef') throw new SqlRejectedError('Query parameters ($1, ...) are not supported: write the values into the query.');
    if (key === 'FuncCall' && isNode(value)) {
      // Exact names: the parser has already folded unquoted ones to lower case.
      const parts = names(value['funcname']);
      const name = parts.at(-1) ?? '?';
      const qualifier = parts.length > 1 ? parts.slice(0, -1).join('.') : undefined;
      if ((qualifier !== undefined && qualifier !== 'pg_catalog') || !ALLOWED_FUNCTIONS.has(name)) {
        throw new SqlRejectedError(`The function ${parts.join('.')}() is not allowed in a read-only sales query.`);
      }
    }
  }
}

/** The statement's own text: libpg-query's offsets count UTF-8 bytes, so cut the bytes, not the string. */
function statementText(sql: string, statement: ParsedStatement): string {
  const bytes = Buffer.from(sql, 'utf8');
  const start = statement.stmt_location ?? 0;
  const end = statement.stmt_len ? start + statement.stmt_len : bytes.length;
  return bytes.subarray(start, end).toString('utf8').replace(LEADING_OR_TRAILING_SPACE, '');
}
