import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'libpg-query';
import { describe, expect, it } from 'vitest';
import { NOT_QUERYABLE, QUERYABLE_COLUMNS } from '../src/retail/queryable-tables.js';
import { isNode, names, type Node } from '../src/retail/sql-guard-tree.js';

const migrations = new URL('../src/db/migrations/', import.meta.url);

/** The retail schema's tables and columns, in order, after every migration (replayed with PostgreSQL's parser). */
async function migratedColumns(): Promise<Map<string, string[]>> {
  const tables = new Map<string, string[]>();
  const files = readdirSync(migrations).filter((file) => file.endsWith('.sql')).sort();
  for (const file of files) {
    const tree = (await parse(readFileSync(new URL(file, migrations), 'utf8'))) as { stmts?: Array<{ stmt?: Node }> };
    for (const { stmt } of tree.stmts ?? []) {
      const [kind] = Object.keys(stmt ?? {});
      const node = stmt?.[kind ?? ''];
      if (!isNode(node)) continue;
      const relation = isNode(node['relation']) && node['relation']['schemaname'] === 'retail' ? String(node['relation']['relname']) : undefined;
      const where = `${file}: ${kind} on retail.${relation}`;
      if (kind === 'CreateStmt' && relation !== undefined) {
        const elements = Array.isArray(node['tableElts']) ? (node['tableElts'] as Node[]) : [];
        const unknown = elements.map((element) => Object.keys(element)[0]).filter((k) => k !== 'ColumnDef' && k !== 'Constraint');
        expect(unknown, `${where}: teach this test ${unknown.join(', ')}`).toEqual([]);
        tables.set(relation, elements.flatMap((element) => (isNode(element['ColumnDef']) ? [String(element['ColumnDef']['colname'])] : [])));
      } else if (kind === 'AlterTableStmt' && relation !== undefined) {
        const columns = tables.get(relation) ?? [];
        for (const item of Array.isArray(node['cmds']) ? node['cmds'] : []) {
          const cmd = isNode(item) && isNode(item['AlterTableCmd']) ? item['AlterTableCmd'] : {};
          const def = isNode(cmd['def']) && isNode(cmd['def']['ColumnDef']) ? cmd['def']['ColumnDef'] : undefined;
          if (cmd['subtype'] === 'AT_AddColumn' && def) columns.push(String(def['colname']));
          if (cmd['subtype'] === 'AT_DropColumn') columns.splice(columns.indexOf(String(cmd['name'])), 1);
        }
      } else if (kind === 'RenameStmt' && relation !== undefined) {
        const columns = tables.get(relation) ?? [];
        if (node['renameType'] === 'OBJECT_COLUMN') columns[columns.indexOf(String(node['subname']))] = String(node['newname']);
        if (node['renameType'] === 'OBJECT_TABLE') {
          tables.delete(relation);
          tables.set(String(node['newname']), columns);
        }
      } else if (kind === 'DropStmt' && node['removeType'] === 'OBJECT_TABLE') {
        for (const object of Array.isArray(node['objects']) ? node['objects'] : []) {
          const [schema, table] = names(isNode(object) && isNode(object['List']) ? object['List']['items'] : []);
          if (schema === 'retail' && table !== undefined) tables.delete(table);
        }
      } else {
        expect(['CreateTableAsStmt', 'ViewStmt'].includes(kind ?? '') && relation !== undefined, `${where}: teach this test`).toBe(false);
      }
    }
  }
  return tables;
}

describe('the columns the SQL guard allows', () => {
  it('are the retail tables and columns the migrations create, in table order', async () => {
    const migrated = await migratedColumns();
    for (const table of NOT_QUERYABLE) migrated.delete(table);
    const allowed = new Map([...QUERYABLE_COLUMNS].map(([table, columns]) => [table, [...columns]]));
    expect(Object.fromEntries(allowed)).toEqual(Object.fromEntries(migrated));
    expect(migrated.size).toBeGreaterThanOrEqual(8);
  });
});
