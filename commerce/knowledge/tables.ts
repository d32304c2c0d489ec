// Row types of the knowledge tables (migration 0022-knowledge).

export interface KnowledgeArticlesTable {
  id: string;
  kind: string;
  visibility: string;
  current_version: number;
  titles: string;
  title_key: string;
  doc_len: number;
  created_by: string;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface KnowledgeVersionsTable {
  article_id: string;
  version: number;
  kind: string;
  visibility: string;
  titles: string;
  bodies: string;
  tags: string;
  author_id: string;
  created_at_ms: number;
}

export interface KnowledgeTagsTable {
  tag: string;
  article_id: string;
}

export interface KnowledgeTermsTable {
  term: string;
  article_id: string;
  tf: number;
  visibility: string;
  kind: string;
  doc_len: number;
}
