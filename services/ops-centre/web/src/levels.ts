/** Risk levels as the API sends them (0..4) with text, colour and a pattern, so colour is never the only cue. */
export const LEVELS = [
  { n: 0, name: 'none', label: 'No data', fill: '#d9dde3', text: '#1a1a1a', symbol: '–' },
  { n: 1, name: 'low', label: 'Low', fill: '#2e7d32', text: '#ffffff', symbol: '▽' },
  { n: 2, name: 'elevated', label: 'Elevated', fill: '#f2c200', text: '#1a1a1a', symbol: '◇' },
  { n: 3, name: 'high', label: 'High', fill: '#e65100', text: '#000000', symbol: '▲' },
  { n: 4, name: 'critical', label: 'Critical', fill: '#a50e0e', text: '#ffffff', symbol: '■' },
] as const;

export const levelInfo = (n: number | null | undefined) => LEVELS[n ?? 0] ?? LEVELS[0];

export const REGIONS = [
  { id: 'africa', name: 'Africa' },
  { id: 'americas', name: 'Americas' },
  { id: 'asia-pacific', name: 'Asia and the Pacific' },
  { id: 'europe-central-asia', name: 'Europe and Central Asia' },
  { id: 'middle-east', name: 'Middle East' },
] as const;
