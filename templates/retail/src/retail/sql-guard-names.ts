import { child, isNode, names, SqlRejectedError, text, type Node } from './sql-guard-tree.js';

/**
 * The tables a query may read, each with its columns in table order (a Set iterates in insertion
 * order; the order matters for `FROM orders AS o(a, b)`, which renames the first columns).
 */
export type QueryableSchema = ReadonlyMap<string, ReadonlySet<string>>;

/** The schema the allow-listed tables live in: unqualified names resolve there (through search_path). */
const TABLE_SCHEMA = 'retail';

/**
 * The output columns of a FROM item, in order. A name is undefined where the guard cannot tell it
 * (it then never matches); `complete` is false when only some columns are listed, positions unknown.
 * Every listed name is a real column: `x.f` passes only for a listed f, and must never be read by
 * PostgreSQL as the call f(x).
 */
interface Columns {
  readonly names: readonly (string | undefined)[];
  readonly complete: boolean;
}

/** A FROM item a column reference can name: `name.column`, or `schema.name.column` when unaliased. */
interface Rel {
  readonly name: string;
  readonly schema: string | undefined;
  readonly columns: Columns;
}

/** The FROM items of one query level, and the enclosing levels (for correlated references). */
interface Level {
  readonly rels: readonly Rel[];
  readonly parent: Level | undefined;
}

/** The CTEs of one WITH clause, and the enclosing WITH clauses. */
interface CteFrame {
  readonly ctes: ReadonlyMap<string, Columns>;
  readonly parent: CteFrame | undefined;
}

interface Scope {
  readonly level: Level | undefined;
  readonly ctes: CteFrame | undefined;
  readonly tables: QueryableSchema;
}

// Views of information_schema: a CTE must not look like one (defence in depth; an unqualified name
// never resolves there, but a reader should not have to know that).
const CATALOG_NAMES: ReadonlySet<string> = new Set([
  'information_schema', 'administrable_role_authorizations', 'applicable_roles', 'attributes', 'character_sets',
  'check_constraint_routine_usage', 'check_constraints', 'collation_character_set_applicability', 'collations',
  'column_column_usage', 'column_domain_usage', 'column_options', 'column_privileges', 'column_udt_usage', 'columns',
  'constraint_column_usage', 'constraint_table_usage', 'data_type_privileges', 'domain_constraints', 'domain_udt_usage',
  'domains', 'element_types', 'enabled_roles', 'foreign_data_wrapper_options', 'foreign_data_wrappers',
  'foreign_server_options', 'foreign_servers', 'foreign_table_options', 'foreign_tables', 'information_schema_catalog_name',
  'key_column_usage', 'parameters', 'referential_constraints', 'role_column_grants', 'role_routine_grants',
  'role_table_grants', 'role_udt_grants', 'role_usage_grants', 'routine_column_usage', 'routine_privileges',
  'routine_routine_usage', 'routine_sequence_usage', 'routine_table_usage', 'routines', 'schemata', 'sequences',
  'sql_features', 'sql_implementation_info', 'sql_parts', 'sql_sizing', 'table_constraints', 'table_privileges', 'tables',
  'transforms', 'triggered_update_columns', 'triggers', 'udt_privileges', 'usage_privileges', 'user_defined_types',
  'user_mapping_options', 'user_mappings', 'view_column_usage', 'view_routine_usage', 'view_table_usage', 'views',
]);

const UNKNOWN: Columns = { names: [], complete: false };

/**
 * Checks every table and qualified column reference of a SELECT against the allow-list, resolving
 * names the way PostgreSQL does: a CTE is visible in its WITH's query and in later sibling CTEs only,
 * FROM items only in their query level (and to later LATERAL items), a join alias hides the tables
 * inside it.
 */
export function checkNames(select: Node, tables: QueryableSchema): void {
  checkSelect(select, { level: undefined, ctes: undefined, tables });
}

/** Checks one SELECT (`outer.level` is the enclosing query level); returns its output columns. */
function checkSelect(stmt: Node, outer: Scope): Columns {
  const { withClause, larg, rarg, fromClause, ...rest } = stmt;
  const ctes = isNode(withClause) ? checkWith(withClause, outer) : outer.ctes;
  const base: Scope = { ...outer, ctes };
  let columns: Columns;
  let level: Level = { rels: [], parent: outer.level };
  if (isNode(larg) && isNode(rarg)) {
    // UNION / INTERSECT / EXCEPT: the arms are queries of their own; the names come from the left one.
    columns = checkSelect(larg, base);
    checkSelect(rarg, base);
  } else if (Array.isArray(stmt['valuesLists'])) {
    const first = child(stmt['valuesLists'][0], 'List')?.['items'];
    columns = { names: Array.isArray(first) ? first.map((_, i) => `column${i + 1}`) : [], complete: Array.isArray(first) };
  } else {
    const rels: Rel[] = [];
    const stars: Columns[] = [];
    for (const item of Array.isArray(fromClause) ? fromClause : []) {
      const from = checkFromItem(item, [...rels], base);
      rels.push(...from.visible);
      stars.push(from.columns);
    }
    level = { rels, parent: outer.level };
    columns = outputColumns(stmt['targetList'], level, concat(stars));
  }
  walkExpressions(rest, { ...base, level });
  return columns;
}

function checkWith(withClause: Node, outer: Scope): CteFrame {
  if (withClause['recursive'] === true) {
    throw new SqlRejectedError('WITH RECURSIVE is not allowed: a recursive query can loop without bound, which the cost limit cannot see. Write the query without RECURSIVE.');
  }
  const ctes = new Map<string, Columns>();
  const frame: CteFrame = { ctes, parent: outer.ctes };
  for (const item of Array.isArray(withClause['ctes']) ? withClause['ctes'] : []) {
    const cte = child(item, 'CommonTableExpr');
    const name = text(cte?.['ctename']) ?? '?';
    if (/^_?pg_/i.test(name) || CATALOG_NAMES.has(name.toLowerCase())) {
      throw new SqlRejectedError(`The CTE name ${name} looks like a system catalog; rename it (for example ${name.replace(/^_?pg_/i, '')}_rows).`);
    }
    const body = child(cte?.['ctequery'], 'SelectStmt');
    if (!body) throw new SqlRejectedError(`The CTE ${name} must be a SELECT.`);
    // Its own body sees the enclosing scope and the earlier siblings only: inside it, `name` is
    // whatever it was outside (a real table, say), never the CTE itself.
    const columns = checkSelect(body, { ...outer, ctes: frame });
    ctes.set(name, renamed(columns, cte?.['aliascolnames']));
  }
  return frame;
}

interface FromResult {
  /** What column references of the query can name. */
  readonly visible: readonly Rel[];
  /** What `*` expands to. */
  readonly columns: Columns;
}

/** `before` holds the earlier FROM items, which a LATERAL item (and a function in FROM) may reference. */
function checkFromItem(item: unknown, before: readonly Rel[], scope: Scope): FromResult {
  const lateral: Scope = { ...scope, level: { rels: before, parent: scope.level } };
  const kind = isNode(item) ? Object.keys(item)[0] : undefined;
  const node = kind === undefined ? undefined : child(item, kind);
  if (node === undefined) throw new SqlRejectedError('The FROM clause could not be read.');
  const alias = isNode(node['alias']) ? node['alias'] : undefined;
  const aliasName = text(alias?.['aliasname']);

  switch (kind) {
    case 'RangeVar': {
      const { columns, schema } = resolveTable(node, scope);
      const named = renamed(columns, alias?.['colnames']);
      const name = aliasName ?? text(node['relname']) ?? '?';
      return { visible: [{ name, schema: aliasName === undefined ? schema : undefined, columns: named }], columns: named };
    }
    case 'RangeSubselect': {
      const subquery = child(node['subquery'], 'SelectStmt');
      if (!subquery) throw new SqlRejectedError('A subquery in FROM must be a SELECT.');
      const columns = renamed(checkSelect(subquery, node['lateral'] === true ? lateral : scope), alias?.['colnames']);
      return { visible: aliasName === undefined ? [] : [{ name: aliasName, schema: undefined, columns }], columns };
    }
    case 'RangeFunction': {
      walkExpressions(node['functions'], lateral);
      // A function's columns depend on its result type, which the guard does not know: only the
      // names given in the query count (`generate_series(1, 3) AS g(n)`, or a column definition list).
      const functions = Array.isArray(node['functions']) ? node['functions'] : [];
      const only = functions.length === 1 ? child(functions[0], 'List')?.['items'] : undefined;
      const items: unknown[] = Array.isArray(only) ? only : [];
      const [call, definitions] = items;
      const defined = Array.isArray(definitions) ? definitions.map((d) => text(child(d, 'ColumnDef')?.['colname'])) : [];
      const columns: Columns = alias?.['colnames'] !== undefined ? renamed(UNKNOWN, alias['colnames']) : defined.length > 0 ? { names: defined, complete: false } : UNKNOWN;
      const name = aliasName ?? names(child(call, 'FuncCall')?.['funcname']).at(-1);
      return { visible: name === undefined ? [] : [{ name, schema: undefined, columns }], columns };
    }
    case 'JoinExpr': {
      const left = checkFromItem(node['larg'], before, scope);
      const right = checkFromItem(node['rarg'], [...before, ...left.visible], scope);
      // ON sees the two sides of this join only (and the enclosing query levels).
      walkExpressions(node['quals'], { ...scope, level: { rels: [...left.visible, ...right.visible], parent: scope.level } });
      const using = names(node['usingClause']);
      const columns = joinColumns(left.columns, right.columns, using, node['isNatural'] === true);
      if (aliasName !== undefined) {
        // A join alias hides the names of the tables inside it.
        return { visible: [{ name: aliasName, schema: undefined, columns: renamed(columns, alias?.['colnames']) }], columns: renamed(columns, alias?.['colnames']) };
      }
      const usingAlias = text(child(node, 'join_using_alias')?.['aliasname']);
      const extra: Rel[] = usingAlias === undefined ? [] : [{ name: usingAlias, schema: undefined, columns: { names: using, complete: false } }];
      return { visible: [...left.visible, ...right.visible, ...extra], columns };
    }
    default:
      throw new SqlRejectedError(`${fromItemName(kind ?? '?')} is not supported in FROM; use tables, subqueries, joins and functions.`);
  }
}

const FROM_ITEM_NAMES: ReadonlyMap<string, string> = new Map([
  ['RangeTableSample', 'TABLESAMPLE'],
  ['RangeTableFunc', 'XMLTABLE'],
  ['JsonTable', 'JSON_TABLE'],
]);

function fromItemName(kind: string): string {
  return FROM_ITEM_NAMES.get(kind) ?? kind;
}

/** An allow-listed table or a CTE in scope; refuses anything else. */
function resolveTable(rangeVar: Node, scope: Scope, ctesVisible = true): { columns: Columns; schema: string | undefined } {
  const relation = text(rangeVar['relname']) ?? '?';
  const schema = text(rangeVar['schemaname']);
  if (rangeVar['catalogname'] === undefined) {
    if (schema === undefined && ctesVisible) {
      for (let frame = scope.ctes; frame; frame = frame.parent) {
        const cte = frame.ctes.get(relation);
        if (cte) return { columns: cte, schema: undefined };
      }
    }
    const columns = schema === undefined || schema === TABLE_SCHEMA ? scope.tables.get(relation) : undefined;
    if (columns) return { columns: { names: [...columns], complete: true }, schema: TABLE_SCHEMA };
  }
  throw new SqlRejectedError(
    `The table ${schema === undefined ? relation : `${schema}.${relation}`} is not available; query the retail tables listed by get_table_schemas.`,
  );
}

/** Walks expressions: subqueries get their own level, qualified column references are resolved. */
function walkExpressions(value: unknown, scope: Scope): void {
  if (Array.isArray(value)) {
    for (const item of value) walkExpressions(item, scope);
    return;
  }
  if (!isNode(value)) return;
  for (const [key, node] of Object.entries(value)) {
    if (!isNode(node)) {
      walkExpressions(node, scope);
    } else if (key === 'SelectStmt') {
      checkSelect(node, scope);
    } else if (key === 'ColumnRef') {
      checkColumnRef(node, scope);
    } else if (key === 'RangeVar') {
      // Outside FROM (nowhere in a SELECT the guard accepts): tables only, no CTE.
      resolveTable(node, scope, false);
    } else {
      if (key === 'A_Indirection') checkFieldSelection(node);
      walkExpressions(node, scope);
    }
  }
}

/**
 * `x.f` is column f of the FROM item x, or, when x has no column f, the call f(x) ("attribute
 * notation"), which would bypass the function allow-list. So x must be a FROM item in scope and f
 * one of its known columns.
 */
function checkColumnRef(ref: Node, scope: Scope): void {
  const parts = names(ref['fields']);
  if (parts.length === 1) return;
  const written = parts.join('.');
  if (parts.length > 3 || parts.includes('?')) throw new SqlRejectedError(`The reference ${written} cannot be checked; write alias.column.`);
  const [qualifier, relation, column] = parts.length === 3 ? parts : [undefined, ...parts];
  const rel = relation === undefined ? undefined : findRel(scope.level, relation, qualifier);
  if (!rel || column === undefined) {
    throw new SqlRejectedError(
      `In ${written}, ${parts.slice(0, -1).join('.')} is not a table, subquery or CTE of this query: PostgreSQL could read it as the call ${column}(...). Qualify columns with a FROM item's name or alias.`,
    );
  }
  if (column === '*' || rel.columns.names.includes(column)) return;
  throw new SqlRejectedError(
    `${column} is not a known column of ${rel.name} in ${written}: PostgreSQL would read it as the function call ${column}(${rel.name}), which is not allowed. ` +
      'Use a column of the table (get_table_schemas lists them); name a subquery or CTE column with AS, and the columns of a function in FROM with AS g(n).',
  );
}

/** The FROM item a qualifier names: the innermost query level that has it wins, as in PostgreSQL. */
function findRel(level: Level | undefined, name: string, schema: string | undefined): Rel | undefined {
  for (let current = level; current; current = current.parent) {
    const found = current.rels.find((rel) => rel.name === name && (schema === undefined || rel.schema === schema));
    if (found) return found;
  }
  return undefined;
}

/** `(expr).f` is field f of a composite, or the call f(expr): refused, there is always another way to write it. */
function checkFieldSelection(node: Node): void {
  const field = names(node['indirection']).find((part) => part !== '*' && part !== '?');
  if (field !== undefined) {
    throw new SqlRejectedError(`The field selection (...).${field} is not allowed: PostgreSQL can read it as the call ${field}(...). Write alias.column instead.`);
  }
}

/** The names of a SELECT's output columns, as PostgreSQL chooses them where the guard can tell. */
function outputColumns(targetList: unknown, level: Level, star: Columns): Columns {
  const result: (string | undefined)[] = [];
  let complete = true;
  for (const item of Array.isArray(targetList) ? targetList : []) {
    const target = child(item, 'ResTarget');
    const name = text(target?.['name']);
    const ref = child(target?.['val'], 'ColumnRef');
    const parts = names(ref?.['fields']);
    if (name === undefined && parts.at(-1) === '*') {
      const expanded = parts.length === 1 ? star : findRel(level, parts.at(-2) ?? '?', parts.length === 3 ? parts[0] : undefined)?.columns ?? UNKNOWN;
      result.push(...expanded.names);
      complete &&= expanded.complete;
    } else {
      result.push(name ?? columnName(target?.['val']));
    }
  }
  return { names: result, complete };
}

/** PostgreSQL's FigureColname, for the cases that give a definite name; undefined otherwise. */
function columnName(value: unknown): string | undefined {
  if (!isNode(value)) return undefined;
  const [kind] = Object.keys(value);
  const node = kind === undefined ? undefined : child(value, kind);
  if (!node) return undefined;
  switch (kind) {
    case 'ColumnRef':
      return names(node['fields']).at(-1);
    case 'FuncCall':
      return names(node['funcname']).at(-1);
    case 'TypeCast':
    case 'CollateClause':
      return columnName(node['arg']);
    case 'A_Indirection': {
      const fields = names(node['indirection']).filter((part) => part !== '?' && part !== '*');
      return fields.at(-1) ?? columnName(node['arg']);
    }
    case 'CoalesceExpr':
      return 'coalesce';
    case 'MinMaxExpr':
      return node['op'] === 'IS_GREATEST' ? 'greatest' : node['op'] === 'IS_LEAST' ? 'least' : undefined;
    default:
      return undefined;
  }
}

/** Column aliases rename the first columns; the rest keep their names when their positions are known. */
function renamed(columns: Columns, aliases: unknown): Columns {
  if (!Array.isArray(aliases) || aliases.length === 0) return columns;
  const given = names(aliases);
  return { names: [...given, ...(columns.complete ? columns.names.slice(given.length) : [])], complete: columns.complete };
}

function concat(all: readonly Columns[]): Columns {
  return { names: all.flatMap((c) => c.names), complete: all.every((c) => c.complete) };
}

/** USING / NATURAL merge the common columns first, then the rest of each side. */
function joinColumns(left: Columns, right: Columns, using: readonly string[], natural: boolean): Columns {
  let common: readonly string[] = using;
  if (natural) {
    if (!left.complete || !right.complete || left.names.includes(undefined) || right.names.includes(undefined)) {
      // Which columns merge is unknown: list the names only.
      return { names: [...new Set([...left.names, ...right.names])], complete: false };
    }
    common = left.names.filter((name): name is string => name !== undefined && right.names.includes(name));
  }
  if (common.length === 0) return concat([left, right]);
  const complete = left.complete && right.complete && !left.names.includes(undefined) && !right.names.includes(undefined);
  const rest = (side: Columns): (string | undefined)[] => side.names.filter((name) => name === undefined || !common.includes(name));
  return { names: [...common, ...rest(left), ...rest(right)], complete };
}
