import type Router from '@koa/router';
import type Koa from 'koa';
import {
  isUnknownPayment,
  loadPaymentView,
  type PaymentViewDeps,
} from '../../monitoring/payment-view';
import { HttpError } from '../errors';
import { routePaths } from '../openapi';
import { getPaymentRoute } from '../schemas/monitoring';
import { parseParams } from '../schemas/parse';

/** `payments/{gateway}/{payment_id}/`. */
export function paymentRoutes(router: Router, auth: Koa.Middleware, deps: PaymentViewDeps): void {
  router.get(routePaths(getPaymentRoute), auth, async (ctx) => {
    const { gateway, payment_id: paymentId } = parseParams(ctx, getPaymentRoute.params);
    const view = await loadPaymentView(deps, gateway, paymentId);
    if (isUnknownPayment(view)) throw new HttpError(404, `no payment ${paymentId} from ${gateway}`);
    ctx.body = view;
  });
}
