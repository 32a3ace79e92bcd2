import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { loadConfig } from '../../config';
import { CliError, type Command } from '../command';
import { apiErrorMessage, apiUrl, request } from '../http';
import {
  centavosOption,
  gatewayOption,
  parseCommandLine,
  requiredText,
  validateOptions,
} from '../options';
import { GATEWAY_MODULES } from '../../gateways';
import { gatewayStatus, knownStatuses } from '../simulated-statuses';

const help = `Usage: pix-recovery simulate-webhook --gateway <gateway> --status <status> [options]

Posts a webhook shaped like the gateway's own (TriboPay postback, GhostPay body, Stripe
Checkout Session event, Pagar.me charge event, ...) to a running API, authenticated as
that gateway does it with the same settings the API reads, and prints the answer:
TriboPay and GhostPay present WEBHOOK_SECRET in X-Webhook-Token (when set), Stripe is
signed with STRIPE_WEBHOOK_SECRET. Only Pagar.me holds its signing key, so Pagar.me is
simulated only against an API running with WEBHOOK_AUTH=off.
A Mercado Pago notification carries the payment id only, and an Asaas charge no phone:
their recovery reads the rest from MERCADOPAGO_API_URL or ASAAS_API_URL, as it would for
a real webhook (--phone and --name are not sent to them).

Options:
  --gateway <gateway>   ${Object.keys(GATEWAY_MODULES).join(', ')}
  --status <status>     waiting, paid, refused, cancelled, refunded, chargedback, or the
                        gateway's own spelling (waiting_payment, PENDING, APPROVED, ...)
  --phone <number>      customer phone, sent as typed; without it a waiting payment is
                        ignored ("invalid phone"), as a real one would be
  --name <name>         customer name
  --method <method>     payment method (default pix)
  --amount <centavos>   amount in centavos (default 5000, R$ 50,00)
  --id <payment id>     the payment's id (default: a new one, printed); reuse it to send
                        a later status of the same payment
  --url <base url>      the API (default http://127.0.0.1:$PORT, PORT defaulting to 8000)

Example:
  pix-recovery simulate-webhook --gateway tribopay --status waiting --phone "(11) 98765-4321"`;

const schema = z.object({
  gateway: gatewayOption,
  status: requiredText,
  phone: z.string().optional(),
  name: z.string().optional(),
  method: requiredText,
  amount: centavosOption,
  id: requiredText.optional(),
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
});

export const simulateWebhook: Command = {
  name: 'simulate-webhook',
  summary: 'post a realistic gateway webhook to a running API',
  help,
  async run(args, ctx) {
    const { values } = parseCommandLine('simulate-webhook', {
      args,
      options: {
        gateway: { type: 'string' },
        status: { type: 'string' },
        phone: { type: 'string' },
        name: { type: 'string' },
        method: { type: 'string', default: 'pix' },
        amount: { type: 'string', default: '5000' },
        id: { type: 'string' },
        url: { type: 'string' },
      },
    });
    const input = validateOptions('simulate-webhook', schema, values);
    const { simulation } = GATEWAY_MODULES[input.gateway];
    const status = gatewayStatus(simulation, input.status);
    if (status === null) {
      const known = knownStatuses(simulation).join(', ');
      throw new CliError(
        `simulate-webhook: --status: ${input.gateway} has no status "${input.status}"; known: ${known}`,
        2,
      );
    }
    const config = loadConfig(ctx.env);
    const id = input.id ?? `sim-${randomUUID().slice(0, 8)}`;
    const at = new Date();
    const body = simulation.body({
      id,
      status,
      method: simulation.method(input.method),
      amountCentavos: input.amount,
      name: input.name,
      phone: input.phone,
      at,
    });
    const rawBody = JSON.stringify(body);
    const signed = await simulation.sign(rawBody, config, at);
    // With WEBHOOK_AUTH=off the API checks nothing, so an unsigned webhook is as good.
    if ('unavailable' in signed && config.webhookAuth) {
      throw new CliError(
        `simulate-webhook: cannot sign a ${input.gateway} webhook: ${signed.unavailable}`,
      );
    }
    const authHeaders = 'headers' in signed ? signed.headers : {};
    const query = new URLSearchParams(('query' in signed && signed.query) || {}).toString();
    const url = apiUrl(
      input.url ?? `http://127.0.0.1:${config.port}`,
      `/api/webhooks/${input.gateway}/${query ? `?${query}` : ''}`,
    );
    ctx.out(`payment ${id}${input.id ? '' : ' (generated id)'}, status ${status}`);
    ctx.out(`POST ${url}`);
    const answer = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders },
      body: rawBody,
    });
    ctx.out(`HTTP ${answer.status} ${answer.statusText}`);
    ctx.out(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body, null, 2));
    if (answer.status >= 300) throw new CliError(apiErrorMessage(answer));
    return 0;
  },
};
