// Reading guides beside a person's readings on the expert's page: for each metric shown, the knowledge
// base's best `reading_guide` article for it (searched by the metric's words, e.g. SYSTOLIC_MMHG →
// "systolic mmhg"), as the server renders it (Markdown already sanitised there, inserted as HTML).
import type { Article, SearchHit } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { localised } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { tx } from './experts-messages.ts';

/** Metric codes are UPPER_SNAKE: their words are what a guide's title or body names. */
export const metricWords = (metric: string) => metric.toLowerCase().replace(/_/g, ' ');

export function ReadingGuides({ metrics }: { metrics: string[] }) {
  const key = [...new Set(metrics)].sort().slice(0, 8);
  const guides = useAsync(async () => {
    const found = await Promise.all(
      key.map(async (metric) => {
        const q = new URLSearchParams({ kind: 'reading_guide', q: metricWords(metric), limit: '1' });
        const { hits } = await api.get<{ hits: SearchHit[] }>(`/api/knowledge/search?${q}`);
        const hit = hits[0];
        return hit
          ? { metric, article: await api.get<Article>(`/api/knowledge/articles/${hit.articleId}`) }
          : undefined;
      }),
    );
    return found.filter((g) => g !== undefined);
  }, [key.join(',')]);
  if (key.length === 0) return null;
  return (
    <AsyncView state={guides}>
      {(list) =>
        list.length === 0 ? null : (
          <div class="reading-guides">
            <h4>{tx('readingGuides')}</h4>
            {list.map(({ metric, article }) => (
              <details key={metric} data-metric={metric} data-article-id={article.articleId}>
                <summary>
                  {metric} · {localised(article.titles)}
                </summary>
                <div class="kb-body" dangerouslySetInnerHTML={{ __html: localised(article.html) }} />
              </details>
            ))}
          </div>
        )
      }
    </AsyncView>
  );
}
