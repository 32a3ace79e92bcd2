import {
  DEFAULT_TEMPLATE,
  InvalidSmsBodyError,
  InvalidSmsTemplateError,
  firstName,
  formatBrl,
  renderSms,
  renderTemplate,
  validateTemplate,
  type TemplateVars,
} from '../../src/sms/template';

const maria: TemplateVars = {
  customerName: 'MARIA DA SILVA',
  amountCentavos: 4990,
  gateway: 'ghostpay',
  link: 'https://pay.example/c/abc',
};
const nobody: TemplateVars = {
  customerName: null,
  amountCentavos: null,
  gateway: 'tribopay',
  link: null,
};

/** Every character of the GSM 03.38 basic set and its extension table. */
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€';

describe('the default recovery SMS', () => {
  it('greets the customer by first name and says the PIX is still waiting, with amount and link', () => {
    expect(renderSms(DEFAULT_TEMPLATE, maria)).toBe(
      'Oi, Maria! Seu PIX de R$ 49,90 continua aguardando pagamento. ' +
        'Para concluir a compra, use: https://pay.example/c/abc Caso tenha pago, desconsidere esta mensagem.',
    );
  });

  it('reads well when the gateway told us no name, amount or link', () => {
    expect(renderSms(DEFAULT_TEMPLATE, nobody)).toBe(
      'Oi! Seu PIX continua aguardando pagamento. Caso tenha pago, desconsidere esta mensagem.',
    );
  });

  it('stays within GSM-7, so a plain message costs 160-character parts, not 70', () => {
    const body = renderSms(DEFAULT_TEMPLATE, maria);
    expect([...body].filter((ch) => !GSM7.includes(ch))).toEqual([]);
  });

  it('is a valid template', () => {
    expect(() => validateTemplate(DEFAULT_TEMPLATE)).not.toThrow();
  });
});

describe('an amount in the SMS', () => {
  it.each([
    [0, 'R$ 0,00'],
    [5, 'R$ 0,05'],
    [4990, 'R$ 49,90'],
    [123456, 'R$ 1.234,56'],
    [100000000, 'R$ 1.000.000,00'],
  ])('of %i centavos reads %s, with an ordinary space', (centavos, text) => {
    expect(formatBrl(centavos)).toBe(text);
  });

  it("matches Intl's pt-BR format except for Intl's non-breaking space", () => {
    const intl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
    expect(intl.format(1234.56)).toContain('\u00a0');
    for (const centavos of [0, 5, 4990, 123456, 100000000]) {
      expect(formatBrl(centavos)).toBe(intl.format(centavos / 100).replace(/\u00a0/g, ' '));
    }
  });
});

describe("the customer's first name", () => {
  it.each([
    ['MARIA DA SILVA', 'Maria'],
    ['joão conceição', 'João'],
    ['  ana-clara souza ', 'Ana-Clara'],
    ['ÉRICA', 'Érica'],
    ['DeAndre Jones', 'DeAndre'],
    ['Maria', 'Maria'],
  ])('in %j is %j', (name, first) => {
    expect(firstName(name)).toBe(first);
  });

  it.each([[null], [''], ['   '], ['J. Silva'], ['cliente123'], ['maria@example.com']])(
    'is left out when the name is %j',
    (name) => {
      expect(firstName(name)).toBeNull();
    },
  );
});

describe('a custom template', () => {
  it('can name the gateway', () => {
    expect(renderTemplate('Pagamento via {gateway}.', maria)).toBe('Pagamento via GhostPay.');
    expect(renderTemplate('Pagamento via {gateway}.', nobody)).toBe('Pagamento via TriboPay.');
  });

  it('shows a link section only when there is a link', () => {
    const template = 'PIX pendente.{?link} Pague aqui: {link}{/link}';
    expect(renderTemplate(template, maria)).toBe(
      'PIX pendente. Pague aqui: https://pay.example/c/abc',
    );
    expect(renderTemplate(template, nobody)).toBe('PIX pendente.');
    expect(renderTemplate(template, { ...maria, link: '   ' })).toBe('PIX pendente.');
  });

  it('may nest sections', () => {
    const template = '{?amount}Valor {amount}{?link} em {link}{/link}.{/amount}';
    expect(renderTemplate(template, maria)).toBe('Valor R$ 49,90 em https://pay.example/c/abc.');
    expect(renderTemplate(template, { ...maria, link: null })).toBe('Valor R$ 49,90.');
  });

  it.each([
    ['an unknown placeholder', 'Oi {nome}!', /unknown placeholder \{nome\}/],
    ['an unknown section', '{?cupom}x{/cupom}', /unknown placeholder \{cupom\}/],
    ['an unclosed section', '{?link}Pague: {link}', /never closed/],
    ['a section closed out of order', '{?link}{?amount}x{/link}{/amount}', /does not close/],
    ['a stray brace', 'Oi { amigo', /stray "\{"/],
  ])('with %s is refused at configuration time', (_, template, message) => {
    expect(() => validateTemplate(template)).toThrow(InvalidSmsTemplateError);
    expect(() => validateTemplate(template)).toThrow(message);
  });

  it('that renders to nothing without customer data is refused at configuration time', () => {
    expect(() => validateTemplate('{first_name}')).toThrow(InvalidSmsBodyError);
  });

  it('longer than 1,600 characters is refused at configuration time', () => {
    expect(() => validateTemplate('x'.repeat(1601))).toThrow(InvalidSmsBodyError);
    expect(() => validateTemplate('x'.repeat(1600))).not.toThrow();
  });

  it('that only grows past 1,600 characters with a long link is refused when rendered', () => {
    const template = `${'x'.repeat(1580)} {link}`;
    expect(() => validateTemplate(template)).not.toThrow();
    expect(() =>
      renderSms(template, { ...maria, link: `https://pay.example/${'a'.repeat(40)}` }),
    ).toThrow(/more than Twilio's 1600/);
  });

  it('that renders only whitespace is refused as empty', () => {
    expect(() => renderSms('  {first_name}  ', nobody)).toThrow(/empty/);
  });
});
