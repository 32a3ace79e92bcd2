import type { Gateway } from '../domain/payment-event';
import { adapters } from '../gateways';

/**
 * Template syntax, kept deliberately tiny:
 *   {name}             the value of a placeholder (empty when unknown)
 *   {?name}…{/name}    a section, kept only when `name` has a value
 * Placeholders: first_name, amount, gateway, link. Braces are reserved: any other use,
 * an unknown name or an unclosed section is refused when the template is configured.
 */
export const PLACEHOLDERS = ['first_name', 'amount', 'gateway', 'link'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/**
 * Reads well with or without a name, amount or link ("Oi, Maria!" / "Oi!"). Worded to
 * stay within GSM-7 (no ã, á, ê…): one such character switches the whole SMS to UCS-2,
 * 70 characters a part instead of 160 (docs/gateways.md). No deadline, no pressure.
 */
export const DEFAULT_TEMPLATE =
  'Oi{?first_name}, {first_name}{/first_name}! Seu PIX{?amount} de {amount}{/amount} ' +
  'continua aguardando pagamento.{?link} Para concluir a compra, use: {link}{/link} ' +
  'Caso tenha pago, desconsidere esta mensagem.';

/** Steps 2, 3… of a sequence: a gentler second reminder, same GSM-7-only wording rules. */
export const DEFAULT_FOLLOW_UP_TEMPLATE =
  'Oi{?first_name}, {first_name}{/first_name}! Lembrete: seu PIX{?amount} de {amount}{/amount} ' +
  'ainda esta em aberto.{?link} Se quiser concluir: {link}{/link} ' +
  'Se ja pagou, por favor ignore esta mensagem.';

/** Twilio refuses a `Body` longer than 1,600 characters (docs/gateways.md). */
export const MAX_SMS_BODY_LENGTH = 1600;

export interface TemplateVars {
  customerName: string | null;
  amountCentavos: number | null;
  gateway: Gateway;
  /** Checkout page or PIX copy-and-paste code; null when the gateway sent neither. */
  link: string | null;
}

export class InvalidSmsTemplateError extends Error {
  constructor(message: string) {
    super(`invalid SMS template: ${message}`);
    this.name = 'InvalidSmsTemplateError';
  }
}

export class InvalidSmsBodyError extends Error {
  constructor(message: string) {
    super(`invalid SMS body: ${message}`);
    this.name = 'InvalidSmsBodyError';
  }
}

type Node = string | { placeholder: Placeholder } | { section: Placeholder; children: Node[] };

const TOKEN = /\{([?/]?)([^{}]*)\}|[{}]/g;

function parse(template: string): Node[] {
  const root: Node[] = [];
  const open: { name: Placeholder; children: Node[] }[] = [];
  let children = root;
  let last = 0;
  for (const match of template.matchAll(TOKEN)) {
    if (match.index > last) children.push(template.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[0] === '{' || match[0] === '}')
      throw new InvalidSmsTemplateError(`stray "${match[0]}" at ${match.index}`);
    const name = known(match[2]);
    if (match[1] === '') children.push({ placeholder: name });
    if (match[1] === '?') {
      const section = { section: name, children: [] as Node[] };
      children.push(section);
      open.push({ name, children });
      children = section.children;
    }
    if (match[1] === '/') children = close(open, name);
  }
  if (open.length > 0)
    throw new InvalidSmsTemplateError(`section {?${open[open.length - 1].name}} is never closed`);
  if (last < template.length) children.push(template.slice(last));
  return root;
}

function known(name: string): Placeholder {
  if ((PLACEHOLDERS as readonly string[]).includes(name)) return name as Placeholder;
  const list = PLACEHOLDERS.map((p) => `{${p}}`).join(', ');
  throw new InvalidSmsTemplateError(`unknown placeholder {${name}}; known: ${list}`);
}

/** Closes the innermost section and returns the list its parent was filling. */
function close(open: { name: Placeholder; children: Node[] }[], name: Placeholder): Node[] {
  const innermost = open.pop();
  if (innermost?.name !== name)
    throw new InvalidSmsTemplateError(`{/${name}} does not close an open {?${name}}`);
  return innermost.children;
}

function render(nodes: Node[], values: Record<Placeholder, string>): string {
  return nodes
    .map((node) => {
      if (typeof node === 'string') return node;
      if ('placeholder' in node) return values[node.placeholder];
      return values[node.section] === '' ? '' : render(node.children, values);
    })
    .join('');
}

/** Fills a template; throws InvalidSmsTemplateError when the template itself is wrong. */
export function renderTemplate(template: string, vars: TemplateVars): string {
  return render(parse(template), valuesOf(vars));
}

function valuesOf(vars: TemplateVars): Record<Placeholder, string> {
  return {
    first_name: firstName(vars.customerName) ?? '',
    amount: vars.amountCentavos === null ? '' : formatBrl(vars.amountCentavos),
    gateway: adapters[vars.gateway].displayName,
    link: vars.link?.trim() ?? '',
  };
}

/**
 * For configuration time: the syntax must parse and the template must make a usable
 * message even when the gateway told us nothing about the customer.
 */
export function validateTemplate(template: string): void {
  checkBody(
    renderTemplate(template, {
      customerName: null,
      amountCentavos: null,
      gateway: 'tribopay',
      link: null,
    }),
  );
}

/** The SMS body for one customer, or InvalidSmsBodyError if it can't be sent as is. */
export function renderSms(template: string, vars: TemplateVars): string {
  return checkBody(renderTemplate(template, vars));
}

/** String length counts UTF-16 units, never fewer than Twilio's characters: safe side. */
function checkBody(body: string): string {
  const text = body.trim();
  if (text === '') throw new InvalidSmsBodyError('the message is empty');
  if (text.length > MAX_SMS_BODY_LENGTH) {
    throw new InvalidSmsBodyError(
      `${text.length} characters, more than Twilio's ${MAX_SMS_BODY_LENGTH}`,
    );
  }
  return text;
}

/**
 * `R$ 1.234,56` from centavos. Written by hand because Intl's pt-BR currency format puts
 * U+00A0 after `R$`: it is not in GSM-7, so it would make the SMS UCS-2 (see above).
 */
export function formatBrl(centavos: number): string {
  if (!Number.isSafeInteger(centavos))
    throw new RangeError(`not a whole number of centavos: ${centavos}`);
  const abs = Math.abs(centavos);
  const reais = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+$)/g, '.');
  const cents = String(abs % 100).padStart(2, '0');
  return `${centavos < 0 ? '-' : ''}R$ ${reais},${cents}`;
}

/** Longer than any real first name; a longer "name" would only eat the SMS's characters. */
const MAX_FIRST_NAME = 30;

const NAME_WORD = /^\p{L}[\p{L}\p{M}'’-]*$/u;

/**
 * The first word of the customer's name, or null when it doesn't look like a name
 * ("J.", "cliente123"), so the message says "Oi!" rather than something odd.
 * Names typed all in capitals or all in lower case are re-capitalised; mixed case is
 * the customer's own choice and stays.
 */
export function firstName(name: string | null): string | null {
  const word = (name ?? '').slice(0, 256).normalize('NFC').trim().split(/\s+/)[0];
  if (word.length > MAX_FIRST_NAME || !NAME_WORD.test(word)) return null;
  const lower = word.toLocaleLowerCase('pt-BR');
  if (word !== lower && word !== word.toLocaleUpperCase('pt-BR')) return word;
  return lower.replace(
    /(^|[-'’])(\p{L})/gu,
    (_, sep: string, letter: string) => sep + letter.toLocaleUpperCase('pt-BR'),
  );
}

/** What a customer would get, filled with made-up values. */
export function sampleMessage(template: string): string {
  return renderSms(template, {
    customerName: 'Maria Silva',
    amountCentavos: 4990,
    gateway: 'tribopay',
    link: 'https://checkout.example.com/pix-test',
  });
}
