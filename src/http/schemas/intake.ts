import { z } from 'zod';
import { GATEWAY_MODULES, type GatewayModule } from '../../gateways';
import { INTAKE_OUTCOMES } from '../../domain/intake-outcome';
import type { RouteDoc } from '../openapi';

export const intakeAnswerSchema = z
  .object({
    outcome: z.enum(INTAKE_OUTCOMES),
    eventId: z.int(),
    workflowId: z.string().optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'IntakeAnswer' });

const partSchema = z.object({ ok: z.boolean(), detail: z.string().optional() });

const identity = {
  version: z.string().meta({ description: "This service's version (package.json)" }),
  uptimeSeconds: z.int().min(0).meta({ description: 'Seconds since the process started' }),
};

export const livenessSchema = z
  .object({ status: z.literal('ok'), ...identity })
  .meta({ id: 'Liveness' });

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    ...identity,
    database: partSchema,
    temporal: partSchema,
    worker: partSchema,
    outbox: z
      .object({ pending: z.int(), oldestAgeSeconds: z.number().nullable() })
      .nullable()
      .optional()
      .describe('Webhooks stored but not yet handed to Temporal; null if unreadable'),
  })
  .meta({ id: 'Health' });

function webhookRoute({ name: gateway, adapter, auth, acceptedStatus }: GatewayModule): RouteDoc {
  const name = adapter.displayName;
  return {
    method: 'post',
    path: `/api/webhooks/${gateway}/`,
    slashOptional: true,
    operationId: `${gateway}Webhook`,
    summary: `${name} webhooks`,
    description: 'Unknown fields are kept in the raw body. Bodies may be UTF-8 or ISO-8859-1.',
    tag: 'webhooks',
    security: auth.security,
    body: {
      contentType: 'application/json',
      schema: adapter.schema,
      description: `A ${name} webhook body, in any of the shapes docs/gateways.md describes`,
    },
    responses: {
      ...(acceptedStatus === 200
        ? {
            200: {
              description: `Recorded or ignored, with the reason, or an exact repeat (\`duplicate\`): ${name} counts only 200 as received`,
              schema: intakeAnswerSchema,
            },
          }
        : {
            200: {
              description: 'An exact repeat of a webhook already handled',
              schema: intakeAnswerSchema,
            },
            202: {
              description:
                'Recorded (with its outbox row, handed to its recovery right after) or ignored, with the reason',
              schema: intakeAnswerSchema,
            },
          }),
      400: { description: 'The body is not JSON' },
      401: { description: auth.refusal },
      413: { description: 'Larger than 1 MiB' },
      415: { description: 'Not application/json' },
      422: { description: 'JSON of the wrong shape; `issues` names each field' },
      503: {
        description: "The database can't take it; retry (Temporal being down is not a reason)",
        headers: { 'Retry-After': 'Seconds' },
      },
    },
  };
}

export const WEBHOOK_ROUTES: RouteDoc[] = Object.values(GATEWAY_MODULES).map(webhookRoute);

export const LIVEZ_ROUTE: RouteDoc = {
  method: 'get',
  path: '/livez',
  operationId: 'livez',
  summary: 'Liveness: the process answers HTTP (restart it when this fails)',
  tag: 'operations',
  security: 'none',
  responses: { 200: { description: 'Alive', schema: livenessSchema } },
};

const readiness = {
  summary: 'Readiness: the database and Temporal answer and a worker polls the task queue',
  tag: 'operations',
  security: 'none',
  responses: {
    200: { description: 'All parts answer', schema: healthSchema },
    503: { description: 'The failing part is named', schema: healthSchema },
  },
} as const;

export const READYZ_ROUTE: RouteDoc = {
  method: 'get',
  path: '/readyz',
  operationId: 'readyz',
  ...readiness,
};

/** The health path older deployments probe; it answers exactly as `/readyz`. */
export const LEGACY_HEALTH_ROUTE: RouteDoc = {
  method: 'get',
  path: '/api/webhooks/health/',
  slashOptional: true,
  operationId: 'health',
  description: 'The same as `/readyz`, kept for existing probes.',
  ...readiness,
};

export const HEALTH_ROUTES: RouteDoc[] = [LIVEZ_ROUTE, READYZ_ROUTE, LEGACY_HEALTH_ROUTE];
