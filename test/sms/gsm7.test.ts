import { toGsm7 } from '../../src/sms/gsm7';
import { segmentCount } from '../../src/sms/segments';

describe('GSM-7 transliteration', () => {
  test.each([
    ['Olá, João! Sua cotação está pronta.', 'Ola, Joao! Sua cotacao esta pronta.'],
    ['Você não pagou ainda — ótimo preço…', 'Voce nao pagou ainda - otimo preco...'],
    ['Pedido nº 5, “urgente”', 'Pedido no 5, "urgente"'],
    ['Café à vista: é GSM', 'Café à vista: é GSM'],
    ['Emoji 😀 fica ?', 'Emoji ? fica ?'],
  ])('%s', (input, expected) => {
    expect(toGsm7(input)).toBe(expected);
  });

  test('a Portuguese reminder with accents fits one GSM-7 segment once transliterated', () => {
    const body =
      'Oi, Conceição! Seu PIX de R$ 149,90 continua aguardando pagamento. Não perca: conclua sua compra.';
    expect(segmentCount(body)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(segmentCount(toGsm7(body))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});
