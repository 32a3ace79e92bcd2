import Router from '@koa/router';
import type { ErasureResult } from '../../privacy/erase';
import { requireApiToken } from '../auth';
import { HttpError } from '../errors';
import { routePaths } from '../openapi';
import { erasePhoneRoute } from '../schemas/privacy';
import { parseJsonBody } from '../schemas/parse';

export interface PrivacyRouteDeps {
  apiToken?: string;
  /** Erases one number (E.164); absent where the process has no Temporal client. */
  erasePhone?: (phoneE164: string) => Promise<ErasureResult>;
}

/** `privacy/erase/`: a customer's request to be forgotten, behind the API token. */
export function privacyRoutes(deps: PrivacyRouteDeps): Router {
  const router = new Router();
  router.post(routePaths(erasePhoneRoute), requireApiToken(deps.apiToken), async (ctx) => {
    const body = await parseJsonBody(ctx, erasePhoneRoute.body.schema, 4 * 1024);
    if (!deps.erasePhone) throw new HttpError(503, 'erasure is not available in this process');
    ctx.body = await deps.erasePhone(body.phone_number);
  });
  return router;
}
