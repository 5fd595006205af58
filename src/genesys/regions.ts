import { Config } from '../config/config';
import { ConfigError } from '../errors';

/** Genesys Cloud regions and their API domains, as Genesys publishes them. */
export const REGION_DOMAINS: Readonly<Record<string, string>> = {
  us_east_1: 'mypurecloud.com',
  eu_west_1: 'mypurecloud.ie',
  ap_southeast_2: 'mypurecloud.com.au',
  ap_northeast_1: 'mypurecloud.jp',
  eu_central_1: 'mypurecloud.de',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  ap_northeast_2: 'apne2.pure.cloud',
  eu_west_2: 'euw2.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  us_east_2: 'use2.us-gov-pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  me_central_1: 'mec1.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
  eu_central_2: 'euc2.pure.cloud',
  mx_central_1: 'mxc1.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud',
  eusc_de_east_1: 'edee1.eusc-pure.cloud',
};

/**
 * The country each region's data centre is in (AWS's region of the same name): the default for
 * the national phone formats the masker recognizes (MASK_PHONE_COUNTRIES).
 */
export const REGION_COUNTRIES: Readonly<Record<string, string>> = {
  us_east_1: 'US',
  eu_west_1: 'IE',
  ap_southeast_2: 'AU',
  ap_northeast_1: 'JP',
  eu_central_1: 'DE',
  us_west_2: 'US',
  ca_central_1: 'CA',
  ap_northeast_2: 'KR',
  eu_west_2: 'GB',
  ap_south_1: 'IN',
  us_east_2: 'US',
  sa_east_1: 'BR',
  me_central_1: 'AE',
  ap_northeast_3: 'JP',
  eu_central_2: 'CH',
  mx_central_1: 'MX',
  ap_southeast_1: 'SG',
  eusc_de_east_1: 'DE',
};

/** Every Genesys region's country, once each, in the order of REGION_COUNTRIES. */
export const GENESYS_COUNTRIES: readonly string[] = [...new Set(Object.values(REGION_COUNTRIES))];

/**
 * The countries whose national phone formats are masked: MASK_PHONE_COUNTRIES, else the region's
 * country, else (the sandbox org, no region) every region's country.
 */
export function phoneCountries(
  mask: { phoneCountries?: readonly string[] },
  region: string | undefined,
): readonly string[] {
  if (mask.phoneCountries !== undefined) return mask.phoneCountries;
  if (region === undefined) return GENESYS_COUNTRIES;
  const country = REGION_COUNTRIES[region.replace(/-/g, '_')];
  if (country === undefined)
    throw new ConfigError(
      `GENESYS_REGION: unknown region "${region}"; expected one of ${Object.keys(REGION_COUNTRIES).join(', ')}`,
    );
  return [country];
}

export interface GenesysEndpoints {
  apiBase: string;
  loginBase: string;
}

/** API and login hosts: explicit bases win (the simulator), else the region's domain. */
export function genesysEndpoints(genesys: Config['genesys']): GenesysEndpoints {
  let apiBase = genesys.apiBase;
  let loginBase = genesys.loginBase;
  if (genesys.region) {
    const domain = REGION_DOMAINS[genesys.region.replace(/-/g, '_')];
    if (!domain) {
      throw new ConfigError(
        `GENESYS_REGION: unknown region "${genesys.region}"; expected one of ${Object.keys(REGION_DOMAINS).join(', ')}`,
      );
    }
    apiBase ??= `https://api.${domain}`;
    loginBase ??= `https://login.${domain}`;
  }
  if (!apiBase) throw new ConfigError('GENESYS_REGION (or GENESYS_API_BASE): required to reach a Genesys Cloud org');
  return { apiBase: trimSlash(apiBase), loginBase: trimSlash(loginBase ?? apiBase) };
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');
