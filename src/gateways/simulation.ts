import type { PaymentStatus } from '../domain/payment-event';
import type { GatewaySettings } from './settings';

/** One payment as `simulate-webhook` describes it, to be sent in a gateway's own shape. */
export interface SimulatedPayment {
  id: string;
  /** As the gateway spells it: see `Simulation.usual`. */
  status: string;
  method: string;
  amountCentavos: number;
  name?: string;
  /** As typed: the point is to see how the service reads it. */
  phone?: string;
  at: Date;
}

/** The headers that authenticate a simulated webhook, and its query string when signed too. */
export interface SignedSimulation {
  headers: Record<string, string>;
  /** Mercado Pago signs `data.id` from the query string, not the body. */
  query?: Record<string, string>;
}

/** How `simulate-webhook` speaks for one gateway, quirks included. */
export interface Simulation {
  /** Our normalised words, in the gateway's usual spelling. */
  usual: Partial<Record<PaymentStatus, string>>;
  /** Every spelling the gateway is known to send. */
  own: readonly string[];
  /** A method name as the gateway writes it (`pix`, `PIX`). */
  method(method: string): string;
  body(payment: SimulatedPayment): Record<string, unknown>;
  /**
   * The headers that authenticate `rawBody` as the gateway would, made from the same
   * settings the API reads; `unavailable` says which setting is missing.
   */
  sign(
    rawBody: string,
    settings: GatewaySettings,
    at: Date,
  ): Promise<SignedSimulation | { unavailable: string }>;
}

/** The shared-token gateways: the CLI presents WEBHOOK_SECRET as their operators configure it. */
export async function presentSharedToken(
  _rawBody: string,
  settings: GatewaySettings,
): Promise<{ headers: Record<string, string> }> {
  const secret = settings.webhookSecret;
  return { headers: secret ? { 'x-webhook-token': secret } : {} };
}
