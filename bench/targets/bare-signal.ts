/**
 * The limit the webhook intake is measured against: the same `signalWithStart` the API
 * makes for a waiting PIX (same workflow, task queue, input, signal and search attributes),
 * straight from a Temporal client, with no HTTP and no database. Run by the bench as its
 * own long-lived process (like the API), driven over an IPC channel: each message asks
 * for one measurement and gets its result back.
 */
import { Client, Connection, WorkflowIdReusePolicy } from '@temporalio/client';
import {
  GATEWAY_KEY,
  PAYMENT_ID_KEY,
  paymentStatusSignal,
  recoveryWorkflowId,
  WORKFLOW_TYPE,
  type PaymentUpdate,
  type RecoveryInput,
} from '../../workflows/definitions';
import { AesGcmPayloadCodec } from '../../src/temporal/codec';
import { dataConverter } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/temporal/payload-keys';
import { paymentFactory, type Payment } from '../bodies';
import { percentile } from '../stats';

const ATTRIBUTION_WINDOW_MS = 24 * 3_600_000; // the service's default ATTRIBUTION_WINDOW

/** What the bench asks for, over the IPC channel. */
export interface BareRequest {
  count: number;
  concurrency: number;
  /** Calls made first and not measured, so the client's code is warm (JIT) like the API's. */
  warmup: number;
}

export interface BareResult {
  started: number;
  errors: number;
  durationSeconds: number;
  perSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** This client's own CPU per call (user + system), ms. */
  cpuMsPerCall: number;
}

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function run(): Promise<void> {
  const address = setting('BENCH_TEMPORAL_ADDRESS');
  const taskQueue = setting('BENCH_TASK_QUEUE');
  const delayMs = Number(setting('BENCH_DELAY_MS'));
  const nextPayment = paymentFactory(setting('BENCH_TAG'));

  const keys = process.env.PAYLOAD_KEYS ? parsePayloadKeys(process.env.PAYLOAD_KEYS) : [];
  const codec = new AesGcmPayloadCodec(keys, process.env.PAYLOAD_ENCRYPTION !== 'off');
  const connection = await Connection.connect({ address });
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter: dataConverter(codec),
  });
  let eventSeq = 0;
  const start = (p: Payment) => {
    const input: RecoveryInput = {
      gateway: 'tribopay',
      paymentId: p.id,
      delayMs,
      attributionWindowMs: ATTRIBUTION_WINDOW_MS,
      steps: [delayMs],
      quietHours: null,
    };
    const update: PaymentUpdate = {
      status: 'waiting',
      eventId: `tribopay:${++eventSeq}`,
      rawStatus: 'waiting_payment',
      method: 'pix',
      receivedAt: new Date().toISOString(),
      createdAt: p.createdAt,
      phoneE164: p.e164,
      customerName: p.name,
      amountCentavos: p.amountCentavos,
      checkoutUrl: null,
      pixCode: null,
    };
    return client.workflow.signalWithStart(WORKFLOW_TYPE, {
      workflowId: recoveryWorkflowId('tribopay', p.id),
      taskQueue,
      args: [input],
      signal: paymentStatusSignal,
      signalArgs: [update],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: GATEWAY_KEY, value: 'tribopay' },
        { key: PAYMENT_ID_KEY, value: p.id },
      ],
    });
  };

  const lanes = async (total: number, concurrency: number, latencies: number[] | null) => {
    let issued = 0;
    let errors = 0;
    const lane = async () => {
      while (issued < total) {
        issued += 1;
        const began = performance.now();
        try {
          await start(nextPayment());
          latencies?.push(performance.now() - began);
        } catch {
          errors += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    return errors;
  };

  const measure = async (request: BareRequest): Promise<BareResult> => {
    if (request.warmup > 0) await lanes(request.warmup, request.concurrency, null);
    const latencies: number[] = [];
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    const errors = await lanes(request.count, request.concurrency, latencies);
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (performance.now() - began) / 1000;
    return {
      started: latencies.length,
      errors,
      durationSeconds: seconds,
      perSecond: latencies.length / seconds,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyMaxMs: latencies.reduce((a, b) => Math.max(a, b), 0),
      cpuMsPerCall: (cpu.user + cpu.system) / 1000 / Math.max(latencies.length, 1),
    };
  };

  // One request at a time, answered in order; the channel closing ends the process.
  let queue = Promise.resolve();
  process.on('message', (request: BareRequest) => {
    queue = queue.then(async () => {
      const result = await measure(request);
      process.send?.(result);
    });
  });
  process.on('disconnect', () => {
    void queue.finally(() => connection.close().finally(() => process.exit(0)));
  });
  process.send?.({ ready: true });
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
