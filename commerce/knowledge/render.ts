// Markdown → HTML that is safe to insert into a page: rendered with marked, then sanitised with an
// allow-list (no scripts, no event handlers, no styles; links only to http, https and mailto).
import { Lexer, type MarkedOptions, Parser } from 'marked';
import sanitizeHtml from 'sanitize-html';

// Our own options on every call: options set elsewhere on the shared `marked` cannot change what we emit.
const MARKDOWN: MarkedOptions = { gfm: true, breaks: false, headerIds: false, mangle: false };

const SANITISE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    'del',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // Links leave the page without handing it to the target.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }) },
};
SANITISE.allowedAttributes = { ...SANITISE.allowedAttributes, a: ['href', 'title', 'rel'] };

export function renderMarkdown(source: string): string {
  return sanitizeHtml(Parser.parse(Lexer.lex(source, MARKDOWN), MARKDOWN), SANITISE);
}
