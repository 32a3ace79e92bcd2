import { startEmulatorServer, type EmulatorServer, type JsonAnswer } from '../emulator-server';
import { ASAAS_PATHS } from './api';
import { asaasPixQrCode } from './fixtures';

export const DEV_ASAAS_API_KEY = '$aact_emulator_dev_api_key';

/** Where the real API lives under its host, so a configured URL looks like the real one. */
const BASE_PATH = '/v3';

const route = (path: string) => new RegExp(`^${BASE_PATH}${path.replace('{id}', '([^/]+)')}$`);
const ROUTES = {
  payment: route(ASAAS_PATHS.payment),
  pixQrCode: route(ASAAS_PATHS.pixQrCode),
  customer: route(ASAAS_PATHS.customer),
};

export interface AsaasEmulator extends Omit<EmulatorServer, 'origin'> {
  /** Base URL to use as ASAAS_API_URL (it ends like the real one, in /v3). */
  url: string;
  /** The only ASAAS_API_KEY it accepts. */
  apiKey: string;
  /** A charge `GET /v3/payments/{id}` answers; a PIX one also gets a QR code. */
  setCharge(charge: Record<string, unknown> & { id: string }): void;
  setCustomer(customer: Record<string, unknown> & { id: string }): void;
  /** Forgets charges and customers too. */
  reset(): void;
}

const notFound = (what: string): JsonAnswer => ({
  status: 404,
  body: { errors: [{ code: 'invalid_object', description: `${what} not found` }] },
});

/**
 * A loopback stand-in for the Asaas API: charges, their PIX codes and customers, faults to
 * meet (timeouts, 5xx, dropped connections), and every request it received.
 */
export async function startAsaasEmulator(
  options: { host?: string; port?: number; apiKey?: string } = {},
): Promise<AsaasEmulator> {
  const apiKey = options.apiKey ?? DEV_ASAAS_API_KEY;
  const charges = new Map<string, Record<string, unknown>>();
  const customers = new Map<string, Record<string, unknown>>();
  const server = await startEmulatorServer({
    name: 'Asaas',
    host: options.host,
    port: options.port,
    routes(request): JsonAnswer {
      if (request.method !== 'GET') return { status: 405, body: { errors: [] } };
      // Asaas answers a missing or wrong key with 401 (docs/gateways.md, API auth).
      if (request.headers.access_token !== apiKey) return { status: 401, body: { errors: [] } };
      const id = (pattern: RegExp) => {
        const match = pattern.exec(request.path);
        return match ? decodeURIComponent(match[1]) : null;
      };
      const qrFor = id(ROUTES.pixQrCode);
      if (qrFor !== null) {
        const charge = charges.get(qrFor);
        if (!charge || charge.billingType !== 'PIX') return notFound('PIX charge');
        return { status: 200, body: asaasPixQrCode(qrFor) };
      }
      const chargeId = id(ROUTES.payment);
      if (chargeId !== null) {
        const charge = charges.get(chargeId);
        return charge ? { status: 200, body: charge } : notFound('charge');
      }
      const customerId = id(ROUTES.customer);
      if (customerId !== null) {
        const customer = customers.get(customerId);
        return customer ? { status: 200, body: customer } : notFound('customer');
      }
      return notFound('resource');
    },
  });
  return {
    ...server,
    url: `${server.origin}${BASE_PATH}`,
    apiKey,
    setCharge: (charge) => void charges.set(charge.id, charge),
    setCustomer: (customer) => void customers.set(customer.id, customer),
    reset() {
      charges.clear();
      customers.clear();
      server.reset();
    },
  };
}
