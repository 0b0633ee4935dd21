/** The sliced reader of large Prometheus answers gives exactly what JSON.parse gives, and fails where it fails. */
import { parseJsonSteps, SLICED_PARSE_MIN_CHARS } from '../../src/sources/prometheus/jsonSlices';
import { unwrapEnvelope } from '../../src/sources/prometheus/parse';
import { PrometheusError } from '../../src/sources/prometheus';
import { runNow } from '../../src/tracking/slices';
import { drainSteps } from '../support/steps';

const HOSTILE = [
  'plain',
  'a "quoted" one',
  'back\\slash\\',
  'ends with \\',
  '{[,]}',
  '"result":[',
  'ünï ☃ \u0001',
  '',
  '},{"metric":{',
];

/** A vector answer of at least `minChars`, with hostile label values and a trailing warnings field. */
function vectorAnswer(minChars: number): string {
  const result = [];
  for (let i = 0, chars = 0; chars < minChars; i++) {
    const e = { metric: { instance: `h${i}:9100`, note: HOSTILE[i % HOSTILE.length]! }, value: [1790000000.5, `${i}`] };
    chars += JSON.stringify(e).length + 1;
    result.push(e);
  }
  return JSON.stringify({ status: 'success', data: { resultType: 'vector', result }, warnings: ['w, [1]'] });
}

/** What parseJsonSteps gives for `text`, and how often it yielded on the way. */
const stepped = (text: string): { value: unknown; yields: number } => drainSteps(parseJsonSteps(text));

describe('parseJsonSteps', () => {
  it('reads a large vector answer exactly as JSON.parse does, in several steps', () => {
    const text = vectorAnswer(SLICED_PARSE_MIN_CHARS * 3);
    const { value, yields } = stepped(text);
    expect(value).toEqual(JSON.parse(text));
    expect(yields).toBeGreaterThan(3);
  });

  it('reads a matrix, an empty result, odd spacing and a small answer as JSON.parse does', () => {
    const pad = ' '.repeat(SLICED_PARSE_MIN_CHARS);
    const matrix = JSON.stringify({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { a: 'x' },
            values: [
              [1, '1'],
              [2, '2'],
            ],
          },
        ],
        pad,
      },
    });
    const empty = `{"status":"success","data":{"resultType":"vector","result":[ ${pad} ]}}`;
    const spaced = `{"status":"success","data":{"resultType":"vector","result":[ {"metric":{},"value":[1,"2"]} , ${pad}{"metric":{"b":"]"},"value":[1,"3"]} ]}}`;
    const misplaced = `{"pad":"${pad}","other":{"result":[1,2]},"data":{"resultType":"vector","result":[]}}`;
    for (const text of [matrix, empty, spaced, misplaced, '{"status":"success","data":{"result":[1]}}']) {
      expect(runNow(parseJsonSteps(text))).toEqual(JSON.parse(text));
    }
  });

  it('reads an answer whose elements hold the separator inside them as JSON.parse does', () => {
    // three separators per element: the 250th cuts a group inside an element, which does not parse, so the whole
    // text is parsed at once
    const result = [];
    for (let i = 0, chars = 0; chars < SLICED_PARSE_MIN_CHARS * 2; i++) {
      const e = { metric: { instance: `h${i}` }, values: [[1, `${i}`]], more: [0, { metric: 1 }, { metric: 2 }] };
      chars += JSON.stringify(e).length + 1;
      result.push(e);
    }
    const text = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
    expect(text).toContain('[0,{"metric":');
    const { value, yields } = stepped(text);
    expect(value).toEqual(JSON.parse(text));
    expect(yields).toBe(0); // one JSON.parse of the whole text
  });

  it('throws where JSON.parse throws', () => {
    const text = vectorAnswer(SLICED_PARSE_MIN_CHARS);
    for (const broken of [text.slice(0, -10), text.replace('"metric"', '"metric'), `${text}x`]) {
      expect(() => void JSON.parse(broken)).toThrow(SyntaxError);
      expect(() => runNow(parseJsonSteps(broken))).toThrow(SyntaxError);
    }
  });

  it('leaves unwrapEnvelope with its errors for a large malformed answer', () => {
    const broken = vectorAnswer(SLICED_PARSE_MIN_CHARS).slice(0, -3);
    expect(() => unwrapEnvelope(200, broken)).toThrow(PrometheusError);
    expect(() => unwrapEnvelope(200, broken)).toThrow(/response is not JSON/);
    expect(unwrapEnvelope(200, vectorAnswer(SLICED_PARSE_MIN_CHARS))).toEqual(
      (JSON.parse(vectorAnswer(SLICED_PARSE_MIN_CHARS)) as { data: unknown }).data
    );
  });
});
