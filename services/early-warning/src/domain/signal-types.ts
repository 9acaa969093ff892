/**
 * Signal types and sub-types. The six ACLED event types keep ACLED's sub-event types (as snake_case
 * wire names); the four indicators ACLED does not code have sub-types of our own. The values are the
 * wire form used in events and APIs, so they only ever gain members.
 */
export const ACLED_EVENT_TYPES = [
  'battles',
  'explosions_remote_violence',
  'violence_against_civilians',
  'riots',
  'protests',
  'strategic_developments',
] as const;

export const SIGNAL_TYPES = [...ACLED_EVENT_TYPES, 'displacement', 'hate_speech', 'political_crisis', 'election_violence'] as const;

export type SignalType = (typeof SIGNAL_TYPES)[number];

export const SIGNAL_SUB_TYPES = {
  battles: ['armed_clash', 'government_regains_territory', 'non_state_actor_overtakes_territory'],
  explosions_remote_violence: [
    'chemical_weapon',
    'air_drone_strike',
    'suicide_bomb',
    'shelling_artillery_missile_attack',
    'remote_explosive_landmine_ied',
    'grenade',
  ],
  violence_against_civilians: ['sexual_violence', 'attack', 'abduction_forced_disappearance'],
  riots: ['violent_demonstration', 'mob_violence'],
  protests: ['peaceful_protest', 'protest_with_intervention', 'excessive_force_against_protesters'],
  strategic_developments: [
    'agreement',
    'arrests',
    'change_to_group_activity',
    'disrupted_weapons_use',
    'headquarters_or_base_established',
    'looting_property_destruction',
    'non_violent_transfer_of_territory',
    'other',
  ],
  displacement: ['internal_displacement', 'cross_border_displacement'],
  hate_speech: ['incitement_to_violence', 'dehumanising_language'],
  political_crisis: ['coup', 'attempted_coup', 'unconstitutional_extension', 'state_of_emergency', 'government_collapse'],
  election_violence: ['pre_election', 'election_day', 'post_election'],
} as const satisfies Record<SignalType, readonly string[]>;

export type SignalSubType = (typeof SIGNAL_SUB_TYPES)[SignalType][number];

/** Human labels, for drivers shown to watch officers. */
export const SIGNAL_TYPE_LABELS: Readonly<Record<SignalType, string>> = {
  battles: 'Battles',
  explosions_remote_violence: 'Explosions/remote violence',
  violence_against_civilians: 'Violence against civilians',
  riots: 'Riots',
  protests: 'Protests',
  strategic_developments: 'Strategic developments',
  displacement: 'Displacement',
  hate_speech: 'Hate speech',
  political_crisis: 'Political crisis',
  election_violence: 'Election-related violence',
};

export function isSignalType(value: string): value is SignalType {
  return (SIGNAL_TYPES as readonly string[]).includes(value);
}

export function isSubTypeOf(type: SignalType, subType: string): subType is SignalSubType {
  return (SIGNAL_SUB_TYPES[type] as readonly string[]).includes(subType);
}

/** ACLED's label → our wire name: "Explosions/Remote violence" → "explosions_remote_violence". */
export function toWireName(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
