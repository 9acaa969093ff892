import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';

/** The ACLED export's 31 columns, in order. */
export const ACLED_HEADER =
  'event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp';

const COUNTRIES: ReadonlyArray<[string, number, string[]]> = [
  ['Burkina Faso', 854, ['Sahel', 'Nord', 'Est', 'Centre-Nord', 'Boucle du Mouhoun']],
  ['Mali', 466, ['Mopti', 'Gao', 'Tombouctou', 'Segou', 'Kidal']],
  ['Niger', 562, ['Tillaberi', 'Diffa', 'Tahoua', 'Maradi']],
  ['Nigeria', 566, ['Borno', 'Zamfara', 'Kaduna', 'Benue', 'Plateau']],
  ['Sudan', 729, ['Khartoum', 'North Darfur', 'West Darfur', 'South Kordofan']],
  ['Somalia', 706, ['Banadir', 'Lower Shabelle', 'Bay', 'Hiraan']],
  ['Democratic Republic of Congo', 180, ['North Kivu', 'South Kivu', 'Ituri', 'Tanganyika']],
  ['Ethiopia', 231, ['Amhara', 'Oromia', 'Tigray', 'Afar']],
  ['Cameroon', 120, ['Far North', 'Northwest', 'Southwest']],
  ['Mozambique', 508, ['Cabo Delgado', 'Niassa', 'Nampula']],
];
const TYPES: ReadonlyArray<[string, string, string]> = [
  ['Political violence', 'Battles', 'Armed clash'],
  ['Political violence', 'Violence against civilians', 'Attack'],
  ['Political violence', 'Explosions/Remote violence', 'Remote explosive/landmine/IED'],
  ['Demonstrations', 'Protests', 'Peaceful protest'],
  ['Demonstrations', 'Riots', 'Mob violence'],
  ['Strategic developments', 'Strategic developments', 'Looting/property destruction'],
];

/** A deterministic ACLED-format row (same i → same row, so a regenerated file is the same file). */
export function acledRow(i: number): string[] {
  let seed = (i * 2_654_435_761) >>> 0;
  const rnd = () => ((seed = (seed * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
  const [country, iso, admins] = COUNTRIES[i % COUNTRIES.length];
  const [disorder, type, sub] = TYPES[Math.floor(rnd() * TYPES.length)];
  const day = new Date(Date.UTC(2018, 0, 1) + Math.floor(rnd() * 6 * 365) * 86_400_000).toISOString().slice(0, 10);
  const admin1 = admins[Math.floor(rnd() * admins.length)];
  const fatalities = type === 'Protests' ? 0 : Math.floor(rnd() * rnd() * 20);
  return [
    `BENCH${i}`, day, day.slice(0, 4), '1', disorder, type, sub, 'Actor A', '', '3', 'Actor B', '', '1', '13', '', String(iso), 'Western Africa', country, admin1,
    `${admin1} district`, '', `${admin1} town ${i % 97}`, (rnd() * 20).toFixed(4), (rnd() * 20).toFixed(4), '1', 'Bench source', 'Local', 'Generated for the import benchmark, not real data.', String(fatalities), '', '1700000000',
  ];
}

/** Writes `rows` generated rows to `file` unless a file of that name already has them. */
export async function ensureAcledFile(file: string, rows: number): Promise<string> {
  const marker = `${file}.rows-${rows}`;
  if (existsSync(file) && existsSync(marker) && statSync(file).size > 0) return file;
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  out.write(`${ACLED_HEADER}\n`);
  for (let i = 1; i <= rows; i++) {
    const line = acledRow(i).map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  createWriteStream(marker).end(String(rows));
  return file;
}
