/** What the floor's burst is judged by, from the emulator's list of messages. */
export interface Message {
  to: string;
  receivedAt: string;
}

export interface SmsLags {
  /** ms from each recipient's due instant to its first message, in recipient order. */
  lags: number[];
  /** Recipients with no message, and with more than one. */
  missing: number;
  duplicates: number;
}

export function smsLags(messages: Message[], dueAt: Map<string, number>): SmsLags {
  const received = new Map<string, number[]>();
  for (const m of messages) {
    received.set(m.to, [...(received.get(m.to) ?? []), Date.parse(m.receivedAt)]);
  }
  const lags: number[] = [];
  let missing = 0;
  let duplicates = 0;
  for (const [to, due] of dueAt) {
    const sent = received.get(to) ?? [];
    if (sent.length === 0) missing += 1;
    else lags.push(Math.min(...sent) - due);
    if (sent.length > 1) duplicates += 1;
  }
  return { lags, missing, duplicates };
}

/** Messages per second from the first to the last one received; NaN for fewer than two. */
export function smsPerSecond(messages: Message[]): number {
  const times = messages.map((m) => Date.parse(m.receivedAt));
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return span > 0 ? times.length / span : NaN;
}
