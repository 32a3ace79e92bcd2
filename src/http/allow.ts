import type Koa from 'koa';
import { HttpError } from './errors';
import type { RouteDoc } from './openapi';

interface PathMethods {
  pattern: RegExp;
  params: number;
  methods: Set<string>;
}

/**
 * Answers OPTIONS and refuses a method a path doesn't serve (405 with `Allow`), from the
 * route docs. Where templates overlap, a literal segment wins over a parameter, so
 * `suppressions/lookup/` is not also `suppressions/{id}/`, as the routers alone would say.
 */
export function allowedMethods(docs: readonly RouteDoc[]): Koa.Middleware {
  const paths = pathMethods(docs);
  return async (ctx, next) => {
    const allow = allowFor(paths, ctx.path);
    if (allow && ctx.method === 'OPTIONS') {
      ctx.set('Allow', allow.join(', '));
      ctx.status = 204;
      return;
    }
    if (allow && !allow.includes(ctx.method)) {
      throw new HttpError(405, `${ctx.method} is not allowed here`, undefined, {
        Allow: allow.join(', '),
      });
    }
    await next();
  };
}

function pathMethods(docs: readonly RouteDoc[]): PathMethods[] {
  const byPath = new Map<string, PathMethods>();
  for (const doc of docs) {
    const template = doc.path.replace(/\/$/, '');
    const slash = doc.path.endsWith('/') ? (doc.slashOptional ? '/?' : '/') : '';
    const source = template.replace(/[.+*?^$()[\]|\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+');
    const entry = byPath.get(doc.path) ?? {
      pattern: new RegExp(`^${source}${slash}$`),
      params: (doc.path.match(/\{/g) ?? []).length,
      methods: new Set<string>(),
    };
    entry.methods.add(doc.method.toUpperCase());
    if (doc.method === 'get') entry.methods.add('HEAD');
    byPath.set(doc.path, entry);
  }
  return [...byPath.values()];
}

function allowFor(paths: PathMethods[], path: string): string[] | undefined {
  const matching = paths.filter((p) => p.pattern.test(path));
  if (matching.length === 0) return undefined;
  const fewest = Math.min(...matching.map((p) => p.params));
  const methods = matching.filter((p) => p.params === fewest).flatMap((p) => [...p.methods]);
  return [...new Set(methods)];
}
