import { z } from 'zod';
import type { RouteDoc } from '../openapi';

export const apiDocsPageRoute = {
  method: 'get',
  path: '/api/docs',
  operationId: 'getApiDocs',
  summary: 'This document as a browsable reference (Swagger UI, served offline)',
  tag: 'meta',
  security: 'none',
  responses: {
    200: { description: 'The reference page', contentType: 'text/html', schema: z.string() },
  },
} satisfies RouteDoc;

function asset(name: string, contentType: string, file: string | null, what: string) {
  const route: RouteDoc = {
    method: 'get',
    path: `/api/docs/${name}`,
    operationId: `getApiDocs_${name.replace(/\W/g, '_')}`,
    summary: `The reference page's ${what}`,
    tag: 'meta',
    security: 'none',
    responses: { 200: { description: what, contentType, schema: z.string() } },
  };
  return { route, contentType, file };
}

/** The page's files: from swagger-ui-dist (`file`), or our own start-up script. */
export const API_DOCS_ASSETS = [
  asset('swagger-ui.css', 'text/css', 'swagger-ui.css', 'style sheet'),
  asset('swagger-ui-bundle.js', 'application/javascript', 'swagger-ui-bundle.js', 'script'),
  asset('init.js', 'application/javascript', null, 'start-up script'),
];

export const API_DOCS_ROUTES: RouteDoc[] = [
  apiDocsPageRoute,
  ...API_DOCS_ASSETS.map((a) => a.route),
];
