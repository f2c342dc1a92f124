import { describe, expect, it } from 'vitest';
import { TER } from '../../src/metrics/ter.js';
import { translationEditRate } from '../../src/metrics/tercom.js';

// Expected numbers copied from mjpost/sacrebleu test/test_ter.py (commit 27bec349).
describe('TER (sacreBLEU test_ter.py)', () => {
  const cases: [string[], string[], number][] = [
    [['aaaa bbbb cccc dddd'], ['aaaa bbbb cccc dddd'], 0],
    [['dddd eeee ffff'], ['aaaa bbbb cccc'], 1],
    [[''], ['a'], 1],
    [['d e f g h a b c'], ['a b c d e f g h'], 1 / 8],
    [
      [
        'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit das Bild ungefähr dieselbe Größe aufweist wie die andere Größe .',
        'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
        'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie Werte für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " ein .',
        'Sie können beispielsweise ein Dokument erstellen , das ein Auto über die Bühne enthält .',
        'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
      ],
      [
        'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit die Darstellung des Bildes in einer anderen Größe beibehalten wird .',
        'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
        'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " niedrigere Werte ein .',
        'Sie können beispielsweise ein Dokument erstellen , das ein Auto enthalt , das sich über die Bühne bewegt .',
        'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
      ],
      0.136,
    ],
  ];
  for (const [hyps, refs, expected] of cases) {
    it(`${JSON.stringify(hyps).slice(0, 40)} -> ${expected}`, () => {
      expect(Math.abs(new TER().corpusScore(hyps, [refs]).score - 100 * expected)).toBeLessThan(1e-3);
    });
  }
});

describe('TER details', () => {
  it('one block shift counts as one edit (hand-worked)', () => {
    expect(translationEditRate('d e f g h a b c'.split(' '), 'a b c d e f g h'.split(' '))).toEqual([1, 8]);
    // a swap of two single words needs one shift, not two substitutions
    expect(translationEditRate(['b', 'a', 'c', 'd'], ['a', 'b', 'c', 'd'])).toEqual([1, 4]);
  });

  it('empty references: 100 with a non-empty hypothesis, 0 with an empty one', () => {
    const ter = new TER();
    expect(ter.scoreFromStatistics([3, 0]).score).toBe(100);
    expect(ter.scoreFromStatistics([0, 0]).score).toBe(0);
    expect(translationEditRate(['a', 'b'], [])).toEqual([2, 0]);
  });

  it('is case-insensitive by default and case-sensitive when asked', () => {
    expect(new TER().sentenceScore('The Cat', ['the cat']).score).toBe(0);
    expect(new TER({ caseSensitive: true }).sentenceScore('The Cat', ['the cat']).score).toBe(100);
  });

  it('normalises and removes punctuation when asked', () => {
    expect(new TER().words('Hello, world &quot;x&quot;.')).toEqual(['hello,', 'world', '&quot;x&quot;.']);
    expect(new TER({ normalized: true }).words("Hello, John's world &quot;x&quot;.")).toEqual([
      'hello', ',', 'john', "'s", 'world', '"', 'x', '"', '.',
    ]);
    expect(new TER({ noPunct: true }).words('Hello, (world)!')).toEqual(['hello', 'world']);
    expect(new TER({ normalized: true, asianSupport: true }).words('我爱你。')).toEqual(['我', '爱', '你', '。']);
    expect(new TER({ noPunct: true, asianSupport: true }).words('你好。世界，')).toEqual(['你好世界']);
  });

  it('uses the fewest edits and the average reference length over references', () => {
    const ter = new TER();
    const stats = ter.corpusStatistics(['a b c d'], [['a b c d'], ['x y']]);
    expect(stats).toEqual([[0, 3]]);
    expect(ter.signature()).toMatch(/^nrefs:2\|case:lc\|tok:tercom\|norm:no\|punct:yes\|asian:no\|version:/);
    expect(new TER({ caseSensitive: true, normalized: true, noPunct: true, asianSupport: true, references: [['a']] }).signature(true)).toMatch(
      /^#:1\|c:mixed\|t:tercom\|nr:yes\|pn:no\|as:yes\|v:/,
    );
  });
});
