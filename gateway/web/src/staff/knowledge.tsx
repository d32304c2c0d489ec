// /staff/knowledge: search the knowledge base (words in either Chinese script or English, SKU codes),
// filter by kind and tag, read an article, and — staff and admins — write one or save an edit as a new
// version. Article HTML comes sanitised from the server.
import { useState } from 'preact/hooks';
import {
  type Article,
  KNOWLEDGE_KINDS,
  type KnowledgeKind,
  type SearchHit,
} from '../../../../protocols/index.ts';
import { api, auth } from '../common/api.ts';
import { localised } from '../common/i18n.ts';
import { AsyncView, ErrorNotice, useAsync } from '../common/ui.tsx';
import { commaList } from './kit.tsx';
import { tn } from './knowledge-messages.ts';

const LANGS = ['zh-Hans', 'zh-Hant', 'en'] as const;

function Editor({
  article,
  onSaved,
  onCancel,
}: {
  article?: Article;
  onSaved: (a: Article) => void;
  onCancel: () => void;
}) {
  const [kind, setKind] = useState<KnowledgeKind>((article?.kind as KnowledgeKind) ?? 'product_faq');
  const [titles, setTitles] = useState<Record<string, string>>({ ...article?.titles });
  const [bodies, setBodies] = useState<Record<string, string>>({ ...article?.bodies });
  const [tags, setTags] = useState({
    goals: article?.tags.goals.join(', ') ?? '',
    products: article?.tags.products.join(', ') ?? '',
    skus: article?.tags.skus.join(', ') ?? '',
    audiences: article?.tags.audiences.join(', ') ?? '',
  });
  const [error, setError] = useState<unknown>();
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const body = {
      kind,
      titles,
      bodies,
      tags: {
        goals: commaList(tags.goals),
        products: commaList(tags.products),
        skus: commaList(tags.skus),
        audiences: commaList(tags.audiences),
      },
    };
    try {
      onSaved(
        article
          ? await api.put<Article>(`/api/knowledge/articles/${article.articleId}`, {
              ...body,
              baseVersion: article.version,
            })
          : await api.post<Article>('/api/knowledge/articles', body),
      );
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="panel" onSubmit={save} data-editor>
      {error !== undefined && <ErrorNotice error={error} />}
      <label>
        {tn('kind')}
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value as KnowledgeKind)}>
          {KNOWLEDGE_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      {LANGS.map((lang) => (
        <div key={lang}>
          <label>
            {tn('titleIn', { lang })}
            <input
              name={`title-${lang}`}
              value={titles[lang] ?? ''}
              maxLength={200}
              onInput={(e) => setTitles({ ...titles, [lang]: e.currentTarget.value })}
            />
          </label>
          <label>
            {tn('bodyIn', { lang })}
            <textarea
              name={`body-${lang}`}
              rows={6}
              value={bodies[lang] ?? ''}
              maxLength={20000}
              onInput={(e) => setBodies({ ...bodies, [lang]: e.currentTarget.value })}
            />
          </label>
        </div>
      ))}
      {(['goals', 'products', 'skus', 'audiences'] as const).map((k) => (
        <label key={k}>
          {tn(k)}
          <input name={k} value={tags[k]} onInput={(e) => setTags({ ...tags, [k]: e.currentTarget.value })} />
        </label>
      ))}
      <button type="submit">{tn('save')}</button>{' '}
      <button type="button" class="link" onClick={onCancel}>
        {tn('cancel')}
      </button>
    </form>
  );
}

function Reader({ id, onChanged }: { id: string; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const article = useAsync(() => api.get<Article>(`/api/knowledge/articles/${id}`), [id]);
  const canEdit = auth.hasRole('staff', 'admin');
  return (
    <AsyncView state={article}>
      {(a) =>
        editing ? (
          <Editor
            article={a}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              article.reload();
              onChanged();
            }}
          />
        ) : (
          <article class="panel" data-article-id={a.articleId}>
            <h3>
              {localised(a.titles)} <span class="badge">{tn('version', { n: a.version })}</span>
            </h3>
            <div class="kb-body" dangerouslySetInnerHTML={{ __html: localised(a.html) }} />
            {canEdit && (
              <button type="button" onClick={() => setEditing(true)}>
                {tn('edit')}
              </button>
            )}
          </article>
        )
      }
    </AsyncView>
  );
}

export function KnowledgePage() {
  const [form, setForm] = useState({ q: '', kind: '', tag: '' });
  const [query, setQuery] = useState(form);
  const [open, setOpen] = useState<string>();
  const [creating, setCreating] = useState(false);
  const hits = useAsync(() => {
    const p = new URLSearchParams();
    if (query.q.trim()) p.set('q', query.q.trim());
    if (query.kind) p.set('kind', query.kind);
    if (query.tag.trim()) p.set('tag', query.tag.trim());
    return api.get<{ hits: SearchHit[] }>(`/api/knowledge/search?${p}`);
  }, [query]);
  return (
    <div class="kb-page">
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ ...form });
        }}
      >
        <input
          name="q"
          placeholder={tn('query')}
          maxLength={100}
          value={form.q}
          onInput={(e) => setForm({ ...form, q: e.currentTarget.value })}
        />
        <select
          name="kind"
          value={form.kind}
          onChange={(e) => setForm({ ...form, kind: e.currentTarget.value })}
        >
          <option value="">{tn('anyKind')}</option>
          {KNOWLEDGE_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <input
          name="tag"
          placeholder={tn('tag')}
          value={form.tag}
          onInput={(e) => setForm({ ...form, tag: e.currentTarget.value })}
        />
        <button type="submit">{tn('search')}</button>
        {auth.hasRole('staff', 'admin') && (
          <button type="button" onClick={() => setCreating(true)}>
            {tn('newArticle')}
          </button>
        )}
      </form>
      {creating && (
        <Editor
          onCancel={() => setCreating(false)}
          onSaved={(a) => {
            setCreating(false);
            setOpen(a.articleId);
            hits.reload();
          }}
        />
      )}
      <AsyncView state={hits}>
        {({ hits: found }) =>
          found.length === 0 ? (
            <p class="hint">{tn('noHits')}</p>
          ) : (
            <ol class="kb-hits">
              {found.map((h) => (
                <li key={h.articleId} data-article-id={h.articleId}>
                  <button type="button" class="link" onClick={() => setOpen(h.articleId)}>
                    {localised(h.titles)}
                  </button>{' '}
                  <span class="badge">{h.kind}</span>
                </li>
              ))}
            </ol>
          )
        }
      </AsyncView>
      {open && <Reader id={open} onChanged={hits.reload} />}
    </div>
  );
}
