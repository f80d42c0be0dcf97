import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamTable } from '../src/stream-table.js';

describe('StreamTable', () => {
  /** Applies random sets and deletes to a table and to a Map, and compares them. */
  function matchesMap(id: fc.Arbitrary<number>, maxLength: number, numRuns = 100): void {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id, value: fc.integer() }),
      fc.record({ kind: fc.constant('delete' as const), id }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: maxLength / 4, maxLength }), (ops) => {
        const table = new StreamTable<number>();
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            table.set(o.id, o.value);
            model.set(o.id, o.value);
          } else {
            expect(table.delete(o.id)).toBe(model.delete(o.id));
          }
          expect(table.size).toBe(model.size);
          expect(table.get(o.id)).toBe(model.get(o.id));
        }
        for (const [key, value] of model) expect(table.get(key)).toBe(value);
        expect(new Map(table.entries())).toEqual(model);
        const byNumber = (a: number, b: number): number => a - b;
        expect(table.values().sort(byNumber)).toEqual([...model.values()].sort(byNumber));
        table.clear();
        expect(table.size).toBe(0);
        expect(table.entries()).toEqual([]);
        for (const key of model.keys()) expect(table.has(key)).toBe(false);
      }),
      { numRuns },
    );
  }

  it('behaves as a Map in a small, crowded table', () => {
    // Few ids in at most 32 slots: long probe runs, often wrapping around the end.
    matchesMap(fc.integer({ min: 1, max: 24 }), 60, 1000);
  });

  it('behaves as a Map across growth, with colliding and arbitrary ids', () => {
    matchesMap(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 2 ** 32 - 1 })), 300);
  });

  it('keeps every stream of a long run of consecutive ids with one stream held open', () => {
    const table = new StreamTable<string>();
    table.set(1, 'long-lived');
    for (let id = 3; id < 20_001; id += 2) {
      table.set(id, `s${id}`);
      if (id > 201) table.delete(id - 200);
    }
    expect(table.get(1)).toBe('long-lived');
    expect(table.size).toBe(101);
    expect(table.get(19_999)).toBe('s19999');
    expect(table.has(19_799)).toBe(false);
  });

  it('refuses ids that are not stream ids', () => {
    const table = new StreamTable<number>();
    for (const bad of [0, -1, 1.5, 2 ** 32]) expect(() => table.set(bad, 1)).toThrow(RangeError);
  });
});
