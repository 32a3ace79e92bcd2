import { z } from 'zod';
import { SUPPRESSION_REASONS } from '../../db/suppressions';
import { phoneKey } from '../../domain/phone';
import { pageSchema, suppressionSchema } from '../../monitoring/shapes';
import type { RouteDoc } from '../openapi';
import { BRAZILIAN_MOBILE, cursorParam, filledText, limitParam, withoutNul } from './fields';

const TAG = 'suppressions';
const PATH = '/api/webhooks/suppressions/';
const BAD_INPUT = { description: 'A parameter is invalid; `issues` names each one' };

/** A number as an operator would type it; Brazilian when it has no country code. */
export function phoneText(strict: boolean) {
  return z
    .string()
    .max(64)
    .transform((text, ctx) => {
      const key = withoutNul(text) ? phoneKey(text, { strict }) : null;
      if (key === null) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected a phone number, e.g. +5511987654321 or (11) 98765-4321',
        });
        return z.NEVER;
      }
      return key;
    });
}

const idParam = z.strictObject({
  id: z.coerce
    .number<string>()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .meta({ description: "The entry's id, from the list or a lookup", inputExamples: [1] }),
});

export const phoneBody = (strict: boolean, description: string) => ({
  phone_number: phoneText(strict).meta({
    description,
    pattern: BRAZILIAN_MOBILE,
    inputExamples: ['+5521987654321'],
  }),
});

const JSON_BODY_ERRORS = {
  400: { description: 'The body is not JSON' },
  413: { description: 'Larger than 16 KiB' },
  415: { description: 'Not application/json' },
  422: { description: 'Bad fields; `issues` names each one' },
};

export const listSuppressionsRoute = {
  method: 'get',
  path: PATH,
  slashOptional: true,
  operationId: 'listSuppressions',
  summary: 'Numbers that are never messaged, newest first',
  description:
    'Phones are masked. Numbers never appear in these URLs (proxies log URLs): entries are ' +
    'named by id, and a number is found with `POST suppressions/lookup/`.',
  tag: TAG,
  security: 'bearer',
  query: z.strictObject({
    reason: z.enum(SUPPRESSION_REASONS).optional(),
    limit: limitParam,
    cursor: cursorParam('suppressions').optional(),
  }),
  responses: {
    200: { description: 'One page', schema: pageSchema(suppressionSchema, 'SuppressionPage') },
    400: BAD_INPUT,
  },
} satisfies RouteDoc;

export const addSuppressionRoute = {
  method: 'post',
  path: PATH,
  slashOptional: true,
  operationId: 'addSuppression',
  summary: 'Stop messaging a number',
  description:
    'Recovery SMS (and test messages) to the number stop from the next send on, in every ' +
    'payment. A number already on the list keeps its entry, reason and date.',
  tag: TAG,
  security: 'bearer',
  body: {
    contentType: 'application/json',
    schema: z
      .strictObject({
        ...phoneBody(true, 'A valid number; Brazilian when it has no country code'),
        note: filledText(512)
          .optional()
          .meta({ description: 'Why, for whoever reads the list later' }),
      })
      .meta({
        inputExamples: [{ phone_number: '+5521987654321', note: 'Asked by phone on 28/11' }],
      }),
  },
  responses: {
    200: { description: 'Already on the list: the entry as it was', schema: suppressionSchema },
    201: { description: 'Added', schema: suppressionSchema },
    ...JSON_BODY_ERRORS,
  },
} satisfies RouteDoc;

export const lookUpSuppressionRoute = {
  method: 'post',
  path: `${PATH}lookup/`,
  slashOptional: true,
  operationId: 'lookUpSuppression',
  summary: 'Whether a number is on the list, and why',
  description: 'A POST so that the number travels in the body, not in a URL.',
  tag: TAG,
  security: 'bearer',
  body: {
    contentType: 'application/json',
    schema: z
      .strictObject(
        phoneBody(false, 'The number in any usual spelling; E.164 as Twilio sends it also works'),
      )
      .meta({ inputExamples: [{ phone_number: '+5521987654321' }] }),
  },
  responses: {
    200: { description: 'The entry, phone in full', schema: suppressionSchema },
    404: { description: 'The number is not suppressed' },
    ...JSON_BODY_ERRORS,
  },
} satisfies RouteDoc;

export const getSuppressionRoute = {
  method: 'get',
  path: `${PATH}{id}/`,
  slashOptional: true,
  operationId: 'getSuppression',
  summary: 'One entry, phone in full',
  tag: TAG,
  security: 'bearer',
  params: idParam,
  responses: {
    200: { description: 'The entry', schema: suppressionSchema },
    400: BAD_INPUT,
    404: { description: 'No such entry' },
  },
} satisfies RouteDoc;

export const removeSuppressionRoute = {
  method: 'delete',
  path: `${PATH}{id}/`,
  slashOptional: true,
  operationId: 'removeSuppression',
  summary: 'Allow messaging a number again',
  description:
    'Only when the customer asked for it: an opt-out is their choice. The removal is logged ' +
    '(number masked). Recoveries already skipped stay skipped.',
  tag: TAG,
  security: 'bearer',
  params: idParam,
  responses: {
    200: { description: 'Removed: the entry as it was, phone in full', schema: suppressionSchema },
    400: BAD_INPUT,
    404: { description: 'No such entry' },
  },
} satisfies RouteDoc;

export const SUPPRESSION_ROUTES: RouteDoc[] = [
  listSuppressionsRoute,
  addSuppressionRoute,
  lookUpSuppressionRoute,
  getSuppressionRoute,
  removeSuppressionRoute,
];
