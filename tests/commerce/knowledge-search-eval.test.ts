// The knowledge search against a fixed evaluation set on SQLite and PostgreSQL: 30 articles, over 50
// queries with the articles each must find (two-character and longer Chinese, traditional ↔ simplified,
// English, product names, SKU codes). Recall over the first 10 hits must reach 0.95 on both stores;
// precision at 5 (of the first five hits shown, the share that is expected) is printed per group. Without
// bigrams in the index no two-character word is found, and without script folding no cross-script
// query is: either drops recall far below the bar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Knowledge } from '../../commerce/internals.ts';
import { openTestStore, STORE_BACKENDS, type TestStore } from '../helpers/people.ts';
import { CORPUS } from './fixtures/knowledge-corpus.ts';
import { type EvalQuery, QUERIES } from './fixtures/knowledge-queries.ts';

const STAFF = { personId: 'eval-editor', roles: ['staff'] as const };
const RECALL_AT = 10;
const PRECISION_AT = 5;

interface Outcome {
  query: EvalQuery;
  found: number;
  precision: number;
  hits: string[];
}

describe.each(STORE_BACKENDS)('knowledge search evaluation on $name', ({ name }) => {
  let t: TestStore;
  let knowledge: Knowledge;

  beforeAll(async () => {
    t = await openTestStore(name);
    knowledge = new Knowledge(t.store);
    for (const [i, a] of CORPUS.entries()) await knowledge.create(STAFF, a, 1_700_000_000_000 + i, a.id);
  }, 60_000);
  afterAll(() => t?.cleanup());

  it('holds a corpus and a query set of the required size', () => {
    expect(CORPUS.length).toBe(30);
    expect(QUERIES.length).toBeGreaterThanOrEqual(50);
    for (const q of QUERIES) for (const id of q.expected) expect(CORPUS.map((a) => a.id)).toContain(id);
  });

  it('finds the expected articles (recall ≥ 0.95) and reports precision at 5', async () => {
    const outcomes: Outcome[] = [];
    for (const query of QUERIES) {
      const hits = (await knowledge.search(STAFF, { q: query.q, limit: RECALL_AT })).map((h) => h.articleId);
      const found = query.expected.filter((id) => hits.includes(id)).length;
      const top = hits.slice(0, PRECISION_AT);
      const precision =
        top.length === 0 ? 0 : top.filter((id) => query.expected.includes(id)).length / top.length;
      outcomes.push({ query, found, precision, hits });
    }
    const expected = outcomes.reduce((n, o) => n + o.query.expected.length, 0);
    const recall = outcomes.reduce((n, o) => n + o.found, 0) / expected;
    const byGroup: Record<string, Outcome[]> = {};
    for (const o of outcomes) {
      byGroup[o.query.group] ??= [];
      byGroup[o.query.group]!.push(o);
    }
    const report = {
      store: name,
      queries: outcomes.length,
      recall: Number(recall.toFixed(3)),
      precisionAt5: Number((outcomes.reduce((n, o) => n + o.precision, 0) / outcomes.length).toFixed(3)),
      groups: Object.fromEntries(
        Object.entries(byGroup).map(([group, os]) => [
          group,
          {
            recall: Number(
              (
                os.reduce((n, o) => n + o.found, 0) / os.reduce((n, o) => n + o.query.expected.length, 0)
              ).toFixed(3),
            ),
            precisionAt5: Number((os.reduce((n, o) => n + o.precision, 0) / os.length).toFixed(3)),
          },
        ]),
      ),
      missed: outcomes
        .filter((o) => o.found < o.query.expected.length)
        .map((o) => ({ q: o.query.q, expected: o.query.expected, hits: o.hits })),
    };
    console.log(JSON.stringify(report, null, 2));
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });
});
