import Router from '@koa/router';
import { buildOpenApiDocument, routePaths, type RouteDoc } from '../openapi';
import { openApiRoute } from '../schemas/monitoring';

/** Unauthenticated: the document describes the API, it reveals no data. Built once. */
export function openApiRoutes(docs: readonly RouteDoc[]): Router {
  const document = buildOpenApiDocument(docs, { title: 'PIX recovery', version: '1' });
  const router = new Router();
  router.get(routePaths(openApiRoute), async (ctx) => {
    ctx.body = document;
  });
  return router;
}
