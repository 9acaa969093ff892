import { describe, expect, it } from 'vitest';
import type { HttpException } from '@nestjs/common';
import { strictValidationPipe } from '@crisis-ops/service-kit';
import { MAX_PROVISIONS, MAX_PROVISIONS_BYTES, MAX_SIGNATORIES } from '../domain';
import { ActivateProcessDto, AppointEnvoyDto, JSON_BODY_LIMIT_BYTES, ProcessPageQueryDto, ProcessQueryDto, ProposeProcessDto, RecordAgreementDto, RecordSessionDto } from './process.dto';

const participants = [{ gender: 'female', ageGroup: 'adult', count: 1 }];

async function errorsOf(metatype: new () => object, body: object) {
  try {
    await strictValidationPipe().transform(body, { type: 'body', metatype });
  } catch (err) {
    return ((err as HttpException).getResponse() as { errors: Array<{ field: string; reason: string }> }).errors;
  }
  return [];
}

describe('dates over HTTP', () => {
  it('takes a session held at a date-time with Z or ±hh:mm', async () => {
    expect(await errorsOf(RecordSessionDto, { heldAt: '2026-03-04T09:00:00Z', place: 'Bamako', participants })).toEqual([]);
    expect(await errorsOf(RecordSessionDto, { heldAt: '2026-03-04T09:00:00+02:00', place: 'Bamako', participants })).toEqual([]);
  });

  it('refuses a session on 30 February, naming the field', async () => {
    expect(await errorsOf(RecordSessionDto, { heldAt: '2026-02-30T09:00:00Z', place: 'Bamako', participants })).toEqual([
      { field: 'heldAt', reason: 'is not a real date: 2026-02-30 does not exist' },
    ]);
  });

  it('refuses a session or a signing before 1900 at the edge, with the reason and status the domain would give any other bad date', async () => {
    expect(await errorsOf(RecordSessionDto, { heldAt: '1899-12-31T23:00:00Z', place: 'Bamako', participants })).toEqual([{ field: 'heldAt', reason: 'must be on or after 1900-01-01' }]);
    expect(await errorsOf(RecordSessionDto, { heldAt: '0001-01-01T00:00:00+01:00', place: 'Bamako', participants })).toEqual([{ field: 'heldAt', reason: 'must be on or after 1900-01-01' }]);
  });

  it('refuses a signing time without offset, naming the field', async () => {
    const body = {
      kind: 'ceasefire',
      title: 'Ceasefire',
      signedAt: '2026-03-04T09:00',
      provisions: [{ topic: 'ceasefire', text: 'Hostilities cease.', addressesGender: false, addressesYouth: false }],
      signatories: [{ name: 'Leader', role: 'party', organization: 'Movement' }],
    };
    expect(await errorsOf(RecordAgreementDto, body)).toEqual([
      { field: 'signedAt', reason: 'must be an ISO 8601 date-time with a time zone offset (Z or ±hh:mm), e.g. 2026-03-04T09:00:00Z' },
    ]);
  });
});

describe('the country of a proposal over HTTP', () => {
  const proposal = (country: string) => ({ country, track: 'good_offices', lead: 'special_envoy' });

  it('takes an ISO 3166-1 country, and a user-assigned code for exercises', async () => {
    expect(await errorsOf(ProposeProcessDto, proposal('MLI'))).toEqual([]);
    expect(await errorsOf(ProposeProcessDto, proposal('QZA'))).toEqual([]);
  });

  it("keys Kosovo's UNK as XKX, the code early-warning's escalations and the country watch carry", async () => {
    const proposal = await strictValidationPipe().transform({ country: 'UNK', track: 'good_offices', lead: 'special_envoy' }, { type: 'body', metatype: ProposeProcessDto });
    expect(proposal).toMatchObject({ country: 'XKX' });
    const query = await strictValidationPipe().transform({ country: 'UNK' }, { type: 'query', metatype: ProcessQueryDto });
    expect(query).toMatchObject({ country: 'XKX' });
  });

  it('refuses three capitals that name no country, saying so', async () => {
    expect(await errorsOf(ProposeProcessDto, proposal('MAL'))).toEqual([{ field: 'country', reason: 'MAL is not an ISO 3166-1 country' }]);
    expect(await errorsOf(ProposeProcessDto, proposal('Mali'))).toEqual([{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code in capitals, e.g. MLI' }]);
  });

  it('refuses a code the domain would refuse, in lower case or padded, at the edge with every other fault', async () => {
    for (const country of ['mli', ' MLI', 'MLI ']) {
      expect(await errorsOf(ProposeProcessDto, proposal(country)), country).toEqual([{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code in capitals, e.g. MLI' }]);
    }
  });
});

describe('the country of a listing or figures over HTTP', () => {
  it('takes what a proposal takes', async () => {
    for (const metatype of [ProcessQueryDto, ProcessPageQueryDto]) {
      expect(await errorsOf(metatype, { country: 'MLI' })).toEqual([]);
      expect(await errorsOf(metatype, { country: 'QZA' })).toEqual([]);
    }
  });

  it('refuses three capitals that name no country as a proposal does, where it answered no processes there', async () => {
    for (const metatype of [ProcessQueryDto, ProcessPageQueryDto]) {
      expect(await errorsOf(metatype, { country: 'MAL' }), metatype.name).toEqual(await errorsOf(ProposeProcessDto, { country: 'MAL', track: 'good_offices', lead: 'special_envoy' }));
      expect(await errorsOf(metatype, { country: 'MAL' }), metatype.name).toEqual([{ field: 'country', reason: 'MAL is not an ISO 3166-1 country' }]);
    }
  });
});

describe('envoys over HTTP', () => {
  it('names a missing envoy with every other missing field, in one answer', async () => {
    expect((await errorsOf(ActivateProcessDto, {})).map((e) => e.field).sort()).toEqual(['envoy', 'mandate']);
    expect((await errorsOf(AppointEnvoyDto, { envoy: 'A. Envoy' })).map((e) => e.field)).toEqual(['envoy']);
  });
});

describe('reasons over HTTP', () => {
  it('names a bad cursor with a bad page size in one answer, where the cursor was told only once the page size was mended', async () => {
    expect(await errorsOf(ProcessPageQueryDto, { limit: '0', cursor: 'zz' })).toEqual([
      { field: 'limit', reason: 'must be an integer from 1 to 500' },
      { field: 'cursor', reason: 'is not a cursor this API returned' },
    ]);
    const cursor = Buffer.from('2026-03-04T09:00:00.000Z|b04e90a0-5d32-43f6-9f73-84e4d5f46b11').toString('base64url');
    expect(await errorsOf(ProcessPageQueryDto, { limit: '2', cursor })).toEqual([]);
  });

  it('takes a page size in decimal digits alone, where 0x10 was 16, 1e2 100, and +5 or a space before it 5', async () => {
    const query = async (limit: string) => strictValidationPipe().transform({ limit }, { type: 'query', metatype: ProcessPageQueryDto });
    expect(await query('16')).toMatchObject({ limit: 16 });
    expect(await query('500')).toMatchObject({ limit: 500 });
    for (const limit of ['0x10', '1e2', '+5', ' 5', '5 ', '5.0', '0b11', '', '-1']) {
      expect(await errorsOf(ProcessPageQueryDto, { limit }), JSON.stringify(limit)).toEqual([{ field: 'limit', reason: 'must be an integer from 1 to 500' }]);
    }
  });

  it('gives a page size that is no number its reason once, where IsInt, Min and Max each said it', async () => {
    expect(await errorsOf(ProcessPageQueryDto, { limit: 'abc' })).toEqual([{ field: 'limit', reason: 'must be an integer from 1 to 500' }]);
  });

  it('gives a count sent as a string its type alone, not the bounds a string cannot meet', async () => {
    const body = { heldAt: '2026-03-04T09:00:00Z', place: 'Bamako', participants: [{ gender: 'female', ageGroup: 'adult', count: '2' }] };
    expect(await errorsOf(RecordSessionDto, body)).toEqual([{ field: 'participants[0].count', reason: 'must be an integer number' }]);
  });
});

describe('names over HTTP', () => {
  it('refuses a party name of no visible character (a no-break space and a zero-width space), naming the field', async () => {
    const body = { country: 'MLI', track: 'good_offices', lead: 'special_envoy', parties: [{ name: '\u00a0\u200b', kind: 'government' }] };
    expect(await errorsOf(ProposeProcessDto, body)).toEqual([{ field: 'parties[0].name', reason: 'must have a visible character' }]);
  });

  it('refuses an optional text of no visible character (a zero-width space), where it was stored as if blank, and takes a blank one as not given', async () => {
    const proposal = { country: 'MLI', track: 'good_offices', lead: 'special_envoy' };
    expect(await errorsOf(ProposeProcessDto, { ...proposal, situation: '\u200b', admin1: '\u00a0\u200b' })).toEqual([
      { field: 'admin1', reason: 'must have a visible character' },
      { field: 'situation', reason: 'must have a visible character' },
    ]);
    expect(await errorsOf(ProposeProcessDto, { ...proposal, situation: ' ', admin1: '' })).toEqual([]);
    expect(await errorsOf(ProposeProcessDto, { ...proposal, situation: 'Talks \u200bstalled' })).toEqual([]);
  });

  it('takes a name in any script, and white space alone is still empty', async () => {
    const proposal = (name: string) => ({ country: 'MLI', track: 'good_offices', lead: 'special_envoy', parties: [{ name, kind: 'government' }] });
    expect(await errorsOf(ProposeProcessDto, proposal('Gouvernement du Mali'))).toEqual([]);
    expect(await errorsOf(ProposeProcessDto, proposal('\u0645\u0627\u0644\u064a'))).toEqual([]);
    expect(await errorsOf(ProposeProcessDto, proposal(' \t '))).toEqual([{ field: 'parties[0].name', reason: 'must not be empty' }]);
  });
});

describe('what the domain refuses of a request that the request shows by itself, over HTTP', () => {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();

  it('is named in one 400 with the request\'s other faults: a session in the future, with a blank place and a group counted twice', async () => {
    const twice = [
      { gender: 'female', ageGroup: 'youth', count: 3 },
      { gender: 'female', ageGroup: 'youth', count: 2 },
    ];
    expect(await errorsOf(RecordSessionDto, { heldAt: tomorrow, place: ' ', participants: twice })).toEqual([
      { field: 'heldAt', reason: 'must not be in the future' },
      { field: 'place', reason: 'must not be empty' },
      { field: 'participants', reason: 'counts female/youth twice' },
    ]);
  });

  it('refuses a session counting nobody, and takes one held a moment ago', async () => {
    const nobody = [{ gender: 'female', ageGroup: 'adult', count: 0 }];
    expect(await errorsOf(RecordSessionDto, { heldAt: '2026-03-04T09:00:00Z', place: 'Bamako', participants: nobody })).toEqual([
      { field: 'participants', reason: 'must count at least one participant' },
    ]);
    expect(await errorsOf(RecordSessionDto, { heldAt: new Date(Date.now() - 1000).toISOString(), place: 'Bamako', participants })).toEqual([]);
    // A count that is none is told as such, not also as nobody counted.
    expect(await errorsOf(RecordSessionDto, { heldAt: '2026-03-04T09:00:00Z', place: 'Bamako', participants: [{ ...nobody[0], count: -1 }] })).toEqual([
      { field: 'participants[0].count', reason: 'must not be less than 0' },
    ]);
  });

  it('names a group counted twice with a count that is none, where both together were one "participants: is required"', async () => {
    const counted = (first: number) => ({
      heldAt: '2026-03-04T09:00:00Z',
      place: 'Bamako',
      participants: [
        { gender: 'female', ageGroup: 'youth', count: first },
        { gender: 'female', ageGroup: 'youth', count: 2 },
      ],
    });
    expect(await errorsOf(RecordSessionDto, counted(1.5))).toEqual([
      { field: 'participants', reason: 'counts female/youth twice' },
      { field: 'participants[0].count', reason: 'must be an integer number' },
    ]);
    expect(await errorsOf(RecordSessionDto, counted(-1))).toEqual([
      { field: 'participants', reason: 'counts female/youth twice' },
      { field: 'participants[0].count', reason: 'must not be less than 0' },
    ]);
  });

  it('names a party listed twice with a party of no kind or no name, where both together were one "parties: is required"', async () => {
    const proposal = (third: object) => ({
      country: 'MLI',
      track: 'good_offices',
      lead: 'special_envoy',
      parties: [{ name: 'A', kind: 'government' }, { name: 'A', kind: 'government' }, third],
    });
    expect(await errorsOf(ProposeProcessDto, proposal({ name: 'B', kind: 'nope' }))).toEqual([
      { field: 'parties', reason: 'lists A (government) twice' },
      { field: 'parties[2].kind', reason: expect.stringContaining('must be one of') },
    ]);
    expect(await errorsOf(ProposeProcessDto, proposal({ name: ' ', kind: 'civil_society' }))).toEqual([
      { field: 'parties', reason: 'lists A (government) twice' },
      { field: 'parties[2].name', reason: 'must not be empty' },
    ]);
  });

  it('refuses an agreement signed in the future with its other faults', async () => {
    const body = {
      kind: 'ceasefire',
      title: '',
      signedAt: tomorrow,
      provisions: [{ topic: 'ceasefire', text: 'Hostilities cease.', addressesGender: false, addressesYouth: false }],
      signatories: [{ name: 'Leader', role: 'party', organization: 'Movement' }],
    };
    expect(await errorsOf(RecordAgreementDto, body)).toEqual([
      { field: 'title', reason: 'must not be empty' },
      { field: 'signedAt', reason: 'must not be in the future' },
    ]);
  });

  it('refuses a proposal listing a party twice (whatever its case or spaces) with its other faults', async () => {
    const parties = [
      { name: 'Government of Mali', kind: 'government' },
      { name: ' government of mali', kind: 'government' },
      { name: 'Government of Mali', kind: 'civil_society' },
    ];
    expect(await errorsOf(ProposeProcessDto, { country: 'MLI', track: 'backchannel', lead: 'special_envoy', parties })).toEqual([
      { field: 'track', reason: expect.stringContaining('must be one of') },
      { field: 'parties', reason: 'lists government of mali (government) twice' },
    ]);
  });

  describe('the parties present at a session', () => {
    const P = '7f0c2f9e-3b1a-4c55-9d7e-2a1b3c4d5e6f';
    const Q = '0b6d9a4e-8c21-4f3a-b5e7-91c2d3e4f5a6';
    const session = (partyIds: unknown[]) => ({ heldAt: '2026-03-04T09:00:00Z', place: 'Bamako', participants, partyIds });

    it('names each id that is no UUID by its index, where one entry said "each value in partyIds must be a UUID"', async () => {
      expect(await errorsOf(RecordSessionDto, session(['nope', 5, P]))).toEqual([
        { field: 'partyIds[0]', reason: 'must be a UUID' },
        { field: 'partyIds[1]', reason: 'must be a UUID' },
      ]);
      expect(await errorsOf(RecordSessionDto, session([P, Q]))).toEqual([]);
      expect(await errorsOf(RecordSessionDto, session([]))).toEqual([]);
      // A list that is none is told as such, not item by item.
      expect(await errorsOf(RecordSessionDto, { ...session([]), partyIds: P })).toEqual([{ field: 'partyIds', reason: 'must be an array' }]);
    });

    it('refuses a party listed twice (in any case) with the request\'s other faults, where it was stored as present three times', async () => {
      expect(await errorsOf(RecordSessionDto, session([P, P, P]))).toEqual([{ field: 'partyIds', reason: `lists ${P} twice` }]);
      expect(await errorsOf(RecordSessionDto, { ...session([P, Q, P.toUpperCase(), 'nope']), place: '' })).toEqual([
        { field: 'place', reason: 'must not be empty' },
        { field: 'partyIds', reason: `lists ${P} twice` },
        { field: 'partyIds[3]', reason: 'must be a UUID' },
      ]);
      // Two ids that are no UUID alike are their own items' fault, not a party listed twice.
      expect(await errorsOf(RecordSessionDto, session(['nope', 'nope']))).toEqual([
        { field: 'partyIds[0]', reason: 'must be a UUID' },
        { field: 'partyIds[1]', reason: 'must be a UUID' },
      ]);
    });
  });
});

describe('objects sent as arrays, or as no object at all', () => {
  const envoy = { name: 'N', role: 'r', organization: 'o', gender: 'other' };
  const party = { name: 'A', kind: 'government' };
  const provision = { topic: 'ceasefire', text: 'Hostilities cease.', addressesGender: false, addressesYouth: false };
  const signatory = { name: 'Leader', role: 'party', organization: 'Movement' };
  const agreement = { kind: 'ceasefire', title: 'Ceasefire', signedAt: '2026-03-04T09:00:00Z', provisions: [provision], signatories: [signatory] };

  it('refuses an envoy sent as an array as what it is, where it passed and the domain said every field of it was missing', async () => {
    for (const value of [[envoy], [], 'N', null]) {
      expect(await errorsOf(ActivateProcessDto, { mandate: 'M', envoy: value }), JSON.stringify(value)).toEqual([{ field: 'envoy', reason: 'must be an object' }]);
      expect(await errorsOf(AppointEnvoyDto, { envoy: value }), JSON.stringify(value)).toEqual([{ field: 'envoy', reason: 'must be an object' }]);
    }
    // An array of envoys with faults of their own is still one fault: not an object.
    expect(await errorsOf(ActivateProcessDto, { mandate: 'M', envoy: [{}] })).toEqual([{ field: 'envoy', reason: 'must be an object' }]);
  });

  it('names each item of a list that is no object by its index, with the list\'s other faults and its other items\' faults', async () => {
    const proposal = (parties: unknown[]) => ({ country: 'MLI', track: 'good_offices', lead: 'special_envoy', parties });
    expect(await errorsOf(ProposeProcessDto, proposal([[party]]))).toEqual([{ field: 'parties[0]', reason: 'must be an object' }]);
    expect(await errorsOf(ProposeProcessDto, proposal([null]))).toEqual([{ field: 'parties[0]', reason: 'must be an object' }]);
    expect(await errorsOf(ProposeProcessDto, proposal([party, [{}], party, { name: '', kind: 'government' }]))).toEqual([
      { field: 'parties', reason: 'lists A (government) twice' },
      { field: 'parties[1]', reason: 'must be an object' },
      { field: 'parties[3].name', reason: 'must not be empty' },
    ]);
    const session = { heldAt: '2026-03-04T09:00:00Z', place: 'Bamako' };
    expect(await errorsOf(RecordSessionDto, { ...session, participants: [participants] })).toEqual([{ field: 'participants[0]', reason: 'must be an object' }]);
    expect(await errorsOf(RecordAgreementDto, { ...agreement, provisions: [[provision]], signatories: [[signatory], 'Leader'] })).toEqual([
      { field: 'provisions[0]', reason: 'must be an object' },
      { field: 'signatories[0]', reason: 'must be an object' },
      { field: 'signatories[1]', reason: 'must be an object' },
    ]);
    expect(await errorsOf(RecordAgreementDto, agreement)).toEqual([]);
  });
});

/** JSON of `value` with every character of every string escaped (`\\u0061`): valid JSON, and the most bytes each character can take. */
function escapedJson(value: unknown): string {
  const text = (s: string) => `"${Array.from({ length: s.length }, (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`;
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return `[${value.map(escapedJson).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${text(k)}:${escapedJson(v)}`).join(',')}}`;
  return JSON.stringify(value);
}

describe('the size of an agreement over HTTP', () => {
  const provision = (topic: string, text: string) => ({ topic, text, addressesGender: false, addressesYouth: false });
  const signatory = { name: 'Leader', role: 'party', organization: 'Movement' };
  const agreement = (provisions: object[], signatories: object[] = [signatory]) => ({ kind: 'comprehensive', title: 'Peace agreement', signedAt: '2026-03-05T09:00:00Z', provisions, signatories });

  it('takes the largest agreement the limits allow in a body under the body limit, every character escaped', async () => {
    const astral = '\u{20000}';
    // Provisions' bytes in 1-byte characters (6 bytes each escaped), the rest in 4-byte ones (12 bytes each).
    const largest = {
      ...agreement(
        Array.from({ length: MAX_PROVISIONS }, () => provision('a'.repeat(96), 'a'.repeat(MAX_PROVISIONS_BYTES / MAX_PROVISIONS - 96))),
        Array.from({ length: MAX_SIGNATORIES }, () => ({ name: astral.repeat(200), role: 'party', organization: astral.repeat(200) })),
      ),
      title: astral.repeat(500),
    };
    expect(await errorsOf(RecordAgreementDto, largest)).toEqual([]);
    const body = escapedJson(largest);
    expect(JSON.parse(body)).toEqual(largest);
    expect(Buffer.byteLength(body)).toBeGreaterThan(100 * 1024);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(JSON_BODY_LIMIT_BYTES);
  });

  it('refuses more provisions or signatories than one agreement holds, or provisions of more bytes, naming the field', async () => {
    const one = provision('ceasefire', 'Hostilities cease.');
    expect(await errorsOf(RecordAgreementDto, agreement(Array(MAX_PROVISIONS).fill(one)))).toEqual([]);
    expect(await errorsOf(RecordAgreementDto, agreement(Array(MAX_PROVISIONS + 1).fill(one)))).toEqual([{ field: 'provisions', reason: `must list at most ${MAX_PROVISIONS} provisions` }]);
    expect(await errorsOf(RecordAgreementDto, agreement([one], Array(MAX_SIGNATORIES + 1).fill(signatory)))).toEqual([{ field: 'signatories', reason: `must list at most ${MAX_SIGNATORIES} signatories` }]);
    const full = provision('t', 'é'.repeat(5_000)); // 10,001 bytes
    const bytes = 41 * 10_001;
    expect(bytes).toBeGreaterThan(MAX_PROVISIONS_BYTES);
    expect(await errorsOf(RecordAgreementDto, agreement(Array(41).fill(full)))).toEqual([
      { field: 'provisions', reason: `topics and texts come to ${bytes} bytes in UTF-8; one agreement holds at most ${MAX_PROVISIONS_BYTES} (record the rest as a further agreement)` },
    ]);
  });
});

describe('parties of a proposal over HTTP', () => {
  it('refuses a party listed twice in spellings that read the same (NFD, a double space, capitals), naming the repeat', async () => {
    const parties = ['Unión Cívica', 'Unio\u0301n Ci\u0301vica', 'Unión  Cívica', 'UNIÓN\u00a0CÍVICA'].map((name) => ({ name, kind: 'civil_society' }));
    for (const repeat of parties.slice(1)) {
      expect(await errorsOf(ProposeProcessDto, { country: 'NIC', track: 'good_offices', lead: 'special_envoy', parties: [parties[0], repeat] }), repeat.name).toEqual([
        { field: 'parties', reason: `lists ${repeat.name.trim()} (civil_society) twice` },
      ]);
    }
    expect(await errorsOf(ProposeProcessDto, { country: 'NIC', track: 'good_offices', lead: 'special_envoy', parties: [parties[0], { ...parties[1], kind: 'political_party' }] })).toEqual([]);
  });
});
