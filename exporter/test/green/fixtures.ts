import fs from 'node:fs';
import path from 'node:path';
import { parseNational, parseRegional } from '../../src/sources/carbon';
import type { IntensitySlot } from '../../src/model/slots';
import { CARBON_INTENSITY_FIXTURES } from '../../../tests/fixtures/paths';

export const FIXTURES = CARBON_INTENSITY_FIXTURES;
const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

/** national_fw24h_forecast.json: 49 rows from 2020-05-21T20:30Z (the row ending at `from` first). */
export const nationalFw24h = (): IntensitySlot[] => parseNational(read('national_fw24h_forecast.json')).slots;
/** regional_fw48h_postcode.json: 9 rows from 2025-10-22T23:30Z (a truncated capture). */
export const regionalFw48h = (): IntensitySlot[] => parseRegional(read('regional_fw48h_postcode.json')).slots;

export const utc = (text: string): number => Date.parse(text) / 1000;
export const H = 3600;
