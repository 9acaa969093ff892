import { ApiProperty } from '@nestjs/swagger';

/*
 * What the country-watch routes answer, for the OpenAPI document: the tally as CountryWatch holds it.
 * Documentation only. Without it GET /country-watch/{country} had a 200 with no schema nor description,
 * and documented none of its 400, 403 and 404.
 */

/** The signals early-warning has reported for one country, as mediation has tallied them. */
export class CountryWatchView {
  @ApiProperty({ example: 'MLI', description: 'ISO 3166-1 alpha-3 (Kosovo as XKX)' }) country!: string;
  @ApiProperty({ minimum: 0, description: 'signals seen for the country' }) signalsSeen!: number;
  @ApiProperty({ minimum: 0, description: 'fatalities those signals reported' }) fatalitiesSeen!: number;
  @ApiProperty({ type: String, format: 'date-time', description: 'when the latest signal seen occurred' }) lastSignalAt!: string;
  @ApiProperty({ description: 'id of the event that last changed the tally' }) lastEventId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiProperty({
    type: [String],
    example: ['Conflict data: ACLED, acleddata.com'],
    description:
      "what the data of the signals tallied owes (ACLED's attribution for an ACLED import's signals; its terms ask that it be shown wherever results built from its data are): each once, sorted; empty when nothing, and for signals tallied before mediation kept them",
  })
  attributions!: string[];
}

export const WATCH_ANSWERS = {
  forbidden: "MEDIATION.REGION_FORBIDDEN: the country's region is outside the caller's region; AUTH.FORBIDDEN_ROLE: role missing",
  notWatched: 'MEDIATION.COUNTRY_NOT_WATCHED: no signal has been seen for the country',
  invalid: 'REQUEST.INVALID: the code names no country, or a query parameter the route does not take (`errors` names each field and the reason)',
} as const;
