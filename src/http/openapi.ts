import { z } from 'zod';

/**
 * Every HTTP route, described once: the routers validate with these zod schemas and the
 * OpenAPI document is generated from them (zod 4's own `z.toJSONSchema`), so neither can
 * drift from the other.
 */
export type Security =
  | 'bearer'
  | 'webhookToken'
  | 'twilioSignature'
  | 'mercadopagoSignature'
  | 'asaasAccessToken'
  | 'stripeSignature'
  | 'pagarmeSignature'
  | 'none';

export interface ResponseDoc {
  description: string;
  /** Without one the response is the JSON error shape (or empty for 204). */
  schema?: z.ZodType;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI template with the trailing slash old clients use: `/api/webhooks/events/{id}/`. */
  path: string;
  /** Also served without the trailing slash. */
  slashOptional?: boolean;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  security: Security;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: { contentType: string; schema: z.ZodType; description?: string };
  responses: Record<number, ResponseDoc>;
}

/** The one error shape of every endpoint (see errors.ts). */
export const errorBodySchema = z
  .object({
    error: z.object({
      status: z.int(),
      message: z.string(),
      requestId: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** The Koa paths a route is served at: `{id}` becomes `:id`, with and without the slash. */
export function routePaths(doc: Pick<RouteDoc, 'path' | 'slashOptional'>): string[] {
  const koa = doc.path.replace(/\{(\w+)\}/g, ':$1');
  return doc.slashOptional ? [koa.replace(/\/$/, ''), koa] : [koa];
}

const SECURITY: Record<Security, Record<string, string[]>[] | undefined> = {
  bearer: [{ bearer: [] }],
  twilioSignature: [{ twilioSignature: [] }],
  // Required unless WEBHOOK_AUTH=off, which opens every webhook (an unset secret refuses them).
  webhookToken: [{ webhookToken: [] }, { webhookTokenQuery: [] }, {}],
  mercadopagoSignature: [{ mercadopagoSignature: [] }, {}],
  asaasAccessToken: [{ asaasAccessToken: [] }, {}],
  stripeSignature: [{ stripeSignature: [] }, {}],
  pagarmeSignature: [{ pagarmeSignature: [] }, {}],
  none: [],
};

const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: 'API_TOKEN' },
  webhookToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Webhook-Token',
    description: 'WEBHOOK_SECRET, when set',
  },
  webhookTokenQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: 'WEBHOOK_SECRET, when set',
  },
  twilioSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Twilio-Signature',
    description: "HMAC-SHA1 of the URL and sorted form fields, keyed with Twilio's auth token",
  },
  mercadopagoSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'x-signature',
    description:
      '`ts=…,v1=…`: HMAC-SHA256 of `id:{data.id};request-id:{x-request-id};ts:{ts};`, keyed with MERCADOPAGO_WEBHOOK_SECRET',
  },
  asaasAccessToken: {
    type: 'apiKey',
    in: 'header',
    name: 'asaas-access-token',
    description: 'ASAAS_WEBHOOK_TOKEN, the token set on the Asaas webhook',
  },
  stripeSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'Stripe-Signature',
    description:
      '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with STRIPE_WEBHOOK_SECRET; t within 300 s',
  },
  pagarmeSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Webhook-Asymmetric-Signature',
    description:
      '`alg=RS256; kid=<key id>; signature=<base64url RSA-SHA256 of the raw body>`, verified with the key kid from PAGARME_WEBHOOK_JWKS_URL; the account.id in the body must be one of PAGARME_ACCOUNT_ID',
  },
};

export function buildOpenApiDocument(
  docs: readonly RouteDoc[],
  info: { title: string; version: string },
) {
  const schemas = new Components();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of docs) {
    const item = (paths[doc.path] ??= {});
    if (doc.slashOptional) item['x-trailing-slash-optional'] = true;
    item[doc.method] = operation(doc, schemas);
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { schemas: schemas.all(), securitySchemes: SECURITY_SCHEMES },
  };
}

function operation(doc: RouteDoc, schemas: Components) {
  const parameters = [
    ...parametersOf(doc.params, 'path', schemas),
    ...parametersOf(doc.query, 'query', schemas),
    ...parametersOf(doc.headers, 'header', schemas),
  ];
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    security: SECURITY[doc.security],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body ? { requestBody: requestBody(doc.body, schemas) } : {}),
    responses: responsesOf(doc, schemas),
  };
}

function parametersOf(
  shape: z.ZodObject | undefined,
  location: 'path' | 'query' | 'header',
  schemas: Components,
) {
  if (!shape) return [];
  return Object.entries(shape.shape).map(([name, field]) => {
    const schema = schemas.convert(field as z.ZodType, 'input');
    const { description, ...rest } = schema as { description?: string };
    return {
      name,
      in: location,
      required: location === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function requestBody(body: NonNullable<RouteDoc['body']>, schemas: Components) {
  return {
    required: true,
    ...(body.description ? { description: body.description } : {}),
    content: { [body.contentType]: { schema: schemas.convert(body.schema, 'input') } },
  };
}

function responsesOf(doc: RouteDoc, schemas: Components) {
  const all: Record<number, ResponseDoc> = { ...doc.responses };
  if (doc.security === 'bearer')
    all[401] ??= { description: 'API_TOKEN unset, or the bearer token missing or wrong' };
  all[405] ??= {
    description: 'A method this path does not serve (`Allow` lists those it does)',
    headers: { Allow: 'The methods this path serves' },
  };
  const out: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(all))
    out[status] = responseOf(Number(status), response, schemas);
  return out;
}

function responseOf(status: number, response: ResponseDoc, schemas: Components) {
  const headers = Object.entries(response.headers ?? {}).map(
    ([name, description]) => [name, { description, schema: { type: 'string' } }] as const,
  );
  const schema = response.schema ?? (status >= 400 ? errorBodySchema : undefined);
  return {
    description: response.description,
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
    ...(schema ? { content: jsonContent(schema, schemas, response.contentType) } : {}),
  };
}

function jsonContent(schema: z.ZodType, schemas: Components, contentType = 'application/json') {
  return { [contentType]: { schema: schemas.convert(schema, 'output') } };
}

/**
 * Converts zod schemas to JSON Schema (OpenAPI 3.1 uses draft 2020-12 as is) and hoists
 * every schema named with `.meta({ id })` into `components.schemas`.
 */
class Components {
  private readonly named: Record<string, unknown> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      override: ({ jsonSchema }) => useInputExamples(jsonSchema as Record<string, unknown>),
    }) as Record<string, unknown>;
    const { $schema: _dialect, $defs, ...rest } = retarget(json) as Record<string, unknown>;
    Object.assign(this.named, $defs as Record<string, unknown> | undefined);
    return rest;
  }

  all(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.named).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/**
 * zod drops `examples` from the input side of a schema that transforms (they might be
 * outputs). Ours are request bodies as sent, so a schema names them `inputExamples`.
 */
function useInputExamples(json: Record<string, unknown>): void {
  if (!('inputExamples' in json)) return;
  json.examples = json.inputExamples;
  delete json.inputExamples;
}

function retarget(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(retarget);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      key === '$ref' && typeof v === 'string'
        ? v.replace('#/$defs/', '#/components/schemas/')
        : retarget(v),
    ]),
  );
}
