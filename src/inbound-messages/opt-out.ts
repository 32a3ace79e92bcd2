/**
 * Replies that mean "stop messaging me" (docs/gateways.md: PARE, SAIR, STOP), in the spellings
 * customers type: any case, with or without accents and punctuation. Only a reply that is
 * the keyword alone counts, as with carriers' STOP handling: "não pare" is not an opt-out.
 */
const OPT_OUT_WORDS = new Set([
  'PARE',
  'PARAR',
  'SAIR',
  'STOP',
  'STOPALL',
  'CANCELAR',
  'CANCELA',
  'CANCEL',
  'DESCADASTRAR',
  'UNSUBSCRIBE',
  'END',
  'QUIT',
]);

export function isOptOutReply(body: string): boolean {
  const word = body
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/[\p{P}\p{S}\s]+/gu, '')
    .toUpperCase();
  return OPT_OUT_WORDS.has(word);
}

/** Sent back to a customer who opted out (TwiML `<Message>`), unless OPT_OUT_REPLY=off. */
export const DEFAULT_OPT_OUT_REPLY =
  'Pronto: voce nao recebera mais lembretes de pagamento por SMS deste numero.';
