// An alert's explanation becomes a message key and language-neutral params
// (one JSON column, server/alerts/explanations.ts) instead of two
// sentences rendered when it was raised: the reader's language and a rule's
// current template apply at read time. The rows already there only have their
// sentences: they keep them under the "legacy text" key and read exactly as
// before. The copy is one statement per dialect (JSON functions have no
// schema-builder form). Down renders every row back into the two columns with
// today's renderer and the rule templates shipped in rules/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { parse } from 'yaml';
import { EXPLANATION_KEYS, parseExplanation, renderExplanation } from '../../alerts/explanations.ts';
import { createRuleExplainer } from '../../detection/explain.ts';
import { isPostgres } from './helpers.ts';

const LEGACY = EXPLANATION_KEYS.legacy;
const PAGE = 500;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('alerts')
    .addColumn('explanation', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  const fr = sql.ref('explanationFr');
  const en = sql.ref('explanationEn');
  if (isPostgres(db)) {
    await sql`update alerts set explanation = json_build_object('key', ${sql.lit(LEGACY)}::text, 'params', json_build_object('fr', ${fr}, 'en', ${en}))::text`.execute(
      db,
    );
  } else {
    await sql`update alerts set explanation = json_object('key', ${sql.lit(LEGACY)}, 'params', json_object('fr', ${fr}, 'en', ${en}))`.execute(
      db,
    );
  }
  await db.schema.alterTable('alerts').dropColumn('explanationFr').execute();
  await db.schema.alterTable('alerts').dropColumn('explanationEn').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('alerts')
    .addColumn('explanationFr', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('alerts')
    .addColumn('explanationEn', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  const templates = shippedTemplates();
  const rules = createRuleExplainer((id) => templates.get(id));
  for (let after = 0; ;) {
    const rows = (await db
      .selectFrom('alerts')
      .select(['id', 'explanation'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute()) as { id: number | string; explanation: string }[];
    if (!rows.length) break;
    for (const row of rows) {
      const text = renderExplanation(parseExplanation(row.explanation), rules);
      await db
        .updateTable('alerts')
        .set({ explanationFr: text.fr, explanationEn: text.en })
        .where('id', '=', row.id)
        .execute();
    }
    after = Number(rows[rows.length - 1]!.id);
  }
  await db.schema.alterTable('alerts').dropColumn('explanation').execute();
}

/** The explanation templates of the rules shipped with Vigie (rules/*.yaml), by rule id; unreadable files are left out. */
function shippedTemplates(): Map<string, { fr: string; en: string }> {
  const dir = fileURLToPath(new URL('../../../rules/', import.meta.url));
  const templates = new Map<string, { fr: string; en: string }>();
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  } catch {
    return templates;
  }
  for (const file of files) {
    try {
      const rule = parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
        id?: unknown;
        explanation?: { fr?: unknown; en?: unknown };
      };
      const e = rule.explanation;
      if (typeof rule.id === 'string' && typeof e?.fr === 'string' && typeof e.en === 'string')
        templates.set(rule.id, { fr: e.fr, en: e.en });
    } catch {
      // A rule file that does not parse: its alerts read as the rule id and facts.
    }
  }
  return templates;
}
