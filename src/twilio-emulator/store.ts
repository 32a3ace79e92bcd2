import type { EmulatedMessage } from './types';

/**
 * Accepted messages in arrival order. Benchmarks push tens of thousands through it,
 * so appends and lookups by sid are O(1); listing walks the array (newest first).
 */
export class MessageStore {
  private readonly ordered: EmulatedMessage[] = [];
  private readonly bySid = new Map<string, EmulatedMessage>();

  append(message: EmulatedMessage): void {
    this.ordered.push(message);
    this.bySid.set(message.sid, message);
  }

  get(sid: string): EmulatedMessage | undefined {
    return this.bySid.get(sid);
  }

  *newestFirst(): Generator<EmulatedMessage> {
    for (let i = this.ordered.length - 1; i >= 0; i -= 1) yield this.ordered[i];
  }

  /** Copies, so callers can't change what the API later serves. */
  snapshot(): EmulatedMessage[] {
    return this.ordered.map(copyMessage);
  }

  clear(): void {
    this.ordered.length = 0;
    this.bySid.clear();
  }
}

function copyMessage(message: EmulatedMessage): EmulatedMessage {
  return {
    ...message,
    receivedAt: new Date(message.receivedAt),
    dateSent: message.dateSent && new Date(message.dateSent),
    dateUpdated: new Date(message.dateUpdated),
    params: { ...message.params },
  };
}
