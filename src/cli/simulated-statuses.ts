import type { PaymentStatus } from '../domain/payment-event';
import type { Simulation } from '../gateways/simulation';

/** `waiting` → `waiting_payment` (TriboPay) or `PENDING` (GhostPay); a gateway's own word as it spells it. */
export function gatewayStatus({ usual, own }: Simulation, word: string): string | null {
  const lower = word.trim().toLowerCase();
  return usual[lower as PaymentStatus] ?? own.find((s) => s.toLowerCase() === lower) ?? null;
}

export function knownStatuses({ usual, own }: Simulation): string[] {
  return [...new Set([...Object.keys(usual), ...own])];
}
