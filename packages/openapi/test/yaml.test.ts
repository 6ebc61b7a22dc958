import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { toYAML } from '../src/index'

describe('toYAML()', () => {
  it('writes what a YAML parser reads back as the same value', () => {
    const value = {
      openapi: '3.1.0',
      '200': { description: 'OK' },
      'x-yes': [
        'yes',
        'no',
        'on',
        'null',
        '~',
        '',
        '0x10',
        '1e3',
        '- dash',
        'a: b',
        '#hash',
        'multi\nline',
        'tab\there',
        'ünïcode ✓',
      ],
      y: true,
      n: false,
      nothing: null,
      numbers: [0, -1, 1.5, 1e21],
      empty: { list: [], map: {} },
      nested: [[1, [2]], [{ a: 1, b: [{ c: 'd' }] }], { deep: { deeper: { deepest: 'x' } } }],
      '/books/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true }] } },
    }
    expect(parse(toYAML(value))).toEqual(value)
  })

  it('quotes every string and the keys YAML would read as something else', () => {
    const text = toYAML({ '200': 'x', yes: '1', plain_key: 'v', 'a b': [] })
    expect(text).toBe('"200": "x"\n"yes": "1"\nplain_key: "v"\n"a b": []\n')
  })
})
