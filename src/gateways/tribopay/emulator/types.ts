import type { EmulatorFault } from '../../emulator-server';

/** What the next status request meets instead of the stored answer (the shared emulators' faults). */
export type TribopayFault = EmulatorFault;

/** One request the emulator received, as tests check it. */
export interface StatusRequest {
  paymentId: string;
  /** Whether it carried the emulator's token; one that didn't was answered 401. */
  tokenValid: boolean;
  at: Date;
}

export interface TribopayEmulatorOptions {
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  token?: string;
}

export interface TribopayEmulator {
  /** Base URL to use as TRIBOPAY_API_URL (it ends like the real one, in /api/public/v1). */
  url: string;
  /** The only TRIBOPAY_API_TOKEN it accepts. */
  token: string;
  /** The transaction's status as TriboPay spells it (`waiting_payment`, `paid`…). */
  setStatus(paymentId: string, rawStatus: string): void;
  /** The next `times` requests meet `fault`, in the order queued. */
  failNext(fault: TribopayFault, times?: number): void;
  requests(): StatusRequest[];
  /** Forgets statuses, queued faults and requests. */
  reset(): void;
  close(): Promise<void>;
}
