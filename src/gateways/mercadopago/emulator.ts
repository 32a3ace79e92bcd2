import { startEmulatorServer, type EmulatorServer, type JsonAnswer } from '../emulator-server';
import { MERCADOPAGO_PAYMENT_PATH } from './api';

export const DEV_MERCADOPAGO_ACCESS_TOKEN = 'APP_USR-emulator-dev-access-token';

/** `/v1/payments/{id}`, built from the client's own path so the two can't drift. */
const PAYMENT_ROUTE = new RegExp(`^${MERCADOPAGO_PAYMENT_PATH.replace('{id}', '([^/]+)')}$`);

export interface MercadopagoEmulator extends Omit<EmulatorServer, 'origin'> {
  /** Base URL to use as MERCADOPAGO_API_URL. */
  url: string;
  /** The only MERCADOPAGO_ACCESS_TOKEN it accepts. */
  accessToken: string;
  /** What `GET /v1/payments/{id}` answers for this payment from now on. */
  setPayment(paymentId: string, payment: Record<string, unknown>): void;
  /** Forgets payments too. */
  reset(): void;
}

/**
 * A loopback stand-in for Mercado Pago's Payments API, driven from tests: the payments it
 * knows, faults to meet (timeouts, 5xx, dropped connections), every request it received.
 */
export async function startMercadopagoEmulator(
  options: { host?: string; port?: number; accessToken?: string } = {},
): Promise<MercadopagoEmulator> {
  const accessToken = options.accessToken ?? DEV_MERCADOPAGO_ACCESS_TOKEN;
  const payments = new Map<string, Record<string, unknown>>();
  const server = await startEmulatorServer({
    name: 'Mercado Pago',
    host: options.host,
    port: options.port,
    routes(request): JsonAnswer {
      const match = PAYMENT_ROUTE.exec(request.path);
      if (!match) return { status: 404, body: { message: 'resource not found', status: 404 } };
      if (request.method !== 'GET') return { status: 405, body: { message: 'method not allowed' } };
      if (request.headers.authorization !== `Bearer ${accessToken}`)
        return { status: 401, body: { message: 'invalid access token', status: 401 } };
      const payment = payments.get(decodeURIComponent(match[1]));
      if (!payment) return { status: 404, body: { message: 'Payment not found', status: 404 } };
      return { status: 200, body: payment };
    },
  });
  return {
    ...server,
    url: server.origin,
    accessToken,
    setPayment: (paymentId, payment) => void payments.set(paymentId, payment),
    reset() {
      payments.clear();
      server.reset();
    },
  };
}
