import { decodeBody } from '../../src/gateways/decode-body';

const name = 'João Conceição';
const utf8 = Buffer.from(name, 'utf8');
const latin1 = Buffer.from(name, 'latin1');

describe('decoding a webhook body', () => {
  it.each([
    ['UTF-8 without a charset', utf8, 'application/json'],
    ['ISO-8859-1 without a charset', latin1, 'application/json'],
    ['ISO-8859-1 without any content type', latin1, undefined],
    ['UTF-8 declared as utf-8', utf8, 'application/json; charset=utf-8'],
    ['UTF-8 declared as "UTF8" in quotes', utf8, 'application/json; charset="UTF8"'],
    ['ISO-8859-1 declared as iso-8859-1', latin1, 'application/json;charset=ISO-8859-1'],
    ['ISO-8859-1 declared as latin1', latin1, 'application/json; charset=latin1'],
    ['ISO-8859-1 declared as windows-1252', latin1, 'text/plain; charset=windows-1252'],
    ['ISO-8859-1 with a charset we do not know', latin1, 'application/json; charset=x-unknown'],
  ])('reads %s', (_, raw, contentType) => {
    expect(decodeBody(raw, contentType)).toBe(name);
  });

  it('honours a declared latin1 even when the bytes would also be valid UTF-8', () => {
    expect(decodeBody(utf8, 'application/json; charset=iso-8859-1')).toBe('JoÃ£o ConceiÃ§Ã£o');
  });

  it('honours a declared utf-8 and marks the bytes that are not UTF-8', () => {
    expect(decodeBody(latin1, 'application/json; charset=utf-8')).toBe(
      'Jo\uFFFDo Concei\uFFFD\uFFFDo',
    );
  });

  it('drops a UTF-8 byte-order mark', () => {
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), undefined)).toBe(
      name,
    );
  });
});
