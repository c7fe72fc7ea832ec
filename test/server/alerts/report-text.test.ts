// The masking of a staff report's "patients concerned" in the reporter's own words.
import { describe, expect, it } from 'vitest';
import { renderExplanation } from '../../../server/alerts/explanations.ts';
import { maskTerms, patientTerms, reportExplanation, reportTitle } from '../../../server/alerts/report-text.ts';

describe('staff report text', () => {
  it('masks the whole patient text and each listed name, whatever the case, leaving the other words', () => {
    const terms = patientTerms('Mme Durand; M. Petit, lit 3');
    expect(terms).toEqual(['Mme Durand; M. Petit, lit 3', 'Mme Durand', 'M. Petit', 'lit 3']);
    expect(maskTerms('J’ai vu le dossier de mme durand puis celui de M. Petit (lit 3).', terms)).toBe(
      'J’ai vu le dossier de ••••••••nd puis celui de ••••••it (••• 3).',
    );
    expect(maskTerms({ a: ['Mme Durand'], n: 3 }, terms)).toEqual({ a: ['••••••••nd'], n: 3 });
  });

  it('leaves very short items and regex characters harmless', () => {
    expect(patientTerms('A, B')).toEqual(['A, B']);
    expect(patientTerms(null)).toEqual([]);
    expect(maskTerms('dossier (x.y) ici', patientTerms('(x.y)'))).toBe('dossier •••y) ici');
  });

  it('names the reporter and the category in plain words', () => {
    const stored = reportExplanation('Marie Curie', 'Ma tablette a disparu', false);
    expect(stored).toEqual({
      key: 'report.staff',
      params: { reporter: 'Marie Curie', summary: 'Ma tablette a disparu', urgent: false },
    });
    expect(renderExplanation(stored)).toEqual({
      fr: 'Signalement de Marie Curie : Ma tablette a disparu',
      en: 'Report from Marie Curie: Ma tablette a disparu',
    });
    expect(reportTitle('lost_device').fr).toBe('Signalement : appareil perdu ou volé');
    expect(reportTitle(null)).toEqual({ fr: 'Signalement du personnel', en: 'Staff report' });
  });
});
