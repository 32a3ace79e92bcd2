import fs from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import { routePaths } from '../openapi';
import { API_DOCS_ASSETS, apiDocsPageRoute } from '../schemas/api-docs';

/**
 * `/api/docs`: the OpenAPI document rendered by Swagger UI, every file served from
 * node_modules (swagger-ui-dist), so the page works without internet access. No inline
 * script: the page loads its start-up code from /api/docs/init.js.
 */
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>PIX recovery API</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="reference"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  // The document never leaves this server: no validator badge calling out to the internet.
  validatorUrl: null,
});
`;

export function apiDocsRoutes(): Router {
  const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const router = new Router();
  router.get(routePaths(apiDocsPageRoute), async (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });
  for (const asset of API_DOCS_ASSETS) {
    // Read once: the files never change while the process runs.
    const body = asset.file ? fs.readFileSync(path.join(dist, asset.file)) : INIT;
    router.get(routePaths(asset.route), async (ctx) => {
      ctx.type = asset.contentType;
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = body;
    });
  }
  return router;
}
