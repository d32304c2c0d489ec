// The knowledge the host needs while selling: the FAQ and scripts of the products on the session's
// cards, as the server renders them (Markdown already sanitised there, so it is inserted as HTML).
import type { KnowledgeKind, Product, ProductKnowledge } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { localised } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import type { ConsoleState } from './console-state.ts';
import { th } from './messages.ts';

export function KnowledgePanel({ state }: { state: ConsoleState }) {
  const skuIds = [...new Set(state.cards.map((c) => c.skuId))].sort();
  const knowledge = useAsync(async () => {
    if (skuIds.length === 0) return { products: [], names: new Map<string, Product>() };
    const products = await api.get<Product[]>('/api/products?limit=100');
    const onCards = products.filter((p) => p.skus.some((s) => skuIds.includes(s.skuId))).slice(0, 20);
    if (onCards.length === 0) return { products: [], names: new Map<string, Product>() };
    const ids = onCards.map((p) => p.productId).join(',');
    const found = await api.get<ProductKnowledge>(
      `/api/knowledge/products?productIds=${encodeURIComponent(ids)}`,
    );
    return { products: found.products, names: new Map(onCards.map((p) => [p.productId, p])) };
  }, [skuIds.join(',')]);
  return (
    <section class="panel" aria-labelledby="kb-title">
      <h2 id="kb-title">{th('knowledge')}</h2>
      <AsyncView state={knowledge}>
        {({ products, names }) =>
          products.every((p) => p.articles.length === 0) ? (
            <p class="hint">{th('noKnowledge')}</p>
          ) : (
            products
              .filter((p) => p.articles.length > 0)
              .map((p) => (
                <div key={p.productId} data-product-id={p.productId}>
                  <h3>{localised(names.get(p.productId)?.titles)}</h3>
                  {p.articles.map((a) => (
                    <details key={a.articleId} data-article-id={a.articleId} data-kind={a.kind}>
                      <summary>
                        <span class="badge">{th(`kb_${a.kind as KnowledgeKind}`)}</span> {localised(a.titles)}
                      </summary>
                      <div class="kb-body" dangerouslySetInnerHTML={{ __html: localised(a.html) }} />
                    </details>
                  ))}
                </div>
              ))
          )
        }
      </AsyncView>
    </section>
  );
}
