import { Delays } from './delays';
import { FaultBook } from './faults';
import { StatusCallbackSender } from './status-callbacks';
import { MessageStore } from './store';

/** Everything a request handler needs; one per running emulator. */
export interface EmulatorContext {
  accountSid: string;
  authToken: string;
  store: MessageStore;
  faults: FaultBook;
  delays: Delays;
  /** Null unless the emulator was started with `statusCallbacks: true`. */
  callbacks: StatusCallbackSender | null;
}

export function createContext(
  accountSid: string,
  authToken: string,
  statusCallbacks: boolean,
): EmulatorContext {
  return {
    accountSid,
    authToken,
    store: new MessageStore(),
    faults: new FaultBook(),
    delays: new Delays(),
    callbacks: statusCallbacks ? new StatusCallbackSender(accountSid, authToken) : null,
  };
}

export function resetContext(ctx: EmulatorContext): void {
  ctx.store.clear();
  ctx.faults.clear();
}
