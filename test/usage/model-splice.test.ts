import { describe, expect, it } from 'vitest';
import { spliceModel } from '#src/usage/index.js';

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes).toString());
const body = (value: string) => Buffer.from(value);

describe('spliceModel', () => {
  it('replaces only the top-level model string, every other byte as sent', () => {
    expect(text(spliceModel(body('{ "model" : "a", "n": 1.0,"x":{"model":"keep"}}'), 'b/c "d"'))).toBe(
      '{ "model" : "b/c \\"d\\"", "n": 1.0,"x":{"model":"keep"}}',
    );
  });

  it('edits the last model member, the one a JSON parser reads', () => {
    expect(text(spliceModel(body('{"model":"a","model":"b"}'), 'z'))).toBe('{"model":"a","model":"z"}');
  });

  it('leaves alone what is not an object with a string model', () => {
    expect(spliceModel(body('[1]'), 'z')).toBeUndefined();
    expect(spliceModel(body('{"model":7}'), 'z')).toBeUndefined();
    expect(spliceModel(body('{"messages":[]}'), 'z')).toBeUndefined();
    expect(spliceModel(body('{"model":"a"'), 'z')).toBeUndefined();
  });
});
