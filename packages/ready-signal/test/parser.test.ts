import { describe, expect, it } from 'vitest';
import { WireParser, type WireMessage } from '../src/protocol/parser.js';

/** Feeds the stream split at every possible point; the messages must not depend on the split. */
function parseAllSplits(bytes: Buffer): WireMessage[][] {
  const outcomes: WireMessage[][] = [];
  for (let cut = 0; cut <= bytes.length; cut++) {
    const messages: WireMessage[] = [];
    const parser = new WireParser((m) => messages.push(m));
    parser.feed(bytes.subarray(0, cut));
    parser.feed(bytes.subarray(cut));
    parser.end();
    outcomes.push(messages);
  }
  return outcomes;
}

const parse = (text: string | Buffer): WireMessage[] => {
  const outcomes = parseAllSplits(Buffer.isBuffer(text) ? text : Buffer.from(text));
  for (const outcome of outcomes) expect(outcome).toEqual(outcomes[0]);
  return outcomes[0] as WireMessage[];
};

describe('wire parser', () => {
  it.each([[Buffer.from([0])], ['x'], ['\n'], ['@'], ['1\n'], ['ready\n']])('one-byte style ready: %j', (input) => {
    expect(parse(input)).toEqual([{ type: 'ready' }]);
  });

  it('ready line with and without payload', () => {
    expect(parse('@ready\n')).toEqual([{ type: 'ready' }]);
    expect(parse('@ready {"port":80}\n')).toEqual([{ type: 'ready', payload: '{"port":80}' }]);
    expect(parse('@ready \n')).toEqual([{ type: 'ready', payload: '' }]);
    expect(parse('@ready héllo\r\n')).toEqual([{ type: 'ready', payload: 'héllo' }]);
  });

  it('checkpoints after ready, unknown lines ignored', () => {
    expect(parse('@ready\n@checkpoint a\nnoise\n@future thing\n\n@checkpoint b c\n')).toEqual([
      { type: 'ready' },
      { type: 'checkpoint', name: 'a' },
      { type: 'checkpoint', name: 'b c' },
    ]);
  });

  it('checkpoints after a one-byte ready', () => {
    expect(parse('x@checkpoint a\n')).toEqual([{ type: 'ready' }, { type: 'checkpoint', name: 'a' }]);
  });

  it('an unterminated ready line at EOF is a plain ready; an unterminated checkpoint is dropped', () => {
    expect(parse('@ready payload')).toEqual([{ type: 'ready' }]);
    expect(parse('@ready\n@checkpoint half')).toEqual([{ type: 'ready' }]);
  });

  it('a first "@" line that is not a ready line is ready, then read as a message', () => {
    expect(parse('@checkpoint a\n')).toEqual([{ type: 'ready' }, { type: 'checkpoint', name: 'a' }]);
  });

  it('resolves ready on the first byte of a plain chunk, before any newline', () => {
    const messages: WireMessage[] = [];
    new WireParser((m) => messages.push(m)).feed(Buffer.from('x'));
    expect(messages).toEqual([{ type: 'ready' }]);
  });
});
