// Full-text search over the term table, the same SQL on SQLite and PostgreSQL: the query's terms (see
// tokens.ts) are looked up in the (term, article_id) primary key, limited to the rows of articles the
// reader may see and that pass the kind and tag filters (each row carries its article's shelf, kind and
// length), and ranked with BM25 computed in the query. Document
// frequencies, the article count and the mean length come from the same visible set, so neither the
// hits nor their scores reveal articles on another shelf.
import { type Kysely, sql } from 'kysely';
import type { KnowledgeKind, KnowledgeVisibility } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';
import { queryTerms } from './tokens.ts';

// BM25's usual constants: term-frequency saturation and length normalisation.
const K1 = 1.2;
const B = 0.75;
/** A query longer than this many terms keeps its first ones: each term is one more index range. */
export const QUERY_TERMS_MAX = 32;

export interface SearchFilter {
  shelves: KnowledgeVisibility[];
  kind?: KnowledgeKind | undefined;
  /** `goal:…`, `product:…`, `sku:…` or `audience:…` */
  tag?: string | undefined;
  limit: number;
}

export interface RankedId {
  articleId: string;
  score: number;
}

/**
 * How many of a query's terms an article must hold: all of them for short queries; a longer query (a
 * phrase of several Chinese words gives many bigrams) may miss a quarter, which the ranking then puts
 * below the articles that hold them all.
 */
export function minimumMatch(terms: number): number {
  return terms <= 3 ? terms : Math.ceil(terms * 0.75);
}

function filters(db: Kysely<Database>, f: SearchFilter) {
  let q = db.selectFrom('knowledge_articles as a').where('a.visibility', 'in', f.shelves);
  if (f.kind) q = q.where('a.kind', '=', f.kind);
  if (f.tag) {
    const tag = f.tag;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('knowledge_tags as g')
          .select('g.article_id')
          .whereRef('g.article_id', '=', 'a.id')
          .where('g.tag', '=', tag),
      ),
    );
  }
  return q;
}

/** Newest first among the articles that pass the filters (a search without words). */
export async function browse(db: Kysely<Database>, f: SearchFilter): Promise<RankedId[]> {
  const rows = await filters(db, f)
    .select('a.id')
    .orderBy('a.updated_at_ms', 'desc')
    .orderBy('a.id')
    .limit(f.limit)
    .execute();
  return rows.map((r) => ({ articleId: r.id, score: 0 }));
}

/** The posting rows of `terms` that the reader may see and that pass the filters: one key range each. */
function postings(db: Kysely<Database>, terms: string[], f: SearchFilter) {
  let q = db
    .selectFrom('knowledge_terms as t')
    .where('t.term', 'in', terms)
    .where('t.visibility', 'in', f.shelves);
  if (f.kind) q = q.where('t.kind', '=', f.kind);
  if (f.tag) {
    const tag = f.tag;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('knowledge_tags as g')
          .select('g.article_id')
          .whereRef('g.article_id', '=', 't.article_id')
          .where('g.tag', '=', tag),
      ),
    );
  }
  return q;
}

const float = (x: number) => sql`cast(${sql.lit(x)} as double precision)`;

export async function rank(db: Kysely<Database>, text: string, f: SearchFilter): Promise<RankedId[]> {
  const terms = queryTerms(text).slice(0, QUERY_TERMS_MAX);
  if (terms.length === 0) return [];
  const [stats, dfs] = await Promise.all([
    filters(db, f)
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.avg('a.doc_len').as('avgdl')])
      .executeTakeFirstOrThrow(),
    postings(db, terms, f)
      .select((eb) => ['t.term', eb.fn.countAll().as('df')])
      .groupBy('t.term')
      .execute(),
  ]);
  const n = Number(stats.n);
  const need = minimumMatch(terms.length);
  if (n === 0 || dfs.length < need) return [];
  const avgdl = Math.max(1, Number(stats.avgdl));
  // idf with BM25+'s floor at zero: a term in more than half the articles still counts a little.
  const idf = dfs.map((d) => {
    const df = Number(d.df);
    return { term: d.term, idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)) };
  });
  // Numbers are ours (computed above), written as double-precision literals: PostgreSQL would otherwise
  // type 2.2 as numeric (slow, arbitrary-precision arithmetic on every posting); on SQLite the cast is
  // REAL. The terms stay parameters.
  const idfOf = sql.join(
    idf.map((i) => sql`when ${i.term} then ${float(i.idf)}`),
    sql` `,
  );
  const score = sql<number>`sum((case t.term ${idfOf} else ${float(0)} end) * (t.tf * ${float(K1 + 1)}) / (t.tf + ${float(K1)} * (${float(1 - B)} + ${float(B)} * t.doc_len / ${float(avgdl)})))`;
  const rows = await postings(
    db,
    idf.map((i) => i.term),
    f,
  )
    .select(['t.article_id', score.as('score')])
    .groupBy('t.article_id')
    .having((eb) => eb.fn.countAll(), '>=', need)
    .orderBy('score', 'desc')
    .orderBy('t.article_id')
    .limit(f.limit)
    .execute();
  return rows.map((r) => ({ articleId: r.article_id, score: Number(r.score) }));
}
