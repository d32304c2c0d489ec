// Editing a product's health-goal tags and the reading ranges it addresses (which readings make its card
// a recommendation), and its photos. Ranges start at the metric's physical range; removing one is
// confirmed and saved.
import { useState } from 'preact/hooks';
import type { MetricRange as MetricBounds } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { localised } from '../common/i18n.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import type { Product } from './catalog.tsx';
import { tk } from './catalog-messages.ts';
import { ConfirmButton, commaList, Input, useAction } from './kit.tsx';
import { ts } from './messages.ts';
import { ProductPhotos } from './product-photos.tsx';

interface Draft {
  metric: string;
  min: string;
  max: string;
}

const toDraft = (m: Product['metrics']): Draft[] =>
  m.map((r) => ({ metric: r.metric, min: String(r.min), max: String(r.max) }));
const toBody = (d: Draft[]) => d.map((r) => ({ metric: r.metric, min: Number(r.min), max: Number(r.max) }));
const tagList = (v: string) => [...new Set(commaList(v))];

export function ProductEditor({ product, onSaved }: { product: Product; onSaved: () => void }) {
  const bounds = useAsync((signal) => api.get<MetricBounds[]>('/api/reading-metrics', { signal }), []);
  const [tags, setTags] = useState(product.tags.join(', '));
  const [ranges, setRanges] = useState(toDraft(product.metrics));
  const [adding, setAdding] = useState('');
  const action = useAction();
  const title = localised(product.titles);

  const save = (next: Draft[]) =>
    action.run(async () => {
      const saved = await api.patch<Product>(`/api/products/${product.productId}`, {
        tags: tagList(tags),
        metrics: toBody(next),
      });
      setRanges(toDraft(saved.metrics));
      setTags(saved.tags.join(', '));
      onSaved();
      return tk('saved');
    });
  const edit = (i: number, field: 'min' | 'max', v: string) =>
    setRanges(ranges.map((r, j) => (j === i ? { ...r, [field]: v } : r)));

  return (
    <section class="panel product-editor" aria-labelledby="editor-h" data-product-id={product.productId}>
      <h3 id="editor-h">{tk('editProduct', { title })}</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(ranges);
        }}
      >
        <Input label={tk('tags')} value={tags} onInput={setTags} />
        <h4>{tk('ranges')}</h4>
        {ranges.length === 0 ? (
          <p class="hint">{tk('noRanges')}</p>
        ) : (
          <table class="ranges-table">
            <thead>
              <tr>
                <th scope="col">{ts('metric')}</th>
                <th scope="col">{tk('min')}</th>
                <th scope="col">{tk('max')}</th>
                <th scope="col">{ts('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {ranges.map((r, i) => (
                <tr key={r.metric} data-metric={r.metric}>
                  <th scope="row">
                    <code>{r.metric}</code>
                  </th>
                  <td>
                    <input
                      type="number"
                      step="any"
                      required
                      aria-label={`${tk('min')} ${r.metric}`}
                      value={r.min}
                      onInput={(e) => edit(i, 'min', (e.currentTarget as HTMLInputElement).value)}
                    />
                  </td>
                  <td>
                    <input
                      type="number"
                      step="any"
                      required
                      aria-label={`${tk('max')} ${r.metric}`}
                      value={r.max}
                      onInput={(e) => edit(i, 'max', (e.currentTarget as HTMLInputElement).value)}
                    />
                  </td>
                  <td>
                    <ConfirmButton
                      danger
                      label={`${tk('removeRange')} ${r.metric}`}
                      text={tk('confirmRemoveRange', { metric: r.metric, title })}
                      disabled={action.busy}
                      onConfirm={() => void save(ranges.filter((_, j) => j !== i))}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <AsyncView state={bounds}>
          {(all) => {
            const free = all.filter((b) => !ranges.some((r) => r.metric === b.metric));
            return (
              <div class="row">
                <label class="field inline">
                  <span>{tk('addRange')}</span>
                  <select
                    value={adding}
                    onChange={(e) => setAdding((e.currentTarget as HTMLSelectElement).value)}
                  >
                    <option value="">—</option>
                    {free.map((b) => (
                      <option key={b.metric} value={b.metric}>
                        {b.metric} ({b.min}–{b.max})
                      </option>
                    ))}
                  </select>
                </label>
                <button
                  type="button"
                  disabled={!adding}
                  onClick={() => {
                    const b = all.find((x) => x.metric === adding)!;
                    setRanges([...ranges, { metric: b.metric, min: String(b.min), max: String(b.max) }]);
                    setAdding('');
                  }}
                >
                  {tk('add')}
                </button>
              </div>
            );
          }}
        </AsyncView>
        {action.view()}
        <button type="submit" class="primary" disabled={action.busy}>
          {tk('save')}
        </button>
      </form>
      <ProductPhotos product={product} onChanged={onSaved} />
    </section>
  );
}
