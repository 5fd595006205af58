/**
 * A number of each Genesys region's country (and France), as the country writes it nationally,
 * with its E.164 and international forms. Fictional ranges where the country has one (US 555-01xx,
 * GB 020 7946 0xxx, AU 02 5550 xxxx and 0491 570 xxx), otherwise numbers of no one in particular.
 * The mask tests check each against libphonenumber-js's metadata (valid, same E.164).
 */
import type { CountryCode } from 'libphonenumber-js/max';

export interface RegionPhone {
  country: CountryCode;
  national: string;
  e164: string;
  /** As the ITU writes it: +<country code> and groups. */
  international: string;
}

export const REGION_PHONES: RegionPhone[] = [
  { country: 'US', national: '(415) 555-0123', e164: '+14155550123', international: '+1 415 555 0123' },
  { country: 'IE', national: '(01) 234 5678', e164: '+35312345678', international: '+353 1 234 5678' },
  { country: 'AU', national: '(02) 5550 1234', e164: '+61255501234', international: '+61 2 5550 1234' },
  { country: 'AU', national: '0491 570 156', e164: '+61491570156', international: '+61 491 570 156' },
  { country: 'JP', national: '03-1234-5678', e164: '+81312345678', international: '+81 3 1234 5678' },
  { country: 'DE', national: '030 901820', e164: '+4930901820', international: '+49 30 901820' },
  { country: 'CA', national: '(613) 555-0143', e164: '+16135550143', international: '+1 613 555 0143' },
  { country: 'KR', national: '02-312-3456', e164: '+8223123456', international: '+82 2 312 3456' },
  { country: 'KR', national: '010-1234-5678', e164: '+821012345678', international: '+82 10 1234 5678' },
  { country: 'GB', national: '020 7946 0958', e164: '+442079460958', international: '+44 20 7946 0958' },
  { country: 'IN', national: '022 2345 6789', e164: '+912223456789', international: '+91 22 2345 6789' },
  { country: 'BR', national: '(11) 3456-7890', e164: '+551134567890', international: '+55 11 3456 7890' },
  { country: 'BR', national: '(11) 91234-5678', e164: '+5511912345678', international: '+55 11 91234 5678' },
  { country: 'AE', national: '050 123 4567', e164: '+971501234567', international: '+971 50 123 4567' },
  { country: 'CH', national: '044 668 18 00', e164: '+41446681800', international: '+41 44 668 18 00' },
  { country: 'MX', national: '55 1234 5678', e164: '+525512345678', international: '+52 55 1234 5678' },
  { country: 'SG', national: '6123 4567', e164: '+6561234567', international: '+65 6123 4567' },
  { country: 'FR', national: '01 23 45 67 89', e164: '+33123456789', international: '+33 1 23 45 67 89' },
];
