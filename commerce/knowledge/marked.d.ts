// The part of marked 4.x this room calls (the package ships no type declarations of its own).
declare module 'marked' {
  export interface MarkedOptions {
    gfm?: boolean;
    breaks?: boolean;
    headerIds?: boolean;
    mangle?: boolean;
  }
  export const Lexer: { lex(src: string, options?: MarkedOptions): unknown[] };
  export const Parser: { parse(tokens: unknown[], options?: MarkedOptions): string };
}
