import type { RecoveryStatus } from '../../src/domain/recovery-status';
import { paymentHistory } from '../../src/db/payment-history';
import { insertTransition } from '../../src/db/recovery-events';
import { insertWebhookEvent, recordOutcome } from '../../src/db/webhook-events';
import type { PaymentEvent, PaymentStatus } from '../../src/domain/payment-event';
import { pgTestDb, sqliteTestDb, type TestDb } from '../helpers/db';

let seq = 0;

function event(paymentId: string, status: PaymentStatus): PaymentEvent {
  return {
    gateway: 'tribopay',
    paymentId,
    method: 'pix',
    rawMethod: 'pix',
    status,
    rawStatus: status,
    amountCentavos: 4990,
    customer: { name: 'Ana Souza', email: null, phone: '(11) 98765-4321' },
    checkoutUrl: null,
    pixCode: null,
    createdAt: null,
    updatedAt: null,
    paidAt: null,
  };
}

async function store(db: TestDb['db'], paymentId: string, status: PaymentStatus) {
  seq += 1;
  const { row } = await insertWebhookEvent(db, {
    event: event(paymentId, status),
    phoneE164: '+5511987654321',
    phoneError: null,
    rawBody: `{"n":${seq}}`,
    contentType: 'application/json',
    dedupKey: `history-${paymentId}-${seq}`,
    receivedAt: new Date(),
  });
  return row.id;
}

describe.each([
  ['PostgreSQL', () => pgTestDb()],
  ['SQLite', () => sqliteTestDb()],
])('a payment history read from %s in one statement', (_name, open) => {
  let target: TestDb;
  beforeAll(async () => {
    target = await open();
  });
  afterAll(() => target.drop());

  it('a first waiting webhook finds nothing before it', async () => {
    const id = await store(target.db, 'fresh', 'waiting');
    expect(await paymentHistory(target.db, 'tribopay', 'fresh', id)).toEqual({
      ended: false,
      recoveryFinished: false,
      routedBefore: false,
    });
  });

  it('a webhook routed earlier counts, handed off or still in the outbox; the one asked about does not', async () => {
    const first = await store(target.db, 'routed', 'waiting');
    await recordOutcome(target.db, first, 'scheduled', 'recovery:tribopay:routed', false);
    expect((await paymentHistory(target.db, 'tribopay', 'routed', first)).routedBefore).toBe(false);
    expect((await paymentHistory(target.db, 'tribopay', 'routed')).routedBefore).toBe(true);
    const second = await store(target.db, 'routed', 'waiting');
    expect((await paymentHistory(target.db, 'tribopay', 'routed', second)).routedBefore).toBe(true);
  });

  it('an earlier webhook that was ignored is not a routed one', async () => {
    const first = await store(target.db, 'ignored-first', 'waiting');
    await recordOutcome(target.db, first, 'ignored: invalid phone', null, false);
    expect((await paymentHistory(target.db, 'tribopay', 'ignored-first')).routedBefore).toBe(false);
  });

  it('a paid webhook, even one not handed off, means the payment ended', async () => {
    await store(target.db, 'paid-first', 'paid');
    const late = await store(target.db, 'paid-first', 'waiting');
    expect((await paymentHistory(target.db, 'tribopay', 'paid-first', late)).ended).toBe(true);
  });

  it('a final transition means the recovery finished; a waiting one does not', async () => {
    const transition = (name: RecoveryStatus, n: number) =>
      insertTransition(target.db, {
        eventKey: `recovery:tribopay:over:run:${n}`,
        workflowId: 'recovery:tribopay:over',
        gateway: 'tribopay',
        paymentId: 'over',
        transition: name,
        detail: {},
        occurredAt: new Date().toISOString(),
      });
    const id = await store(target.db, 'over', 'waiting');
    await transition('waiting', 1);
    expect((await paymentHistory(target.db, 'tribopay', 'over', id)).recoveryFinished).toBe(false);
    await transition('not_recovered', 2);
    expect((await paymentHistory(target.db, 'tribopay', 'over', id)).recoveryFinished).toBe(true);
  });

  it("another gateway's payment with the same id is another payment", async () => {
    await store(target.db, 'shared-id', 'paid');
    expect((await paymentHistory(target.db, 'ghostpay', 'shared-id', -1)).ended).toBe(false);
  });
});
