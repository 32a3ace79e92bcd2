import { randomBytes } from 'node:crypto';

/**
 * TriboPay postbacks as docs/gateways.md describes them, with the context fields a
 * real checkout sends (offer, items, tracking, ip, fbp), so the API parses, hashes and
 * stores a body of realistic size (~1 KiB). Every payment has its own id and its own
 * Brazilian mobile number, so the frequency cap (one SMS per number) never merges two.
 */
const FIRST = ['Maria', 'Ana', 'João', 'Pedro', 'Luíza', 'Carlos', 'Fernanda', 'Rafael'];
const LAST = ['Silva', 'Souza', 'Oliveira', 'Santos', 'Pereira', 'Lima', 'Gonçalves', 'Araújo'];
const AREAS = ['11', '21', '31', '41', '51', '61', '71', '81'];
const OFFERS = [
  { title: 'Curso Completo de Confeitaria', price: 4990 },
  { title: 'Mentoria Finanças Pessoais', price: 12990 },
  { title: 'Kit Skincare 30 dias', price: 8790 },
  { title: 'Ebook Receitas Low Carb', price: 1990 },
];

export interface Payment {
  /** TriboPay's transaction id. */
  id: string;
  /** As the customer typed it at checkout: `(11) 98765-4321`. */
  phone: string;
  /** What the service stores and messages: `+5511987654321`. */
  e164: string;
  name: string;
  amountCentavos: number;
  createdAt: string;
}

/** Distinct payments for one bench process; `tag` keeps runs against one server apart. */
export function paymentFactory(tag = randomBytes(3).toString('hex')) {
  let next = 0;
  return (): Payment => {
    const n = next++;
    const area = AREAS[n % AREAS.length];
    const subscriber = String(Math.floor(n / AREAS.length)).padStart(8, '0');
    const offer = OFFERS[n % OFFERS.length];
    return {
      id: `${tag}${n.toString(36).padStart(5, '0')}`,
      phone: `(${area}) 9${subscriber.slice(0, 4)}-${subscriber.slice(4)}`,
      e164: `+55${area}9${subscriber}`,
      name: `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]}`,
      amountCentavos: offer.price,
      createdAt: new Date().toISOString(),
    };
  };
}

/** `method`: `credit_card` makes a webhook the service records and ignores (no workflow). */
export function waitingBody(p: Payment, method = 'pix'): string {
  const offer = OFFERS.find((o) => o.price === p.amountCentavos) ?? OFFERS[0];
  const ascii = p.name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const email = `${ascii.replace(/[^a-z]+/g, '.')}@example.com.br`;
  return JSON.stringify({
    token: 'k9i21ah8ta',
    event: 'transaction',
    status: 'waiting_payment',
    method,
    created_at: p.createdAt,
    paid_at: null,
    platform: 'TriboPay',
    ip: '189.6.12.34',
    fbp: 'fb.1.1732828800000.1234567890',
    customer: { name: p.name, email, phone_number: p.phone, document: '12345678909' },
    transaction: { id: p.id, amount: String(p.amountCentavos), status: 'waiting_payment' },
    offer: { hash: 'of1x2y3z', title: offer.title, price: offer.price },
    items: [{ title: offer.title, quantity: 1, price: offer.price, operation_type: 1 }],
    tracking: {
      utm_source: 'facebook',
      utm_medium: 'cpc',
      utm_campaign: 'black-friday',
      utm_content: 'video-03',
      utm_term: null,
    },
  });
}

/** TriboPay's minimal `paid` postback: no customer at all. */
export function paidBody(p: Payment): string {
  return JSON.stringify({
    token: 'k9i21ah8ta',
    event: 'transaction',
    status: 'paid',
    method: 'pix',
    paid_at: new Date().toISOString(),
    transaction: { id: p.id, status: 'paid', amount: String(p.amountCentavos) },
  });
}
